"""The async status reader the delivery sensor's trigger uses (httpx; never blocks the event loop).

İleti Merkezi reports one order per request, so ``get_statuses`` sends one ``get-report`` per order, at
most ``CONCURRENCY`` at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from airflow_provider_ileti.clients.iletimerkezi import codec, validation, wire
from airflow_provider_ileti.clients.iletimerkezi.auth import Credentials
from airflow_provider_ileti.clients.iletimerkezi.client import (
    DEFAULT_TIMEZONE,
    DEFAULT_URL,
    STATUS_BATCH,
    STATUS_ROW_COUNT,
)
from airflow_provider_ileti.clients.iletimerkezi.codes import SERVICE
from airflow_provider_ileti.core.errors import NotChangeableError, TransientError, ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus

#: Report requests in flight at once per trigger. Guess: polite to a service that limits 100 SMS/s.
CONCURRENCY = 8


class AsyncIletiMerkeziStatusClient:
    """Implements ``AsyncStatusClient`` for İleti Merkezi."""

    service = SERVICE
    max_status_batch = STATUS_BATCH

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        key: str | None = None,
        api_hash: str | None = None,
        api_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        format: str = wire.XML,
        timezone: str = DEFAULT_TIMEZONE,
        timeout: float = 30.0,
        verify_ssl: bool = True,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if format not in wire.FORMATS:
            raise ValidationError("format", format, "must be xml or json", service=SERVICE)
        self.base_url = base_url.rstrip("/")
        self._credentials = Credentials(
            key=key, api_hash=api_hash, secret=api_secret, username=username, password=password
        )
        self.format = format
        self.timezone = timezone
        self._http = client or httpx.AsyncClient(timeout=timeout, verify=verify_ssl)
        self._limit = asyncio.Semaphore(CONCURRENCY)

    def __repr__(self) -> str:
        return f"AsyncIletiMerkeziStatusClient(base_url={self.base_url!r}, auth={self._credentials!r})"

    async def _post(self, operation: str, tree: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}/{wire.path_for(operation, self.format)}"
        headers = {"Content-Type": wire.content_type(self.format), "Accept": wire.content_type(self.format)}
        try:
            async with self._http.stream(
                "POST", url, content=wire.encode(tree, self.format), headers=headers
            ) as resp:
                body = bytearray()
                async for chunk in resp.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > codec.MAX_ANSWER_BYTES:  # refused by the parser; stop reading
                        break
        except httpx.HTTPError as exc:
            raise TransientError(
                f"{operation}: could not reach İleti Merkezi ({type(exc).__name__})",
                service=SERVICE,
                code="network",
            ) from None
        return wire.read_answer(
            operation=operation,
            fmt=self.format,
            http_status=resp.status_code,
            body=bytes(body),
            retry_after=resp.headers.get("Retry-After"),
        )

    async def get_status(self, reference: str) -> DeliveryStatus:
        oid = validation.check_order_id(reference)
        tree = wire.report_tree(self._credentials.authentication(), oid, 1, STATUS_ROW_COUNT)
        async with self._limit:
            try:
                answer = await self._post("get-report", tree)
            except NotChangeableError as exc:
                if exc.code == "456":
                    return DeliveryStatus(reference=oid, phase=DeliveryPhase.SCHEDULED, raw_state="456")
                raise
        order, _ = wire.report_page_of(answer, self.timezone)
        return order.to_status()

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        return list(await asyncio.gather(*(self.get_status(ref) for ref in references)))

    async def aclose(self) -> None:
        await self._http.aclose()
