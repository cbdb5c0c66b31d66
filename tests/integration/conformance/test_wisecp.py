"""Every public WISECP client function, sync and async: nothing refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient
from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import NotChangeableError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services.wisecp import PREFIX

from .conftest import Recorder, assert_conformant, request_count

pytestmark = pytest.mark.integration

TR, GB = "+905555550001", "+447911123456"


def test_every_wisecp_function_passes_the_strict_sandbox(ileti_sandbox: Any) -> None:
    client = Recorder(
        WisecpClient(ileti_sandbox.url + PREFIX, WISECP_TOKEN, default_sender="ILETI", timeout=10)
    )
    assert client.balance().amount and client.get_balance().amount
    prices = client.get_prices()
    assert prices["TR"] > 0
    assert client.estimate_cost([TR, GB], "Merhaba", prices=prices).to_dict()
    batch = SendBatch(messages=(SmsMessage("Merhaba", (TR, GB)),))
    assert client.check_quota(batch).to_dict()
    assert client.check_senders([TR, GB], origin="ILETI").needs_approval == ("TR",)
    report_id = client.submit([TR], "Tek", origin="ILETI")
    client.validate_send(batch)
    receipt = client.send(batch)
    assert client.find_sent(["any"]) == {} and client.list_senders() == []
    ileti_sandbox.admin.clock(advance=120)
    assert client.report(report_id).to_status().total == 1
    (status,) = client.get_statuses([receipt.reference])
    assert status.total == 2
    with pytest.raises(NotChangeableError):
        client.cancel(receipt.reference)  # the API has no cancel: refused here, no request made
    client.close()
    assert request_count(ileti_sandbox, "wisecp") >= 7
    assert_conformant(ileti_sandbox, client)


def test_the_async_status_client_passes_the_strict_sandbox(ileti_sandbox: Any) -> None:
    sync = WisecpClient(ileti_sandbox.url + PREFIX, WISECP_TOKEN, default_sender="ILETI", timeout=10)
    receipt = sync.send(SendBatch(messages=(SmsMessage("Merhaba", (TR, GB)),)))
    sync.close()
    client = Recorder(AsyncWisecpStatusClient(ileti_sandbox.url + PREFIX, WISECP_TOKEN, timeout=10))

    async def poll() -> Any:
        try:
            return await client.get_statuses([receipt.reference])
        finally:
            await client.aclose()

    (status,) = asyncio.run(poll())
    assert status.total == 2
    assert_conformant(ileti_sandbox, client)
