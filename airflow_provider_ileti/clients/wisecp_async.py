"""The async status reader a deferred delivery sensor uses for WISECP (httpx; never blocks the loop).

WISECP reports one submit per request, so ``get_statuses`` asks ``report`` once per report id, at most
``CONCURRENCY`` at a time. Answers are read by the same functions as the sync client's
(``interpret_answer``, ``parse_report``), so the two cannot disagree about the wire shapes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from airflow_provider_ileti.clients.wisecp import (
    BACKOFF_INITIAL_SECONDS,
    BACKOFF_MAX_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    READ_ATTEMPTS,
    REPORT,
    SERVICE,
    combine_reports,
    interpret_answer,
    parse_report,
    split_reference,
)
from airflow_provider_ileti.core.errors import TransientError, ValidationError
from airflow_provider_ileti.core.models import DeliveryStatus

#: Report requests in flight at once per trigger. Guess: gentle on a self-hosted PHP panel.
CONCURRENCY = 4
#: References one ``get_statuses`` call takes (each may need several report requests).
MAX_STATUS_BATCH = 100


class AsyncWisecpStatusClient:
    """Implements ``AsyncStatusClient`` for WISECP."""

    service = SERVICE
    max_status_batch = MAX_STATUS_BATCH

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        verify: bool = True,
        attempts: int = READ_ATTEMPTS,
        backoff: float = BACKOFF_INITIAL_SECONDS,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not token:
            raise ValidationError("user_token", "", "the WISECP user token is required (connection password)")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._http = client or httpx.AsyncClient(timeout=timeout, verify=verify)
        self._limit = asyncio.Semaphore(CONCURRENCY)

    def __repr__(self) -> str:
        return f"AsyncWisecpStatusClient(base_url={self.base_url!r})"

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        if len(references) > self.max_status_batch:
            raise ValidationError(
                "references", f"{len(references)} references", f"at most {self.max_status_batch} per call"
            )
        split = [(str(ref), split_reference(ref)) for ref in references]
        ids = list(dict.fromkeys(rid for _, rids in split for rid in rids))
        reports = dict(zip(ids, await asyncio.gather(*(self._report(rid) for rid in ids)), strict=True))
        return [combine_reports(ref, [reports[rid] for rid in rids]) for ref, rids in split]

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _report(self, report_id: str) -> Any:
        async with self._limit:
            body = await self._read(REPORT, {"report_id": int(report_id)})
        return parse_report(body, report_id)

    async def _read(self, function: str, payload: dict[str, Any]) -> dict[str, Any]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await self._post(function, payload)
            except TransientError as exc:
                if attempt == self.attempts:
                    raise
                await asyncio.sleep(self._delay(exc, attempt))
        raise AssertionError("unreachable")

    def _delay(self, exc: TransientError, attempt: int) -> float:
        if exc.retry_after is not None:
            return min(exc.retry_after, MAX_RETRY_AFTER_SECONDS)
        return float(min(BACKOFF_MAX_SECONDS, self.backoff * 2 ** (attempt - 1)))

    async def _post(self, function: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(
                f"{self.base_url}/{function}", json={"user_token": self._token, **payload}
            )
        except httpx.HTTPError as exc:
            raise TransientError(f"{function}: no answer ({type(exc).__name__})", service=SERVICE) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        return interpret_answer(
            function,
            response.status_code,
            body if isinstance(body, dict) else None,
            retry_after=response.headers.get("Retry-After"),
        )
