"""NodeClient with scripted transports: retries, exactly-once sends, pagination, send shapes, secrets."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from airflow_provider_ileti.clients.node.codes import NodeTransientError, error_for
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    DuplicateError,
    NotFoundError,
    TransientError,
)
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage

from .support import PASSWORD, Scripted, client

OK = "05555550001"


def _transient(processed: bool = False, retry_after: float | None = None) -> NodeTransientError:
    return NodeTransientError("boom", maybe_processed=processed, retry_after=retry_after, service="node")


def test_reads_retry_transient_failures_honouring_retry_after() -> None:
    slept: list[float] = []
    t = Scripted(_transient(retry_after=2.5), error_for("SMS99", function="user/credit"), {"credit": 42})
    assert client(t, sleep=slept.append).get_credit() == 42.0
    assert len(t.calls) == 3
    assert slept[0] == 2.5


def test_reads_give_up_after_the_retries() -> None:
    t = Scripted(default=lambda f, p: (_ for _ in ()).throw(_transient()))
    with pytest.raises(TransientError):
        client(t, retries=2).get_credit()
    assert len(t.calls) == 3


def test_send_without_custom_id_that_may_have_gone_out_is_ambiguous() -> None:
    t = Scripted(_transient(processed=True), {"pkgID": 1})
    with pytest.raises(AmbiguousSendError) as info:
        client(t).create_sms(sending_type=1, content="hi", numbers=[OK])
    assert len(t.calls) == 1
    assert "customID" in str(info.value)


def test_send_without_custom_id_is_retried_when_surely_not_processed() -> None:
    t = Scripted(error_for("SMS50", function="sms/create"), {"pkgID": 9})
    assert client(t).create_sms(sending_type=1, content="hi", numbers=[OK]) == 9
    assert len(t.calls) == 2


def test_send_with_custom_id_retries_and_resolves_sms42_to_the_existing_package() -> None:
    t = Scripted(
        _transient(processed=True),
        error_for("SMS42", function="sms/create"),
        {"stats": {"totalRecord": 1}, "list": [{"id": 77, "customID": "run-1", "state": 1}]},
    )
    assert client(t).create_sms(sending_type=1, content="hi", numbers=[OK], custom_id="run-1") == 77
    assert [f for f, _ in t.calls] == ["sms/create", "sms/create", "sms/list"]
    assert t.calls[2][1]["customIDs"] == ["run-1"]


def test_create_sms_first_attempt_sms42_is_a_duplicate_error() -> None:
    t = Scripted(error_for("SMS42", function="sms/create"))
    with pytest.raises(DuplicateError):
        client(t).create_sms(sending_type=1, content="hi", numbers=[OK], custom_id="run-1")


def test_send_always_resolves_sms42_as_replayed() -> None:
    t = Scripted(
        error_for("SMS42", function="sms/create"),
        {"stats": {"totalRecord": 1}, "list": [{"id": 5, "customID": "k", "state": 6}]},
    )
    receipt = client(t).send(SendBatch(messages=(SmsMessage("hi", (OK,)),), idempotency_key="k"))
    assert (receipt.reference, receipt.replayed, receipt.idempotency_key) == ("5", True, "k")


#: a send date within the window the client allows (not past, at most a year ahead): 06:30 UTC is 09:30 in
#: Istanbul (UTC+3 all year)
LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(hour=6, minute=30, second=0, microsecond=0)


def test_a_send_at_within_the_tolerance_goes_at_once_without_sending_date() -> None:
    """Node refuses a past sendingDate (SMS08); a send_at a minute ago means now, as İleti Merkezi does."""
    t = Scripted({"pkgID": 1}, {"pkgID": 2})
    c = client(t)
    c.send(
        SendBatch(
            messages=(SmsMessage("hi", (OK,)),), send_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        )
    )
    c.create_sms(sending_type=0, number=OK, content="hi", sending_date=dt.datetime.now(dt.UTC))
    assert ["sendingDate" in payload for _, payload in t.calls] == [False, False]


def test_send_shapes_and_defaults() -> None:
    t = Scripted({"pkgID": 1}, {"pkgID": 2}, {"pkgID": 3})
    c = client(t, timezone="Europe/Istanbul")
    c.send(SendBatch(messages=(SmsMessage("hi", (OK,)),)))
    c.send(
        SendBatch(
            messages=(SmsMessage("çok güzel ğ", (OK, "05555550002")),),
            sender="OTHER",
            commercial=True,
            validity_minutes=120,
            push_url="https://hook.test/x",
            title="T",
            send_at=LATER,
        )
    )
    c.send(SendBatch(messages=(SmsMessage("a", (OK,)), SmsMessage("b", ("05555550002", "05555550003")))))
    single, many, pairs = (p for _, p in t.calls)
    assert single["sendingType"] == 0 and single["number"] == "905555550001" and single["sender"] == "BASLIK"
    assert "numbers" not in single and "customID" not in single and "commercial" not in single
    assert many["sendingType"] == 1 and many["numbers"] == ["905555550001", "905555550002"]
    assert many["encoding"] == 1  # Turkish letters outside GSM 7-bit: the Turkish table is cheapest
    assert (
        many["sendingDate"] == f"{LATER:%Y-%m-%d} 09:30"
        and many["validity"] == 120
        and many["commercial"] is True
    )
    assert many["pushSettings"] == {"url": "https://hook.test/x"} and many["sender"] == "OTHER"
    assert pairs["sendingType"] == 2 and len(pairs["numbers"]) == 3 and pairs["numbers"][2]["msg"] == "b"


def test_lists_iterate_every_page_lazily() -> None:
    def page(function: str, payload: dict) -> dict:
        start = payload["pageIndex"] * payload["pageSize"]
        ids = range(start, min(start + payload["pageSize"], 25))
        return {
            "stats": {"totalRecord": 25},
            "list": [{"uuid": str(i), "title": f"S{i}", "status": 1} for i in ids],
        }

    t = Scripted(default=page)
    senders = client(t).list_sms_senders(page_size=10)
    assert t.calls == []  # lazy
    assert [s.title for s in senders] == [f"S{i}" for i in range(25)]
    assert [p["pageIndex"] for _, p in t.calls] == [0, 1, 2]


def test_get_statuses_one_request_per_1000_and_missing_is_not_found() -> None:
    def answer(function: str, payload: dict) -> dict:
        return {
            "list": [
                {"id": i, "state": 6, "statistics": {"rCount": 1, "delivered": 1}} for i in payload["ids"]
            ]
        }

    t = Scripted(default=answer)
    statuses = client(t).get_statuses([str(i) for i in range(1, 1502)])
    assert len(t.calls) == 2 and len(t.calls[0][1]["ids"]) == 1000
    assert statuses[0].phase is DeliveryPhase.COMPLETE and statuses[-1].reference == "1501"
    with pytest.raises(NotFoundError):
        client(Scripted({"list": []})).get_statuses(["5"])


def test_find_sent_maps_custom_ids_to_receipts() -> None:
    t = Scripted({"list": [{"id": 3, "customID": "a", "statistics": {"rCount": 2}}]})
    found = client(t).find_sent(["a", "b"])
    assert list(found) == ["a"] and found["a"].reference == "3" and found["a"].recipients == 2
    assert t.calls[0][1]["customIDs"] == ["a", "b"]


def test_import_builds_quoted_csv_in_one_request() -> None:
    t = Scripted({"status": 1})
    client(t).import_contacts([[OK, "Ayşe"], ["05555550002", "Can"]], ["GSM", "FIRST_NAME"], overwrite=True)
    ((function, payload),) = t.calls
    assert function == "contact/import"
    assert payload["csvData"] == "'GSM','FIRST_NAME'\n'905555550001','Ayşe'\n'905555550002','Can'"
    assert payload["columns"] == ["GSM", "FIRST_NAME"] and payload["overwrite"] is True


def test_import_retries_a_pending_import() -> None:
    t = Scripted(error_for("SMS13", function="contact/import"), {"status": 1})
    client(t).import_contacts([[OK]], ["GSM"])
    assert len(t.calls) == 2


def test_password_never_in_repr_str_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    t = Scripted(_transient(), {"pkgID": 1}, {"credit": 1})
    c = client(t)
    c.create_otp(OK, "Your code 123456")
    c.get_credit()
    assert PASSWORD not in repr(c) and PASSWORD not in str(c)
    assert PASSWORD not in caplog.text
    assert "905555550001" not in caplog.text  # numbers masked
    assert "123456" not in caplog.text  # no bodies


def test_rest_and_soap_transports_hide_the_password() -> None:
    from airflow_provider_ileti.clients.node.client import NodeClient

    for protocol in ("rest", "soap"):
        c = NodeClient("http://panel.test:9587", "user", PASSWORD, protocol=protocol)
        assert PASSWORD not in repr(c) and PASSWORD not in repr(c._transport)
        c.close()


def test_clients_implement_the_generic_protocols() -> None:
    import asyncio

    from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient
    from airflow_provider_ileti.core.protocol import AsyncStatusClient, SmsClient

    sync = client(Scripted())
    assert isinstance(sync, SmsClient)
    assert (sync.service, sync.max_status_batch, sync.supports_idempotency) == ("node", 1000, True)
    aio = AsyncNodeStatusClient("http://panel.test", "user", PASSWORD)
    assert isinstance(aio, AsyncStatusClient)
    assert asyncio.run(aio.get_statuses([])) == []
    asyncio.run(aio.aclose())


def test_close_closes_the_transport() -> None:
    t = Scripted()
    with client(t):
        pass
    assert t.closed
