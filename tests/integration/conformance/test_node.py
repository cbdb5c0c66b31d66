"""Every public NodeClient function, over REST and SOAP, against the strict sandbox: nothing refused."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient
from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.clients.node.models import IysSettings, PeriodicSettings
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage

from .conftest import Recorder, assert_conformant, request_count

pytestmark = pytest.mark.integration

A, B, C = "05555550001", "05555550002", "05555550003"
#: Wires a Node connection can use; SOAP runs the functions its WSDL lacks over REST. "soap-loose" reads
#: the WSDL whose array items are ``xsd:anyType``, as many generated WSDLs declare them.
WIRES = ["rest", "soap", "soap-loose"]


@pytest.fixture(autouse=True)
def _fresh_wsdl() -> Iterator[None]:
    """The client keeps one parsed WSDL per base URL and process: each test reads its own flavour."""
    from airflow_provider_ileti.clients.node import soap

    soap.clear_wsdl_cache()
    yield
    soap.clear_wsdl_cache()


def _client(sandbox: Any, wire: str) -> NodeClient:
    if wire == "soap-loose":
        sandbox.set_state("node", loose_wsdl=True)
    conn = sandbox.connections()["node_sms_soap" if wire.startswith("soap") else "node_sms_default"]
    return NodeClient(
        conn["host"],
        conn["login"],
        conn["password"],
        protocol="soap" if wire.startswith("soap") else "rest",
        default_sender=conn["extra"]["default_sender"],
        timeout=10.0,
    )


def _packages(node: Any, sandbox: Any) -> None:
    now = dt.datetime.now(dt.UTC)
    later = now + dt.timedelta(days=1)
    assert node.create_otp(A, "Kodunuz 123456", validity=3, custom_id="conf-otp") > 0
    single = node.create_sms(sending_type=0, number=A, content="Tek kisi", title="tek", encoding=0)
    node.create_sms(sending_type=1, numbers=[A, B], content="Herkese şükran", title="toplu")
    personalised = node.create_sms(
        sending_type=2,
        messages=[(A, "Merhaba Ali"), (B, "Merhaba Şükrü, ğ")],
        title="kişiye özel",
        validity=60,
        push_url="https://example.invalid/push",
        commercial=False,
        custom_id="conf-nn",
    )
    scheduled = node.create_sms(
        sending_type=1,
        numbers=[C],
        content="Sonra",
        sending_date=later,
        periodic=PeriodicSettings(period_type=0, interval=1, amount=1000),
    )
    node.create_kvkk(A, "Ayşe", "Yılmaz", "Merhaba FIRST_NAME LAST_NAME, izin: SHORT_LINK")
    node.cancel_package(pkg_id=scheduled)

    batch = SendBatch(
        messages=(SmsMessage("Merhaba Ali", (A,)), SmsMessage("Merhaba Şükrü", (B,))),
        idempotency_key="conf.chunk-0",
    )
    node.validate_send(batch)
    receipt = node.send(batch)
    one_text = node.send(SendBatch(messages=(SmsMessage("Herkese", (A, B)),), title="generic"))
    # in two steps, as the send operator does: the body checked first, its key and date added to send
    prepared = node.prepare_send(SendBatch(messages=(SmsMessage("Yarın", (C,)),), send_at=later))
    later_send = node.send_prepared(prepared, idempotency_key="conf.later", send_at=later)
    assert set(node.find_sent(["conf.chunk-0", "conf.chunk-1"])) == {"conf.chunk-0"}
    node.cancel(later_send.reference)

    sandbox.admin.clock(advance=600)
    statuses = node.get_statuses([receipt.reference, one_text.reference, later_send.reference])
    assert [s.phase for s in statuses] == [
        DeliveryPhase.COMPLETE,
        DeliveryPhase.COMPLETE,
        DeliveryPhase.CANCELLED,
    ]
    assert {p.id for p in node.get_packages(ids=[single], custom_ids=["conf-nn"])} == {single, personalised}
    assert (
        len(list(node.list_packages(status=0, keyword="kişiye", start_date=now - dt.timedelta(days=1)))) == 1
    )
    assert len(list(node.list_package_items(pkg_id=personalised, state=3))) == 2
    assert len(list(node.list_package_items(custom_id="conf-nn", target=A))) == 1
    assert node.recreate_package(pkg_id=single, title="yeniden", include_new_numbers=False) > single
    summary = node.summary(start_date=now - dt.timedelta(days=1), finish_date=now + dt.timedelta(days=1))
    assert summary.recipients > 0
    assert list(node.inquiry_number(A, start_date=now - dt.timedelta(days=1), finish_date=later))


def _account(node: Any) -> None:
    assert node.get_credit() > 0 and node.get_balance().credits > 0
    assert "SANDBOX" in node.list_senders()
    assert any(s.title == "SANDBOX" for s in node.list_sms_senders(status=1))
    assert list(node.list_mo_requests(keyword="RED"))


def _contacts(node: Any, sandbox: Any) -> None:
    group = node.create_group("Müşteriler")
    contact = node.create_contact(
        A,
        first_name="Ayşe",
        last_name="Yılmaz",
        group_uuids=[group.uuid],
        details={"CITY_CODE": "34"},
        iys=IysSettings(recipient_type=0, source=7),
    )
    node.update_contact(contact.uuid, A, first_name="Ayşe Nur")
    node.update_group(group.uuid, "Müşteriler 2", gsms=[A])
    assert [g.title for g in node.list_groups(keyword="Müşteriler 2")] == ["Müşteriler 2"]
    node.import_contacts([[B, "Can", "İthal"]], ["GSM", "FIRST_NAME", "GROUP_NAME"], overwrite=True)
    sandbox.admin.clock(advance=120)
    assert {c.first_name for c in node.list_contacts(status=0)} >= {"Ayşe Nur", "Can"}
    assert node.set_blacklist(True, gsms=[C], return_invalids=True).status == 1
    node.delete_contacts([contact.uuid], permanent=False, group_uuid=group.uuid)
    node.delete_group(uuid=group.uuid, include_contacts=False)


@pytest.mark.parametrize("wire", WIRES)
def test_every_node_function_passes_the_strict_sandbox(ileti_sandbox: Any, wire: str) -> None:
    node = Recorder(_client(ileti_sandbox, wire))
    _account(node)
    _packages(node, ileti_sandbox)
    _contacts(node, ileti_sandbox)
    node.close()
    assert request_count(ileti_sandbox, "node") > 30
    assert_conformant(ileti_sandbox, node)


def test_the_async_status_client_passes_the_strict_sandbox(ileti_sandbox: Any) -> None:
    sync = _client(ileti_sandbox, "rest")
    receipt = sync.send(SendBatch(messages=(SmsMessage("Merhaba", (A, B)),)))
    sync.close()
    conn = ileti_sandbox.connections()["node_sms_default"]
    client = Recorder(AsyncNodeStatusClient(conn["host"], conn["login"], conn["password"], timeout=10.0))

    async def poll() -> Any:
        try:
            return await client.get_statuses([receipt.reference])
        finally:
            await client.aclose()

    (status,) = asyncio.run(poll())
    assert status.reference == receipt.reference and status.total == 2
    assert_conformant(ileti_sandbox, client)
