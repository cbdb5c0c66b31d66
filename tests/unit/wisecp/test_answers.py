"""How the WISECP client reads answers (pure: no HTTP), including the guessed shapes, and what a submit
makes of a failure (through a canned ``HttpSession``: no network)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_ileti.clients.http import Answer, WrongAnswerKindError
from airflow_provider_ileti.clients.wisecp.answers import combine_reports, interpret_answer, parse_report
from airflow_provider_ileti.clients.wisecp.client import WisecpClient, split_reference
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    AuthenticationError,
    InsufficientCreditError,
    NotFoundError,
    ProtocolError,
    ServiceError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.models import DeliveryPhase

GB = "+44 7400 123456"
MAINTENANCE = {"status": "error", "message": "The system is under maintenance. Try later."}


def answer(
    function: str,
    status: int,
    body: Any,
    *,
    retry_after: str | None = None,
    content_type: str = "application/json",
) -> Answer:
    """What the HTTP layer hands over: ``body`` as JSON (bytes are sent as they are, None as nothing)."""
    raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    headers = {"Content-Type": content_type, **({"Retry-After": retry_after} if retry_after else {})}
    return Answer(status=status, headers=headers, body=raw, what=function, service="wisecp")


class Canned:
    """An ``HttpSession`` stand-in: answers each request with the next canned answer, counting requests."""

    def __init__(self, *answers: tuple[int, Any] | Exception) -> None:
        self.answers = list(answers)
        self.requests = 0

    def request(self, method: str, url: str, *, what: str, **kwargs: Any) -> Answer:
        self.requests += 1
        item = self.answers.pop(0)
        if isinstance(item, Exception):
            raise item
        status, body = item
        return answer(what, status, body)

    def close(self) -> None:
        return None


def client(session: Canned, *, retries: int = 2) -> WisecpClient:
    return WisecpClient(
        "http://panel",
        "tok-1234",
        default_sender="ILETI",
        session=session,
        retries=retries,
        sleep=lambda s: None,
    )  # type: ignore[arg-type]


def test_a_successful_answer_is_returned() -> None:
    body = {"status": "successful", "report_id": 7}
    assert interpret_answer(answer("submit", 200, body)) == body


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Invalid user token.", AuthenticationError),
        ("Insufficient balance.", InsufficientCreditError),
        ("Report not found: 9", NotFoundError),
        ("The system is under maintenance. Please try again later.", TransientError),
        ("Only numeric sender IDs can be used for US.", ServiceError),
    ],
)
def test_error_messages_map_to_our_errors(message: str, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        interpret_answer(answer("balance", 200, {"status": "error", "message": message}))
    assert type(info.value) is error
    assert message in str(info.value)


@pytest.mark.parametrize(("status", "body"), [(429, None), (503, MAINTENANCE)])
@pytest.mark.parametrize("retry_after", ["5", "Sun, 06 Nov 2044 08:49:37 GMT"])
def test_refusals_before_acceptance_are_transient_and_surely_unprocessed(
    status: int, body: Any, retry_after: str
) -> None:
    with pytest.raises(TransientError) as info:
        interpret_answer(answer("submit", status, body, retry_after=retry_after))
    assert info.value.http_status == status and info.value.maybe_processed is False
    assert info.value.retry_after is not None and info.value.retry_after >= 5.0  # seconds or an HTTP date


@pytest.mark.parametrize(("status", "body"), [(429, None), (503, MAINTENANCE)])
def test_a_submit_refused_before_acceptance_is_retried(status: int, body: Any) -> None:
    session = Canned((status, body), (200, {"status": "successful", "report_id": 9}))
    assert client(session).submit([GB], "hi") == "9"
    assert session.requests == 2


@pytest.mark.parametrize("body", [None, {"status": "error", "message": "Service Unavailable"}])
def test_a_plain_503_after_the_body_went_out_is_ambiguous(body: Any) -> None:
    # a proxy's 503 (or one without the maintenance answer) proves nothing about the panel
    session = Canned((503, body))
    with pytest.raises(AmbiguousSendError) as info:
        client(session).submit([GB], "hi")
    assert info.value.http_status == 503 and not info.value.retryable
    assert session.requests == 1


def test_a_plain_503_on_a_read_is_still_transient() -> None:
    with pytest.raises(TransientError) as info:
        interpret_answer(answer("balance", 503, None))
    assert info.value.maybe_processed is True


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_transient_for_a_read(status: int) -> None:
    session = Canned((status, None), (status, None), (status, None))
    with pytest.raises(TransientError):
        client(session).report("1001")
    assert session.requests == 3  # retried: a read may be repeated


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_ambiguous_for_a_submit(status: int) -> None:
    session = Canned((status, None))
    with pytest.raises(AmbiguousSendError, match="44740\\*\\*\\*3456") as info:
        client(session).submit([GB], "hi")
    assert info.value.http_status == status
    assert "tok-1234" not in str(info.value)
    assert session.requests == 1


def test_an_unreadable_200_is_ambiguous_for_a_submit() -> None:
    session = Canned((200, b"<html><body>Welcome</body></html>"))
    with pytest.raises(AmbiguousSendError, match="unreadable answer.*expected JSON, got HTTP 200"):
        client(session).submit([GB], "hi")
    assert session.requests == 1


def test_an_unreadable_200_is_a_protocol_error_for_a_read() -> None:
    with pytest.raises(ProtocolError, match="not the panel's envelope"):
        interpret_answer(answer("balance", 200, {"unexpected": True}))


def test_an_html_page_is_the_wrong_kind_with_status_type_and_a_masked_excerpt() -> None:
    page = b"<html><body><h1>Maintenance</h1><p>Call 0532 123 45 67, token tok-1234</p></body></html>"
    with pytest.raises(WrongAnswerKindError) as info:
        interpret_answer(
            Answer(
                status=200,
                headers={"Content-Type": "text/html"},
                body=page,
                what="balance",
                service="wisecp",
                secrets=("tok-1234",),
            )
        )
    text = str(info.value)
    assert "balance: expected JSON, got HTTP 200, text/html" in text and "<h1>Maintenance</h1>" in text
    assert "123 45 67" not in text and "tok-1234" not in text


def test_a_timeout_after_the_body_went_out_is_ambiguous_and_not_repeated() -> None:
    went_out = TransientError("submit: no complete answer within the 30s timeout", maybe_processed=True)
    session = Canned(went_out, (200, {"status": "successful", "report_id": 9}))
    with pytest.raises(AmbiguousSendError, match="submit: no complete answer within the 30s timeout") as info:
        client(session).submit([GB], "hi")
    assert "44740***3456" in str(info.value) and "may have reached WISECP" in str(info.value)
    assert session.requests == 1


def test_a_connection_never_made_is_retried_for_a_submit() -> None:
    refused = TransientError("submit: could not connect; nothing was sent", maybe_processed=False)
    session = Canned(refused, (200, {"status": "successful", "report_id": 9}))
    assert client(session).submit([GB], "hi") == "9"
    assert session.requests == 2


@pytest.mark.parametrize("status", [401, 403])
def test_http_auth_statuses(status: int) -> None:
    with pytest.raises(AuthenticationError):
        interpret_answer(answer("balance", status, None))


def test_404_points_at_the_connection_host() -> None:
    with pytest.raises(ServiceError, match="connection's host"):
        interpret_answer(answer("balance", 404, None))


def test_a_bad_retry_after_is_ignored() -> None:
    with pytest.raises(TransientError) as info:
        interpret_answer(answer("balance", 429, None, retry_after="soon"))
    assert info.value.retry_after is None


def test_parse_report_counts_from_the_rows_when_totals_are_missing() -> None:
    report = parse_report(
        {
            "status": "successful",
            "numbers": [
                {"number": "+1", "status": "delivered"},
                {"number": "+2", "status": "waiting"},
            ],
        },
        "5",
    )
    assert (report.report_id, report.total, report.delivered, report.waiting) == ("5", 2, 1, 1)
    assert report.phase is DeliveryPhase.SENT


def test_parse_report_rejects_a_hostile_shape() -> None:
    with pytest.raises(ProtocolError):
        parse_report({"status": "successful", "total": "many"}, "5")


def test_combine_reports_sums_and_takes_the_least_advanced_phase() -> None:
    done = parse_report(
        {"state": "completed", "total": 2, "delivered": 2, "undelivered": 0, "waiting": 0}, "1"
    )
    going = parse_report(
        {"state": "processing", "total": 1, "delivered": 0, "undelivered": 0, "waiting": 1}, "2"
    )
    status = combine_reports("1,2", [done, going])
    assert (status.reference, status.phase, status.total, status.pending) == ("1,2", DeliveryPhase.SENT, 3, 1)


@pytest.mark.parametrize(("reference", "ids"), [("1001", ["1001"]), ("1001, 1002", ["1001", "1002"])])
def test_split_reference(reference: str, ids: list[str]) -> None:
    assert split_reference(reference) == ids


@pytest.mark.parametrize("reference", ["", ",", "abc", "1001,x"])
def test_split_reference_rejects_what_is_not_report_ids(reference: str) -> None:
    with pytest.raises(ValidationError):
        split_reference(reference)


def test_validation_errors_name_the_service_and_need_no_network() -> None:
    from airflow_provider_ileti.clients.wisecp.client import WisecpClient

    class NoNetwork:
        def request(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("no request may be made")

        def close(self) -> None:
            return None

    offline = WisecpClient("http://panel", "tok", default_sender="ILETI", session=NoNetwork())  # type: ignore[arg-type]
    too_many = [f"+4474001{i:05d}" for i in range(1001)]
    for call, field in [
        (lambda: offline.submit(too_many, "hi"), "numbers"),
        (lambda: offline.submit(["+447400123456"], "hi", origin="Way too long id"), "sender"),
        (lambda: WisecpClient("http://panel", ""), "user_token"),
    ]:
        with pytest.raises(ValidationError) as info:
            call()
        assert (info.value.field, info.value.service) == (field, "wisecp")


# -- the shapes a panel may answer prices and report in (the document shows none) --------------------------
from airflow_provider_ileti.clients.wisecp.answers import parse_prices  # noqa: E402

US_DE = {"US": 0.062, "DE": 0.1234}


@pytest.mark.parametrize(
    "body",
    [
        {"prices": {"US": 0.062, "DE": 0.1234}},
        {"prices": {"us": "0.062", "de": "0,1234"}},  # string numbers, a decimal comma
        {"prices": [{"country": "US", "price": "0.062"}, {"country_code": "DE", "price": 0.1234}]},
        {"prices": {"1": {"country": "US", "price": 0.062}, "2": {"code": "DE", "amount": "0.1234"}}},
        {"prices": {"US": {"price": "0.062", "currency": "EUR"}, "DE": {"sale_price": 0.1234}}},
        {"data": [{"iso": "US", "cost": 0.062}, {"iso2": "DE", "sale": "0.1234"}]},
        {"countries": {"US": 0.062, "DE": 0.1234}},
    ],
    ids=["by-country", "strings", "rows", "by-number", "nested", "data-rows", "countries"],
)
def test_prices_are_read_in_every_common_shape(body: dict[str, Any]) -> None:
    _, prices = parse_prices({"status": "successful", "currency": "EUR", **body})
    assert prices == US_DE


def test_prices_take_the_currency_of_the_rows_when_the_answer_has_none() -> None:
    currency, _ = parse_prices({"prices": [{"country": "US", "price": 1, "currency": "EUR"}]})
    assert currency == "EUR"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"status": "successful"}, "no prices"),
        ({"prices": "US=0.062"}, "str"),
        ({"prices": [["US", 0.062]]}, "row 0"),
        ({"prices": [{"country": "US"}]}, "price"),
        ({"prices": [{"price": 0.062}]}, "country"),
        ({"prices": {"Germany": 0.1234}}, "Germany"),
        ({"prices": {"US": "cheap"}}, "cheap"),
        ({"prices": {"US": -1}}, "US"),
        (
            {
                "prices": [
                    {"country": "US", "price": 1, "currency": "EUR"},
                    {"country": "DE", "price": 1, "currency": "USD"},
                ]
            },
            "currenc",
        ),
    ],
)
def test_prices_in_a_shape_we_cannot_read_raise_naming_it(body: dict[str, Any], named: str) -> None:
    with pytest.raises(ProtocolError) as exc:
        parse_prices(body)
    assert "prices" in str(exc.value) and named in str(exc.value)


@pytest.mark.parametrize(
    "body",
    [
        {"total": 3, "delivered": 1, "undelivered": 1, "waiting": 1},
        {"total": "3", "delivered": "1", "undelivered": "1", "waiting": "1"},
        {
            "numbers": [
                {"number": "+1", "status": "delivered"},
                {"number": "+2", "status": "failed"},
                {"number": "+3", "status": "pending"},
            ]
        },
        {"numbers": {"+1": "delivered", "+2": "undelivered", "+3": "waiting"}},
        {
            "numbers": {
                "0": {"phone": "+1", "state": "DELIVERED"},
                "1": {"phone": "+2", "state": "error"},
                "2": {"phone": "+3", "state": "queued"},
            }
        },
        {
            "report": {
                "messages": [
                    {"msisdn": "+1", "status": "success"},
                    {"msisdn": "+2", "status": "rejected"},
                    {"msisdn": "+3", "status": "sent"},
                ]
            }
        },
        {"data": {"total": 3, "delivered": 1, "undelivered": 1, "waiting": 1}},
    ],
    ids=["counts", "string-counts", "rows", "by-number", "by-index", "nested-rows", "nested-counts"],
)
def test_a_report_is_read_in_every_common_shape(body: dict[str, Any]) -> None:
    report = parse_report({"status": "successful", **body}, "7")
    assert (report.total, report.delivered, report.undelivered, report.waiting) == (3, 1, 1, 1)
    assert report.phase is DeliveryPhase.SENT


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"status": "successful"}, "no counts and no rows"),
        ({"numbers": "+1:delivered"}, "str"),
        ({"numbers": [{"number": "+1", "status": "on the moon"}]}, "on the moon"),
        ({"numbers": [{"number": "+1"}]}, "status"),
        ({"total": "many"}, "total"),
    ],
)
def test_a_report_in_a_shape_we_cannot_read_raises_naming_it(body: dict[str, Any], named: str) -> None:
    with pytest.raises(ProtocolError) as exc:
        parse_report({"status": "successful", **body}, "7")
    assert "report 7" in str(exc.value) and named in str(exc.value)
