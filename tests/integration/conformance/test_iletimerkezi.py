"""Every public İleti Merkezi client function, XML and JSON, hash and secret: nothing refused."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient
from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.sandbox import credentials

from .conftest import Recorder, assert_conformant, request_count

pytestmark = pytest.mark.integration

PREFIX = "/iletimerkezi/v1"
A, B, C = "05555550001", "05555550002", "05555550003"
#: format x the credential that signs the request: the panel's hash, or the secret we hash ourselves.
WIRES = [(fmt, auth) for fmt in ("xml", "json") for auth in ("hash", "secret")]
AUTH = {
    "hash": {"api_hash": credentials.ILETIMERKEZI_HASH},
    "secret": {"api_secret": credentials.ILETIMERKEZI_SECRET},
}


def _options(fmt: str, auth: str) -> dict[str, Any]:
    return {"key": credentials.ILETIMERKEZI_KEY, "format": fmt, "timeout": 10, **AUTH[auth]}


@pytest.mark.parametrize(("fmt", "auth"), WIRES, ids=[f"{f}-{a}" for f, a in WIRES])
def test_every_iletimerkezi_function_passes_the_strict_sandbox(
    ileti_sandbox: Any, fmt: str, auth: str
) -> None:
    client = Recorder(
        IletiMerkeziClient(ileti_sandbox.url + PREFIX, default_sender="APITEST", **_options(fmt, auth))
    )
    now = dt.datetime.now(dt.UTC)
    assert client.balance().credits and client.get_balance().credits
    assert "APITEST" in client.senders() and "APITEST" in client.list_senders()

    first = client.send_sms("Merhaba", [A, B])
    client.send_messages([("Merhaba Ali", [A]), ("Merhaba Şükrü", [B])], commercial=True, iys_list="BIREYSEL")
    client.send_via_get("GET ile", [C])
    scheduled = client.send_sms("Yarın", [C], send_at=now + dt.timedelta(days=1))
    client.cancel_order(scheduled)
    batch = SendBatch(messages=(SmsMessage("Genel", (A,)), SmsMessage("Özel", (B,))))
    client.validate_send(batch)
    receipt = client.send(batch)
    # in two steps, as the send operator does: the order checked first, its auth and date added to send
    prepared = client.prepare_send(SendBatch(messages=(SmsMessage("Sonra", (C,)),)))
    later = client.send_prepared(prepared, idempotency_key=None, send_at=now + dt.timedelta(days=2))
    client.cancel(later.reference)
    assert client.find_sent(["any"]) == {}

    ileti_sandbox.admin.clock(advance=600)
    order, lines = client.get_report_page(first, page=1, row_count=10)
    assert order.total == 2 and len(lines) == 2
    assert client.get_order(first).total == 2
    assert len(list(client.iter_report(first, row_count=1))) == 2
    statuses = client.get_statuses([first, receipt.reference])
    assert all(s.phase is DeliveryPhase.COMPLETE for s in statuses)
    assert client.get_status(later.reference).phase is DeliveryPhase.CANCELLED
    assert list(client.iter_orders(now - dt.timedelta(days=1), now + dt.timedelta(days=1)))

    assert client.add_blacklist([C]) == 1
    assert "5555550003" in {n[-10:] for n in client.iter_blacklist()}
    assert list(client.iter_blacklist(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1)))
    assert client.delete_blacklist([C]) == 1
    client.close()
    assert request_count(ileti_sandbox, "iletimerkezi") > 15
    assert_conformant(ileti_sandbox, client)


@pytest.mark.parametrize(("fmt", "auth"), WIRES, ids=[f"{f}-{a}" for f, a in WIRES])
def test_the_async_status_client_passes_the_strict_sandbox(ileti_sandbox: Any, fmt: str, auth: str) -> None:
    sync = IletiMerkeziClient(ileti_sandbox.url + PREFIX, default_sender="APITEST", **_options(fmt, auth))
    order_id = sync.send_sms("Merhaba", [A, B])
    sync.close()
    client = Recorder(AsyncIletiMerkeziStatusClient(ileti_sandbox.url + PREFIX, **_options(fmt, auth)))

    async def poll() -> Any:
        try:
            one = await client.get_status(order_id)
            return one, await client.get_statuses([order_id])
        finally:
            await client.aclose()

    one, many = asyncio.run(poll())
    assert one.total == 2 and many == [one]
    assert_conformant(ileti_sandbox, client)
