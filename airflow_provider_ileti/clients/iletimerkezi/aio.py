"""The async status reader the delivery sensor's trigger uses (httpx; never blocks the event loop).

İleti Merkezi reports one order per request, so ``get_statuses`` sends one ``get-report`` per order, at
most ``status_concurrency`` (default ``client.STATUS_CONCURRENCY``) at a time per client (``ReadFanout``).
Requests go through the shared HTTP layer (``AsyncHttpSession``: no redirect followed, the answer capped,
``timeout`` for the whole request) and answers are read by the same ``answers.read_answer`` as the sync
client's. A poll is not retried here by default (``retries=0``): the
trigger rides out transient errors itself (``triggers.delivery``); a retry, when asked for, goes through the
shared policy (``RetryPolicy.arun``).
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from airflow_provider_ileti.clients.http import HttpSettings, RetryPolicy
from airflow_provider_ileti.clients.http.aio import AsyncHttpSession
from airflow_provider_ileti.clients.http.fanout import ReadFanout
from airflow_provider_ileti.clients.http.settings import DEFAULT_MAX_ANSWER_BYTES, DEFAULT_TIMEOUT
from airflow_provider_ileti.clients.iletimerkezi import SERVICE, answers, codec, validation, wire
from airflow_provider_ileti.clients.iletimerkezi.auth import Credentials
from airflow_provider_ileti.clients.iletimerkezi.client import (
    DEFAULT_TIMEZONE,
    DEFAULT_URL,
    STATUS_BATCH,
    STATUS_CONCURRENCY,
    STATUS_ROW_COUNT,
)
from airflow_provider_ileti.core.errors import NotChangeableError, ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus


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
        timeout: float = DEFAULT_TIMEOUT,
        verify_ssl: bool = True,
        retries: int = 0,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        status_concurrency: int = STATUS_CONCURRENCY,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """``retries`` defaults to 0: the trigger counts failed polls itself. ``status_concurrency``:
        ``get-report`` requests in flight at once (1: one after another). ``client``: an httpx client to
        send through (tests); the layer's rules (no redirect, the cap, the deadline) still apply."""
        if format not in wire.FORMATS:
            raise ValidationError("format", format, "must be xml or json", service=SERVICE)
        settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
        )
        self.base_url = base_url.rstrip("/")
        self._credentials = Credentials(
            key=key, api_hash=api_hash, secret=api_secret, username=username, password=password
        )
        self.format = format
        self.timezone = timezone
        self.retries = settings.retries
        self._policy = RetryPolicy(retries=settings.retries)
        self._http = AsyncHttpSession(
            settings,
            service=SERVICE,
            secrets=(self._credentials.key or "", *self._credentials.secrets()),
            client=client,
        )
        self._reads = ReadFanout(status_concurrency, service=SERVICE)
        self.status_concurrency = self._reads.concurrency

    def __repr__(self) -> str:
        return f"AsyncIletiMerkeziStatusClient(base_url={self.base_url!r}, auth={self._credentials!r})"

    async def _post(self, operation: str, tree: codec.Tree) -> codec.Tree:
        url = f"{self.base_url}/{wire.path_for(operation, self.format)}"
        headers = {"Content-Type": wire.content_type(self.format), "Accept": wire.content_type(self.format)}
        body = wire.encode(tree, self.format)

        async def once() -> codec.Tree:
            answer = await self._http.request("POST", url, what=operation, content=body, headers=headers)
            return answers.read_answer(answer, fmt=self.format)

        return await self._policy.arun(once, what=f"İleti Merkezi {operation}", idempotent=True)

    async def get_status(self, reference: str) -> DeliveryStatus:
        oid = validation.check_order_id(reference)
        tree = wire.report_tree(self._credentials.authentication(), oid, 1, STATUS_ROW_COUNT)
        try:
            answer = await self._post("get-report", tree)
        except NotChangeableError as exc:
            if exc.code == "456":
                return DeliveryStatus(reference=oid, phase=DeliveryPhase.SCHEDULED, raw_state="456")
            raise
        order, _ = answers.report_page_of(answer, self.timezone)
        return order.to_status()

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        return await self._reads.amap(self.get_status, references)

    async def aclose(self) -> None:
        await self._http.aclose()
