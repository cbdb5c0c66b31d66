"""The async status client a deferred sensor uses, against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient
from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import NotFoundError, TransientError, ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.core.protocol import AsyncStatusClient
from airflow_provider_ileti.hooks.wisecp import WisecpHook
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services import wisecp as sandbox_wisecp

GB_OK, GB_FAIL, DE_OK = "+44 7400 123456", "+44 7400 123459", "+49 151 23456780"


async def test_statuses_of_single_and_multi_submit_references(
    client: WisecpClient, ileti_sandbox: Any
) -> None:
    one = client.send(SendBatch(messages=(SmsMessage("A", (GB_OK, GB_FAIL)),)))
    two = client.send(SendBatch(messages=(SmsMessage("B", (GB_OK,)), SmsMessage("C", (DE_OK,)))))
    ileti_sandbox.admin.clock(advance=sandbox_wisecp.DELIVERY_SECONDS + 1)
    aclient = AsyncWisecpStatusClient(ileti_sandbox.url + sandbox_wisecp.PREFIX, WISECP_TOKEN)
    assert isinstance(aclient, AsyncStatusClient)
    try:
        statuses = await aclient.get_statuses([one.reference, two.reference])
    finally:
        await aclient.aclose()
    assert [(s.reference, s.phase, s.total, s.delivered, s.undelivered) for s in statuses] == [
        (one.reference, DeliveryPhase.COMPLETE, 2, 1, 1),
        (two.reference, DeliveryPhase.COMPLETE, 2, 2, 0),
    ]
    assert len(ileti_sandbox.requests(path="/wisecp/api/sms/report")) == 3


async def test_async_reads_are_retried_on_maintenance(client: WisecpClient, ileti_sandbox: Any) -> None:
    report_id = client.submit([GB_OK], "hi")
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/report", "maintenance", times=1)
    aclient = AsyncWisecpStatusClient(ileti_sandbox.url + sandbox_wisecp.PREFIX, WISECP_TOKEN)
    try:
        [status] = await aclient.get_statuses([report_id])
    finally:
        await aclient.aclose()
    assert status.total == 1
    assert [e["status"] for e in ileti_sandbox.requests(path="/wisecp/api/sms/report")] == [503, 200]


async def test_async_maintenance_that_lasts_is_transient(ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/report", "maintenance")
    aclient = AsyncWisecpStatusClient(ileti_sandbox.url + sandbox_wisecp.PREFIX, WISECP_TOKEN, retries=1)
    try:
        with pytest.raises(TransientError, match="maintenance"):
            await aclient.get_statuses(["1001"])
    finally:
        await aclient.aclose()
    assert len(ileti_sandbox.requests(path="/wisecp/api/sms/report")) == 2


async def test_async_unknown_report_is_not_found(ileti_sandbox: Any) -> None:
    aclient = AsyncWisecpStatusClient(ileti_sandbox.url + sandbox_wisecp.PREFIX, WISECP_TOKEN)
    try:
        with pytest.raises(NotFoundError):
            await aclient.get_statuses(["424242"])
    finally:
        await aclient.aclose()


async def test_async_bad_reference_makes_no_request(ileti_sandbox: Any) -> None:
    aclient = AsyncWisecpStatusClient(ileti_sandbox.url + sandbox_wisecp.PREFIX, WISECP_TOKEN)
    try:
        with pytest.raises(ValidationError):
            await aclient.get_statuses(["1001,x"])
    finally:
        await aclient.aclose()
    assert ileti_sandbox.requests(service="wisecp") == []


async def test_the_hook_builds_the_async_client(ileti_sandbox_env: Any) -> None:
    aclient = WisecpHook().get_async_client()
    try:
        assert aclient.base_url == ileti_sandbox_env.url + sandbox_wisecp.PREFIX
        assert WISECP_TOKEN not in repr(aclient)
    finally:
        await aclient.aclose()
