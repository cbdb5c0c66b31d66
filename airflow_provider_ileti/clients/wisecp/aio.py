"""The async status reader a deferred delivery sensor uses for WISECP (httpx; never blocks the loop).

WISECP reports one submit per request, so ``get_statuses`` asks ``report`` once per report id, at most
``status_concurrency`` (default ``client.STATUS_CONCURRENCY``) at a time per client (``ReadFanout``).
Requests go through the shared HTTP layer (``AsyncHttpSession``: no redirect followed, the answer capped,
``timeout`` for the whole request) and are retried by the shared policy
(``RetryPolicy.arun``); answers are read by the same functions as the sync client's (``interpret_answer``,
``parse_report``), so the two cannot disagree about the wire shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from airflow_provider_ileti.clients.http import HttpSettings, RetryPolicy
from airflow_provider_ileti.clients.http.aio import AsyncHttpSession
from airflow_provider_ileti.clients.http.fanout import ReadFanout
from airflow_provider_ileti.clients.http.settings import (
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
)
from airflow_provider_ileti.clients.wisecp import SERVICE
from airflow_provider_ileti.clients.wisecp.answers import combine_reports, interpret_answer, parse_report
from airflow_provider_ileti.clients.wisecp.client import (
    MAX_STATUS_BATCH,
    REPORT,
    STATUS_CONCURRENCY,
    split_reference,
)
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import DeliveryStatus


class AsyncWisecpStatusClient:
    """Implements ``AsyncStatusClient`` for WISECP."""

    service = SERVICE
    max_status_batch = MAX_STATUS_BATCH

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        verify_ssl: bool = True,
        retries: int = DEFAULT_RETRIES,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        status_concurrency: int = STATUS_CONCURRENCY,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """The knobs of ``WisecpClient`` (``status_concurrency``: ``report`` requests in flight at once);
        ``client``: an httpx client to send through (tests), the layer's rules (no redirect, the cap, the
        deadline) still apply."""
        if not token:
            raise ValidationError("user_token", "", "the WISECP user token is required (connection password)")
        settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
        )
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.retries = settings.retries
        self._policy = RetryPolicy(retries=settings.retries)
        self._http = AsyncHttpSession(settings, service=SERVICE, secrets=(token,), client=client)
        self._reads = ReadFanout(status_concurrency, service=SERVICE)
        self.status_concurrency = self._reads.concurrency

    def __repr__(self) -> str:
        return f"AsyncWisecpStatusClient(base_url={self.base_url!r})"

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        if len(references) > self.max_status_batch:
            raise ValidationError(
                "references", f"{len(references)} references", f"at most {self.max_status_batch} per call"
            )
        split = [(str(ref), split_reference(ref)) for ref in references]
        ids = list(dict.fromkeys(rid for _, rids in split for rid in rids))
        reports = dict(zip(ids, await self._reads.amap(self._report, ids), strict=True))
        return [combine_reports(ref, [reports[rid] for rid in rids]) for ref, rids in split]

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _report(self, report_id: str) -> Any:
        body = await self._read(REPORT, {"report_id": int(report_id)})
        return parse_report(body, report_id)

    async def _read(self, function: str, payload: dict[str, Any]) -> dict[str, Any]:
        async def once() -> dict[str, Any]:
            answer = await self._http.request(
                "POST",
                f"{self.base_url}/{function}",
                what=function,
                json={"user_token": self._token, **payload},
            )
            return interpret_answer(answer)

        return await self._policy.arun(once, what=f"WISECP {function}", idempotent=True)
