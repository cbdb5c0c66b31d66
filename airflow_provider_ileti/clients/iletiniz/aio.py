"""Async İletiniz status reads for triggers, over the async HTTP layer: never blocks the triggerer's loop.

Shares answer reading with the sync client (``iletiniz_answers``) and the retry policy with every client
(``clients.http.retry``); reads only, so transient errors are retried by the same rules. İletiniz reads one
job per request, so ``get_statuses`` sends one GET per job not yet final, at most ``status_concurrency``
(default ``client.STATUS_CONCURRENCY``) at a time per client (``ReadFanout``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from airflow_provider_ileti.clients.http.aio import AsyncHttpSession
from airflow_provider_ileti.clients.http.fanout import ReadFanout
from airflow_provider_ileti.clients.http.retry import RetryPolicy
from airflow_provider_ileti.clients.http.settings import (
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_RETRIES,
    HttpSettings,
)
from airflow_provider_ileti.clients.iletiniz import SERVICE
from airflow_provider_ileti.clients.iletiniz.answers import (
    FINAL_JOBS,
    combine_jobs,
    interpret_answer,
    split_reference,
)
from airflow_provider_ileti.clients.iletiniz.client import STATUS_CONCURRENCY, validate_api_key
from airflow_provider_ileti.core.models import DeliveryStatus


class AsyncIletinizStatusClient:
    """``AsyncStatusClient`` for İletiniz: one GET per job, ``status_concurrency`` at a time."""

    service = SERVICE
    max_status_batch = 50

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        verify_ssl: bool = True,
        retries: int = DEFAULT_RETRIES,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        status_concurrency: int = STATUS_CONCURRENCY,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        key = validate_api_key(api_key)
        self._reads = ReadFanout(status_concurrency, service=SERVICE)
        self.status_concurrency = self._reads.concurrency
        self._policy = RetryPolicy(retries=retries)
        self._scope = FINAL_JOBS.scope(self.base_url, key)
        self._http = AsyncHttpSession(
            HttpSettings(
                timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
            ),
            service=SERVICE,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            secrets=(key,),
        )

    def __repr__(self) -> str:
        return f"AsyncIletinizStatusClient(base_url={self.base_url!r})"

    async def get_job(self, job_id: str) -> dict[str, Any]:
        url = f"{self.base_url}/v1/messages/{quote(job_id, safe='')}"

        async def once() -> dict[str, Any]:
            answer = await self._http.request("GET", url, what="GET job")
            return interpret_answer("GET job", answer)  # type: ignore[no-any-return]

        return await self._policy.arun(once, what="İletiniz GET job")

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        split = [(str(ref), split_reference(ref)) for ref in references]
        ids = list(dict.fromkeys(j for _, group in split for j in group))
        jobs: dict[str, dict[str, Any]] = {}
        for job_id in ids:  # final jobs are not asked again (no batch read)
            cached = FINAL_JOBS.get(self._scope, job_id)
            if cached is not None:
                jobs[job_id] = cached
        missing = [j for j in ids if j not in jobs]

        async def read(job_id: str) -> dict[str, Any]:
            answer = await self.get_job(job_id)
            FINAL_JOBS.keep(self._scope, job_id, answer)  # as each comes: a later failure loses none of them
            return answer

        jobs.update(zip(missing, await self._reads.amap(read, missing), strict=True))
        return [combine_jobs(ref, [jobs[j] for j in group]) for ref, group in split]

    async def aclose(self) -> None:
        await self._http.aclose()
