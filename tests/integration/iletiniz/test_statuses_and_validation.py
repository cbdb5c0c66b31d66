"""get_statuses does not re-read jobs that are already final (İletiniz has no batch read); validate_send
makes every check send makes, without a request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.aio import AsyncIletinizStatusClient
from airflow_provider_ileti.clients.iletiniz.answers import FINAL_JOBS
from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    FINAL_JOBS.clear()
    yield
    FINAL_JOBS.clear()


def job_reads(ileti_sandbox: Any) -> int:
    return len(
        [r for r in ileti_sandbox.requests(service="iletiniz", method="GET") if "/v1/messages/" in r["path"]]
    )


def test_final_jobs_are_not_asked_again(client: IletinizClient, ileti_sandbox: Any, api_url: str) -> None:
    ileti_sandbox.admin.clock(speed=1)
    # ...01 and ...02 are delivered after 30 s, ...08 expires only after 600 s (sandbox outcomes)
    receipt = client.send(
        SendBatch(messages=(SmsMessage("x", ("+905551230001", "+905551230002", "+905551230008")),))
    )
    (status,) = client.get_statuses([receipt.reference])
    assert status.pending == 3 and job_reads(ileti_sandbox) == 3
    ileti_sandbox.admin.clock(advance=60)
    (status,) = client.get_statuses([receipt.reference])
    assert status.delivered == 2 and status.pending == 1 and job_reads(ileti_sandbox) == 6
    # the two delivered jobs are final: a new client (a new poke) reads only the one still moving
    other = IletinizClient(api_url, ILETINIZ_API_KEY)
    (status,) = other.get_statuses([receipt.reference])
    assert (status.delivered, status.pending) == (2, 1) and job_reads(ileti_sandbox) == 7
    ileti_sandbox.admin.clock(advance=700)
    (status,) = other.get_statuses([receipt.reference])
    assert (
        status.phase is DeliveryPhase.COMPLETE and status.undelivered == 1 and job_reads(ileti_sandbox) == 8
    )
    (status,) = other.get_statuses([receipt.reference])
    assert status.phase is DeliveryPhase.COMPLETE and job_reads(ileti_sandbox) == 8  # nothing left to ask


async def test_the_async_client_shares_the_cache(
    client: IletinizClient, ileti_sandbox: Any, api_url: str
) -> None:
    receipt = client.send(SendBatch(messages=(SmsMessage("x", ("+905551230001",)),)))
    ileti_sandbox.admin.clock(advance=60)
    (status,) = client.get_statuses([receipt.reference])
    assert status.phase is DeliveryPhase.COMPLETE and job_reads(ileti_sandbox) == 1
    aclient = AsyncIletinizStatusClient(api_url, ILETINIZ_API_KEY)
    try:
        (again,) = await aclient.get_statuses([receipt.reference])
    finally:
        await aclient.aclose()
    assert again == status and job_reads(ileti_sandbox) == 1


def test_another_key_does_not_see_cached_jobs(
    client: IletinizClient, ileti_sandbox: Any, api_url: str
) -> None:
    receipt = client.send(SendBatch(messages=(SmsMessage("x", ("+905551230001",)),)))
    ileti_sandbox.admin.clock(advance=60)
    client.get_statuses([receipt.reference])
    stranger = IletinizClient(api_url, "iltz_test_someone_else", retries=0)
    with pytest.raises(Exception, match="401"):
        stranger.get_statuses([receipt.reference])


@pytest.mark.parametrize(
    ("batch", "field"),
    [
        (SendBatch(messages=(SmsMessage("x", ("nope",)),)), "items[0].to"),
        (SendBatch(messages=(SmsMessage("", ("+905551230001",)),)), "items[0].body"),
        (SendBatch(messages=(SmsMessage("x" * 1601, ("+905551230001",)),)), "items[0].body"),
        (SendBatch(messages=(SmsMessage("x", ()),)), "messages"),
        (SendBatch(messages=(SmsMessage("x", tuple(f"+90555{i:07d}" for i in range(201))),)), "messages"),
        (SendBatch(messages=(SmsMessage("x", ("+905551230001",)),), validity_minutes=60), "validity_minutes"),
        (SendBatch(messages=(SmsMessage("x", ("+905551230001",)),), sender=" "), "sender"),
    ],
)
def test_validate_send_refuses_what_send_refuses(
    client: IletinizClient, ileti_sandbox: Any, batch: SendBatch, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        client.validate_send(batch)
    assert info.value.field == field
    with pytest.raises(ValidationError) as sent:
        client.send(batch)
    assert sent.value.field == field
    assert ileti_sandbox.requests(service="iletiniz") == []


def test_validate_send_accepts_a_good_batch_without_a_request(
    client: IletinizClient, ileti_sandbox: Any
) -> None:
    client.validate_send(SendBatch(messages=(SmsMessage("Merhaba", ("+905551230001", "05551230002")),)))
    assert ileti_sandbox.requests(service="iletiniz") == []
