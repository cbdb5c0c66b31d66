"""Answer reading: HTTP status and error code -> our errors; job states -> phases; the quota estimate."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.iletiniz.answers import (
    QuotaEstimate,
    combine_jobs,
    interpret,
    job_phase,
    split_reference,
)
from airflow_provider_ileti.clients.iletiniz.wire import parse_account, parse_senders, parse_token
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
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, "unauthorized", AuthenticationError),
        (403, "insufficient_scope", AuthenticationError),
        (404, "not_found", NotFoundError),
        (400, "invalid_json", ServiceError),
        (422, "validation_error", ServiceError),
        (402, "quota_exceeded", InsufficientCreditError),
        (409, "no_active_plan", InsufficientCreditError),
        (429, "rate_limited", TransientError),
        (500, "server_error", TransientError),
        (503, "maintenance", TransientError),
    ],
)
def test_errors_of_a_read(status: int, code: str, error: type[Exception]) -> None:
    with pytest.raises(error) as exc:
        interpret("GET /v1/account", status, {"error": code, "message": "m"}, request_id="req_1")
    assert exc.value.http_status == status and exc.value.code == code and "req_1" in str(exc.value)  # type: ignore[attr-defined]


def test_retry_after_is_read() -> None:
    with pytest.raises(TransientError) as exc:
        interpret("send", 429, {"error": "rate_limited"}, retry_after="12", sending="1 message")
    assert exc.value.retry_after == 12.0


@pytest.mark.parametrize(("status", "body"), [(500, {"error": "x"}), (502, None), (201, None), (200, ["x"])])
def test_a_send_that_may_have_gone_out_is_ambiguous(status: int, body: object) -> None:
    with pytest.raises(AmbiguousSendError, match="1 message to 90555"):
        interpret("send", status, body, sending="1 message to 90555***4567")


def test_maintenance_on_a_send_is_transient() -> None:
    with pytest.raises(TransientError):
        interpret("send", 503, {"error": "maintenance"}, sending="x")


def test_unreadable_read_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        interpret("GET", 200, "<html>")


def test_quota_refusal_names_the_upgrade_link() -> None:
    with pytest.raises(InsufficientCreditError, match="https://up"):
        interpret("send", 402, {"error": "quota_exceeded", "upgrade_url": "https://up"}, sending="x")


@pytest.mark.parametrize(
    ("state", "phase"),
    [
        ("queued", DeliveryPhase.PENDING),
        ("sent", DeliveryPhase.SENT),
        ("delivered", DeliveryPhase.COMPLETE),
        ("failed", DeliveryPhase.FAILED),
        ("expired", DeliveryPhase.FAILED),
        ("rejected", DeliveryPhase.FAILED),
        ("unknown", DeliveryPhase.PENDING),
    ],
)
def test_job_phase(state: str, phase: DeliveryPhase) -> None:
    assert job_phase(state) is phase


def test_combine_jobs() -> None:
    assert combine_jobs("r", [{"status": "queued"}]).phase is DeliveryPhase.PENDING
    mixed = combine_jobs("r", [{"status": "delivered"}, {"status": "sent"}])
    assert mixed.phase is DeliveryPhase.SENT and (mixed.delivered, mixed.pending) == (1, 1)
    done = combine_jobs("r", [{"status": "delivered"}, {"status": "expired"}])
    assert done.phase is DeliveryPhase.COMPLETE and done.undelivered == 1
    assert combine_jobs("r", [{"status": "failed"}, {"status": "rejected"}]).phase is DeliveryPhase.FAILED


def test_split_reference() -> None:
    assert split_reference("job_1, job_2,") == ["job_1", "job_2"]
    for bad in ("", " , ", "job/../x"):
        with pytest.raises(ValidationError):
            split_reference(bad)


def test_quota_estimate() -> None:
    assert QuotaEstimate.of(("x" * 161, 10)).needed == 20
    assert QuotaEstimate.of([("a", 2), ("ğ" * 100, 3)]).needed == 8
    batch = SendBatch(messages=(SmsMessage("a", ("1", "2")), SmsMessage("b" * 200, ("3",))))
    assert QuotaEstimate.of(batch) == QuotaEstimate(needed=4, recipients=3)
    assert QuotaEstimate.of(2.5).needed == 3
    for bad in (-1, True, "x", [("a", "2")], [("", 1)], None):
        with pytest.raises(ValidationError):
            QuotaEstimate.of(bad)


def test_account_and_senders_shapes() -> None:
    account = parse_account({"plan": None, "remaining_quota": 0})
    assert not account.has_active_plan and account.upgrade_url.startswith("https://iletiniz.com")
    account = parse_account({"plan": {"name": "Pro", "active": True, "remaining": 7}})
    assert account.has_active_plan and account.remaining_quota == 7
    with pytest.raises(ProtocolError):
        parse_account({"plan": {"quota": "many"}})
    (provider,) = parse_senders({"providers": [{"code": "netgsm", "senders": ["A"]}]})
    assert provider.senders == ("A",) and provider.channel == "sms"
    with pytest.raises(ProtocolError):
        parse_senders({})


def test_token_answer_never_echoes_the_answer() -> None:
    answer = parse_token({"api_key": "iltz_live_abc", "scope": "a b", "workspace": {"id": "w", "name": "W"}})
    assert answer.scope == ("a", "b") and "iltz_live_abc" not in repr(answer)
    with pytest.raises(ProtocolError) as exc:
        parse_token({"api_key": "sk_secret_value"})
    assert "sk_secret_value" not in str(exc.value)


def test_final_job_cache_keeps_only_final_answers_and_is_bounded() -> None:
    from airflow_provider_ileti.clients.iletiniz.answers import FinalJobCache

    cache = FinalJobCache(max_entries=2)
    scope = cache.scope("https://api", "iltz_test_a")
    assert "iltz_test_a" not in repr(scope)
    cache.keep(scope, "j1", {"status": "sent"})
    cache.keep(scope, "j2", {"status": "unknown"})
    assert cache.get(scope, "j1") is None and cache.get(scope, "j2") is None
    for job in ("j3", "j4", "j5"):
        cache.keep(scope, job, {"status": "delivered"})
    assert cache.get(scope, "j3") is None and cache.get(scope, "j5") == {"status": "delivered"}
    assert cache.get(cache.scope("https://api", "iltz_test_b"), "j5") is None


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        ({"remaining_quota": 5}, "plan"),  # no plan member at all: not "no plan"
        ({"plan": {"name": "Pro", "active": True}}, "remaining"),  # nowhere a remaining quota
        ({"plan": {"name": "Pro", "active": True, "quota": {"left": 5}}}, "plan.quota"),
        ({"plan": {"name": "Pro", "remaining": 5}, "remaining_quota": 5}, "plan.active"),
        ({"plan": {"name": "Pro", "active": "yes", "remaining": 5}}, "plan.active"),
        ({"plan": {"active": True}, "remaining_quota": None}, "remaining"),
        ({"plan": {"active": True}, "remaining_quota": "lots"}, "remaining_quota"),
        ({"plan": {"active": True}, "remaining_quota": True}, "remaining_quota"),
        ({"plan": {"active": True, "remaining": -1}}, "plan.remaining"),
        ({"subscription": {"active": True, "credits": 500}}, "plan"),
        ([], "object"),
    ],
)
def test_an_account_answer_we_cannot_read_names_what_is_missing_and_is_never_zero(
    answer: object, named: str
) -> None:
    with pytest.raises(ProtocolError) as exc:
        parse_account(answer)
    assert named in str(exc.value)


def test_an_account_answer_reads_the_quota_from_the_top_or_from_the_plan() -> None:
    assert parse_account({"plan": {"active": True, "remaining": "12"}}).remaining_quota == 12
    both = parse_account({"plan": {"active": True, "remaining": 3}, "remaining_quota": 4})
    assert both.remaining_quota == 4 and both.plan is not None and both.plan.quota is None
    none = parse_account({"plan": None})
    assert not none.has_active_plan and none.remaining_quota == 0
