"""Async İletiniz status reads for triggers (httpx): never blocks the triggerer's event loop.

Shares answer reading with the sync client (``iletiniz_answers``); reads only, so transient errors are
retried here with the same backoff rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from airflow_provider_ileti.clients.iletiniz import (
    BACKOFF_INITIAL_SECONDS,
    READ_ATTEMPTS,
    STATUS_CONCURRENCY,
    USER_AGENT,
    validate_api_key,
)
from airflow_provider_ileti.clients.iletiniz_answers import (
    FINAL_JOBS,
    combine_jobs,
    interpret,
    retry_delay,
    split_reference,
)
from airflow_provider_ileti.clients.iletiniz_wire import SERVICE
from airflow_provider_ileti.core.errors import TransientError
from airflow_provider_ileti.core.models import DeliveryStatus


class AsyncIletinizStatusClient:
    """``AsyncStatusClient`` for İletiniz: one GET per job, ``STATUS_CONCURRENCY`` at a time."""

    service = SERVICE
    max_status_batch = 50

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        verify: bool = True,
        attempts: int = READ_ATTEMPTS,
        backoff: float = BACKOFF_INITIAL_SECONDS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        key = validate_api_key(api_key)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._scope = FINAL_JOBS.scope(self.base_url, key)
        self._client = httpx.AsyncClient(
            timeout=timeout,
            verify=verify,
            headers={
                "Authorization": f"Bearer {key}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
        )

    def __repr__(self) -> str:
        return f"AsyncIletinizStatusClient(base_url={self.base_url!r})"

    async def get_job(self, job_id: str) -> dict[str, Any]:
        url = f"{self.base_url}/v1/messages/{quote(job_id, safe='')}"
        for attempt in range(1, self.attempts + 1):
            try:
                try:
                    response = await self._client.get(url)
                except httpx.HTTPError as exc:
                    raise TransientError(
                        f"GET job: no answer ({type(exc).__name__})", service=SERVICE
                    ) from None
                try:
                    body = response.json()
                except ValueError:
                    body = None
                return interpret(  # type: ignore[no-any-return]
                    "GET job",
                    response.status_code,
                    body,
                    retry_after=response.headers.get("Retry-After"),
                    request_id=response.headers.get("x-request-id"),
                )
            except TransientError as exc:
                if attempt >= self.attempts:
                    raise
                await asyncio.sleep(retry_delay(exc.retry_after, attempt, self.backoff))
        raise AssertionError("unreachable")

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        split = [(str(ref), split_reference(ref)) for ref in references]
        ids = list(dict.fromkeys(j for _, group in split for j in group))
        limit = asyncio.Semaphore(STATUS_CONCURRENCY)

        async def one(job_id: str) -> dict[str, Any]:
            cached = FINAL_JOBS.get(self._scope, job_id)  # final jobs are not asked again (no batch read)
            if cached is not None:
                return cached
            async with limit:
                answer = await self.get_job(job_id)
            FINAL_JOBS.keep(self._scope, job_id, answer)
            return answer

        jobs = dict(zip(ids, await asyncio.gather(*(one(j) for j in ids)), strict=True))
        return [combine_jobs(ref, [jobs[j] for j in group]) for ref, group in split]

    async def aclose(self) -> None:
        await self._client.aclose()
