"""How the WISECP client reads answers (pure: no HTTP), including the guessed shapes."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp import (
    combine_reports,
    interpret_answer,
    parse_report,
    split_reference,
)
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

WHAT = "1 number: 44740***3456"


def test_a_successful_answer_is_returned() -> None:
    body = {"status": "successful", "report_id": 7}
    assert interpret_answer("submit", 200, body, sending=WHAT) is body


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
        interpret_answer("balance", 200, {"status": "error", "message": message})
    assert type(info.value) is error
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [(429, None), (503, {"status": "error", "message": "The system is under maintenance. Try later."})],
)
def test_refusals_before_acceptance_are_transient_even_for_a_submit(status: int, body: Any) -> None:
    with pytest.raises(TransientError) as info:
        interpret_answer("submit", status, body, retry_after="5", sending=WHAT)
    assert (info.value.http_status, info.value.retry_after) == (status, 5.0)


@pytest.mark.parametrize("body", [None, {"status": "error", "message": "Service Unavailable"}])
def test_a_plain_503_after_the_body_went_out_is_ambiguous(body: Any) -> None:
    # a proxy's 503 (or one without the maintenance answer) proves nothing about the panel
    with pytest.raises(AmbiguousSendError) as info:
        interpret_answer("submit", 503, body, retry_after="5", sending=WHAT)
    assert info.value.http_status == 503 and not info.value.retryable


def test_a_plain_503_on_a_read_is_still_transient() -> None:
    with pytest.raises(TransientError):
        interpret_answer("balance", 503, None)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_transient_for_a_read(status: int) -> None:
    with pytest.raises(TransientError):
        interpret_answer("report", status, None)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_ambiguous_for_a_submit(status: int) -> None:
    with pytest.raises(AmbiguousSendError, match="44740\\*\\*\\*3456"):
        interpret_answer("submit", status, None, sending=WHAT)


def test_an_unreadable_200_is_ambiguous_for_a_submit() -> None:
    with pytest.raises(AmbiguousSendError):
        interpret_answer("submit", 200, None, sending=WHAT)


def test_an_unreadable_200_is_a_protocol_error_for_a_read() -> None:
    with pytest.raises(ProtocolError):
        interpret_answer("balance", 200, {"unexpected": True})


@pytest.mark.parametrize("status", [401, 403])
def test_http_auth_statuses(status: int) -> None:
    with pytest.raises(AuthenticationError):
        interpret_answer("balance", status, None)


def test_404_points_at_the_connection_host() -> None:
    with pytest.raises(ServiceError, match="connection's host"):
        interpret_answer("balance", 404, None, sending=None)


def test_a_bad_retry_after_is_ignored() -> None:
    with pytest.raises(TransientError) as info:
        interpret_answer("balance", 429, None, retry_after="soon")
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
    from airflow_provider_ileti.clients.wisecp import WisecpClient

    class NoNetwork:
        def post(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("no request may be made")

        def close(self) -> None:
            return None

    client = WisecpClient("http://panel", "tok", default_sender="ILETI", session=NoNetwork())  # type: ignore[arg-type]
    too_many = [f"+4474001{i:05d}" for i in range(1001)]
    for call, field in [
        (lambda: client.submit(too_many, "hi"), "numbers"),
        (lambda: client.submit(["+447400123456"], "hi", origin="Way too long id"), "sender"),
        (lambda: WisecpClient("http://panel", ""), "user_token"),
    ]:
        with pytest.raises(ValidationError) as info:
            call()
        assert (info.value.field, info.value.service) == (field, "wisecp")


# -- the shapes a panel may answer prices and report in (the document shows none) --------------------------
from airflow_provider_ileti.clients.wisecp import parse_prices  # noqa: E402

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
