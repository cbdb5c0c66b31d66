"""Every public İletiniz client function (API, async status, OAuth connect): nothing refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import requests

from airflow_provider_ileti.clients.iletiniz.aio import AsyncIletinizStatusClient
from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.clients.iletiniz.oauth import OAuthClient, PkceRequest
from airflow_provider_ileti.core.errors import NotChangeableError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY, ILETINIZ_CLIENT_ID
from airflow_provider_ileti.sandbox.services.iletiniz import PREFIX

from .conftest import Recorder, assert_conformant, request_count

pytestmark = pytest.mark.integration

A, B = "+905555550001", "+905555550002"


def test_every_iletiniz_function_passes_the_strict_sandbox(ileti_sandbox: Any) -> None:
    client = Recorder(IletinizClient(ileti_sandbox.url + PREFIX, ILETINIZ_API_KEY, timeout=10))
    assert client.health()["ok"] is True
    assert client.get_account().has_active_plan
    assert client.get_providers() and isinstance(client.list_senders(), list)
    assert client.get_balance().credits
    one = client.send_message(A, "Merhaba", iys=False)
    client.send_message(B, template="order_shipped", variables={"name": "Ali", "order": 42})
    bulk = client.send_bulk([(A, "Merhaba Ali"), (B, "Merhaba Şükrü")], iys=False)
    client.send_bulk([A, B], body="Herkese")
    assert bulk.requests == 1 and len(bulk.job_ids) == 2
    batch = SendBatch(messages=(SmsMessage("Genel", (A, B)),))
    assert client.check_quota(batch).to_dict()
    client.validate_send(batch)
    receipt = client.send(batch)
    assert client.find_sent(["any"]) == {}
    assert client.get_job(one.job_id)["job_id"] == one.job_id
    ileti_sandbox.admin.clock(advance=120)
    (status,) = client.get_statuses([receipt.reference])
    assert status.total == 2
    with pytest.raises(NotChangeableError):
        client.cancel(receipt.reference)  # the API has no cancel: refused here, no request made
    client.close()
    assert request_count(ileti_sandbox, "iletiniz") >= 10
    assert_conformant(ileti_sandbox, client)


def test_the_async_status_client_passes_the_strict_sandbox(ileti_sandbox: Any) -> None:
    sync = IletinizClient(ileti_sandbox.url + PREFIX, ILETINIZ_API_KEY, timeout=10)
    receipt = sync.send(SendBatch(messages=(SmsMessage("Merhaba", (A, B)),)))
    sync.close()
    client = Recorder(AsyncIletinizStatusClient(ileti_sandbox.url + PREFIX, ILETINIZ_API_KEY, timeout=10))
    first_job = receipt.reference.split(",")[0]

    async def poll() -> Any:
        try:
            return await client.get_job(first_job), await client.get_statuses([receipt.reference])
        finally:
            await client.aclose()

    job, (status,) = asyncio.run(poll())
    assert job["job_id"] == first_job and status.total == 2
    assert_conformant(ileti_sandbox, client)


def test_the_oauth_connect_calls_pass_the_strict_sandbox(ileti_sandbox: Any) -> None:
    auth_url = ileti_sandbox.url + PREFIX
    request = PkceRequest(auth_url, ILETINIZ_CLIENT_ID, "http://127.0.0.1:54321/callback")
    location = requests.get(request.authorize_url, allow_redirects=False, timeout=10).headers["Location"]
    oauth = Recorder(OAuthClient(auth_url, ILETINIZ_CLIENT_ID, timeout=10))
    answer = oauth.exchange(request, request.code_from_redirect(location))
    assert IletinizClient(auth_url, answer.api_key, timeout=10).get_account()
    oauth.revoke(answer.api_key)
    assert (
        requests.get(
            auth_url + "/v1/account", headers={"Authorization": f"Bearer {answer.api_key}"}, timeout=10
        ).status_code
        == 401
    ), "the revoked key must be dead"
    assert_conformant(ileti_sandbox, oauth)
