"""get_statuses reads one job per ``GET /v1/messages/{id}`` (no batch read), ``status_concurrency`` at a time,
sync and async: every job not yet final once, answers in the order asked, the first error in that order
raised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.aio import AsyncIletinizStatusClient
from airflow_provider_ileti.clients.iletiniz.answers import FINAL_JOBS
from airflow_provider_ileti.clients.iletiniz.client import STATUS_CONCURRENCY, IletinizClient
from airflow_provider_ileti.core.errors import NotFoundError, ValidationError
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY
from airflow_provider_ileti.sandbox.services.iletiniz import PREFIX
from tests.integration.inflight import InFlight

JOBS = 3 * STATUS_CONCURRENCY


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    FINAL_JOBS.clear()
    yield
    FINAL_JOBS.clear()


def job_reads(ileti_sandbox: Any) -> int:
    return len(
        [r for r in ileti_sandbox.requests(service="iletiniz", method="GET") if "/v1/messages/" in r["path"]]
    )


@pytest.fixture
def jobs(client: IletinizClient, ileti_sandbox: Any) -> list[str]:
    """Jobs alternately delivered (…1) and failed (…9), final once the clock moved on; one reference each."""
    result = client.send_bulk([f"+90555000{i:02d}0{1 if i % 2 else 9}" for i in range(JOBS)], body="Hi")
    ileti_sandbox.admin.clock(advance=31)
    # half the reads answer 50 ms late, so answers come back out of order
    ileti_sandbox.admin.add_fault(f"{PREFIX}/v1/messages/*", "delay", delay=0.05, probability=0.5)
    return result.job_ids


def check(statuses: list[Any], refs: list[str]) -> None:
    assert [s.reference for s in statuses] == refs
    assert [s.delivered for s in statuses] == [i % 2 for i in range(JOBS)]


def test_every_job_once_in_the_order_asked_several_at_a_time(
    client: IletinizClient, jobs: list[str], ileti_sandbox: Any
) -> None:
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    check(client.get_statuses(jobs), jobs)
    assert job_reads(ileti_sandbox) == JOBS == inflight.calls
    assert inflight.most == STATUS_CONCURRENCY == client.status_concurrency


def test_concurrency_one_reads_one_after_another(api_url: str, jobs: list[str], ileti_sandbox: Any) -> None:
    client = IletinizClient(api_url, ILETINIZ_API_KEY, status_concurrency=1)
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    try:
        check(client.get_statuses(jobs), jobs)
    finally:
        client.close()
    assert inflight.most == 1 and job_reads(ileti_sandbox) == JOBS


def test_the_first_error_in_the_order_asked_is_raised(client: IletinizClient, jobs: list[str]) -> None:
    with pytest.raises(NotFoundError):
        client.get_statuses([*jobs[:2], "job_unknown", *jobs[2:]])
    with pytest.raises(ValidationError):  # a malformed reference is refused before any request
        client.get_statuses([*jobs[:2], " , "])


@pytest.mark.parametrize("concurrency", [STATUS_CONCURRENCY, 1])
async def test_async_every_job_once_in_order(
    api_url: str, jobs: list[str], ileti_sandbox: Any, concurrency: int
) -> None:
    aclient = AsyncIletinizStatusClient(api_url, ILETINIZ_API_KEY, status_concurrency=concurrency)
    inflight = InFlight()
    aclient._http.request = inflight.awrap(aclient._http.request)  # type: ignore[method-assign]
    try:
        check(await aclient.get_statuses(jobs), jobs)
        assert job_reads(ileti_sandbox) == JOBS
        with pytest.raises(NotFoundError):
            await aclient.get_statuses(["job_unknown", *jobs])
    finally:
        await aclient.aclose()
    assert inflight.most == concurrency == aclient.status_concurrency
    assert job_reads(ileti_sandbox) == JOBS + 1  # the others are final: taken from the cache
