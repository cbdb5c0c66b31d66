"""get_statuses reads one submit per ``report`` (no batch read), ``status_concurrency`` at a time, sync and
async: every report id once, answers in the order asked, the first error in that order raised."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient
from airflow_provider_ileti.clients.wisecp.client import STATUS_CONCURRENCY, WisecpClient
from airflow_provider_ileti.core.errors import NotFoundError, ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services import wisecp as sandbox_wisecp
from tests.integration.inflight import InFlight

GB_OK, GB_FAIL, DE_OK = "+44 7400 123456", "+44 7400 123459", "+49 151 23456780"
REPORTS = 3 * STATUS_CONCURRENCY
REPORT_PATH = "/wisecp/api/sms/report"


@pytest.fixture
def references(client: WisecpClient, ileti_sandbox: Any) -> list[str]:
    """Submits alternately delivered and undelivered, and last one reference of two submits (two texts)."""
    made = [client.submit([GB_OK if i % 2 else GB_FAIL], f"Report {i}") for i in range(REPORTS - 1)]
    two = client.send(SendBatch(messages=(SmsMessage("B", (GB_OK,)), SmsMessage("C", (DE_OK,)))))
    ileti_sandbox.admin.clock(advance=sandbox_wisecp.DELIVERY_SECONDS + 1)
    # half the reports answer 50 ms late, so answers come back out of order
    ileti_sandbox.admin.add_fault(REPORT_PATH, "delay", delay=0.05, probability=0.5)
    return [*made, two.reference]


def check(statuses: list[Any], references: list[str]) -> None:
    assert [s.reference for s in statuses] == references
    assert [s.delivered for s in statuses] == [i % 2 for i in range(REPORTS - 1)] + [2]
    assert {s.phase for s in statuses} == {DeliveryPhase.COMPLETE}


def test_every_report_once_in_the_order_asked_several_at_a_time(
    client: WisecpClient, references: list[str], ileti_sandbox: Any
) -> None:
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    statuses = client.get_statuses(references)
    check(statuses, references)
    assert len(ileti_sandbox.requests(path=REPORT_PATH)) == REPORTS + 1 == inflight.calls  # two ids in one
    assert inflight.most == STATUS_CONCURRENCY == client.status_concurrency


def test_concurrency_one_reads_one_after_another(
    api_url: str, references: list[str], ileti_sandbox: Any
) -> None:
    client = WisecpClient(api_url, WISECP_TOKEN, status_concurrency=1)
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    try:
        check(client.get_statuses(references), references)
    finally:
        client.close()
    assert inflight.most == 1 and len(ileti_sandbox.requests(path=REPORT_PATH)) == REPORTS + 1


def test_the_first_error_in_the_order_asked_is_raised(
    client: WisecpClient, references: list[str], ileti_sandbox: Any
) -> None:
    with pytest.raises(NotFoundError):
        client.get_statuses([*references[:2], "424242", *references[2:]])
    with pytest.raises(ValidationError):  # a malformed reference is refused before any request
        client.get_statuses([*references[:2], "not-an-id"])
    assert len(ileti_sandbox.requests(path=REPORT_PATH)) <= REPORTS + 2


@pytest.mark.parametrize("concurrency", [STATUS_CONCURRENCY, 1])
async def test_async_every_report_once_in_order(
    api_url: str, references: list[str], ileti_sandbox: Any, concurrency: int
) -> None:
    aclient = AsyncWisecpStatusClient(api_url, WISECP_TOKEN, status_concurrency=concurrency)
    inflight = InFlight()
    aclient._http.request = inflight.awrap(aclient._http.request)  # type: ignore[method-assign]
    try:
        statuses = await aclient.get_statuses(references)
        with pytest.raises(NotFoundError):
            await aclient.get_statuses([*references[:2], "424242", *references[2:]])
    finally:
        await aclient.aclose()
    check(statuses, references)
    assert inflight.most == concurrency == aclient.status_concurrency
    assert len(ileti_sandbox.requests(path=REPORT_PATH)) >= REPORTS + 1 + 3
