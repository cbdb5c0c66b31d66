"""Every client function against the sandbox over real HTTP: sends, bulk, jobs on the clock, account."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.core.errors import (
    NotChangeableError,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.core.protocol import SmsClient


def numbers(count: int, last: str = "1") -> list[str]:
    return [f"0555{i:06d}{last}" for i in range(count)]


def test_implements_the_protocol(client: IletinizClient) -> None:
    assert isinstance(client, SmsClient)
    assert client.supports_idempotency is False and client.max_recipients_per_send == 200
    assert client.find_sent(["k"]) == {}


def test_send_message_body_and_options(client: IletinizClient, state: Any, ileti_sandbox: Any) -> None:
    job = client.send_message("0555 123 45 67", "Merhaba", sender="MYSTORE", provider="netgsm", iys=False)
    assert job.status == "queued" and job.to == "+905551234567" and job.job_id
    (request,) = ileti_sandbox.requests(service="iletiniz", path="/v1/messages")
    assert request["body"] == {
        "to": "+905551234567",
        "body": "Merhaba",
        "sender": "MYSTORE",
        "provider": "netgsm",
        "iys": False,
    }
    (saved,) = state.snapshot()["jobs"]
    assert saved["sender"] == "MYSTORE" and saved["text"] == "Merhaba"


def test_send_message_template(client: IletinizClient, state: Any) -> None:
    client.send_message("+905551234567", template="order_shipped", variables={"order": "A-17"})
    assert state.snapshot()["jobs"][0]["text"] == "Siparisiniz A-17 kargoya verildi."


@pytest.mark.parametrize("count", [1, 1000])
def test_bulk_sends(client: IletinizClient, ileti_sandbox: Any, state: Any, count: int) -> None:
    result = client.send_bulk(numbers(count), body="Kampanya", sender="ILETI")
    assert result.requests == -(-count // 200) and len(result.job_ids) == count
    requests_made = ileti_sandbox.requests(service="iletiniz", path="/v1/messages/bulk")
    assert [len(r["body"]["items"]) for r in requests_made] == [
        min(200, count - i) for i in range(0, count, 200)
    ]
    assert len(state.snapshot()["jobs"]) == count
    assert state.snapshot()["used"] == count


def test_bulk_keeps_per_item_results(client: IletinizClient, state: Any) -> None:
    result = client.send_bulk([("+905551234567", "bir"), ("+905551234568", "iki")])
    assert [r.status for r in result.results] == ["sent", "sent"] and not result.failed
    assert sorted(j["text"] for j in state.snapshot()["jobs"]) == ["bir", "iki"]


def test_bulk_template_with_variables(client: IletinizClient, state: Any) -> None:
    result = client.send_bulk([("+905551234567", {"code": "1234"})], template="otp")
    assert len(result.job_ids) == 1 and state.snapshot()["jobs"][0]["text"] == "Dogrulama kodunuz: 1234"


def test_batch_send_and_statuses_through_the_lifecycle(client: IletinizClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.clock(speed=1)  # "queued" lasts 5 virtual seconds: let the test see it
    batch = SendBatch(
        messages=(SmsMessage("a", ("+905551230001", "+905551230009")), SmsMessage("b", ("+905551230008",)))
    )
    receipt = client.send(batch)
    assert receipt.recipients == 3 and receipt.reference == ",".join(receipt.item_references)
    (status,) = client.get_statuses([receipt.reference])
    assert status.phase is DeliveryPhase.PENDING and status.total == 3 and status.pending == 3
    ileti_sandbox.admin.clock(advance=10)
    assert client.get_statuses([receipt.reference])[0].phase is DeliveryPhase.SENT
    ileti_sandbox.admin.clock(advance=60)
    status = client.get_statuses([receipt.reference])[0]
    assert (status.delivered, status.undelivered, status.pending) == (1, 1, 1)
    ileti_sandbox.admin.clock(advance=700)
    status = client.get_statuses([receipt.reference])[0]
    assert status.phase is DeliveryPhase.COMPLETE and status.final
    assert (status.delivered, status.undelivered, status.pending) == (1, 2, 0)
    jobs = {client.get_job(j)["status"] for j in receipt.item_references}
    assert jobs == {"delivered", "failed", "expired"}


def test_rejected_iys_and_all_failed_phase(client: IletinizClient, ileti_sandbox: Any) -> None:
    receipt = client.send(SendBatch(messages=(SmsMessage("kampanya", ("+905551230007",)),), commercial=True))
    ileti_sandbox.admin.clock(advance=10)
    (status,) = client.get_statuses([receipt.reference])
    assert status.phase is DeliveryPhase.FAILED and status.raw_state == "rejected"


def test_account_balance_senders(client: IletinizClient, state: Any) -> None:
    state.set_plan(quota=500, used=20)
    account = client.get_account()
    assert (
        account.has_active_plan and account.remaining_quota == 480 and account.upgrade_url.startswith("https")
    )
    assert client.get_balance().credits == 480
    assert client.list_senders() == ["ILETI", "MYSTORE"]
    assert [p.code for p in client.get_providers()] == ["netgsm", "iletimerkezi", "telegram"]
    assert client.health() == {"ok": True, "db": "up"}
    state.set_plan(active=None)
    assert client.get_account().plan is None and client.get_balance().credits == 0


def test_not_found_job_and_cancel(client: IletinizClient) -> None:
    with pytest.raises(NotFoundError) as exc:
        client.get_job("job_missing")
    assert exc.value.http_status == 404 and exc.value.code == "not_found"
    with pytest.raises(NotChangeableError):
        client.cancel("job_1")


def test_service_validation_errors(client: IletinizClient) -> None:
    with pytest.raises(ServiceError) as exc:
        client.send_message("+905551234567", "x", sender="UNKNOWN")
    assert exc.value.http_status == 422 and exc.value.code == "sender_not_approved"
    assert "x-request-id req_" in str(exc.value)
    with pytest.raises(ServiceError, match="provider_not_connected"):
        client.send_message("+905551234567", "x", provider="nope")


def test_batch_options_it_cannot_carry_are_refused(client: IletinizClient, ileti_sandbox: Any) -> None:
    import datetime as dt

    when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="send_at"):
        client.send(SendBatch(messages=(SmsMessage("a", ("+905551234567",)),), send_at=when))
    assert ileti_sandbox.requests(service="iletiniz") == []
