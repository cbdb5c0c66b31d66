"""The trigger behind the deferrable delivery sensor and ``SendSmsOperator(wait_for_delivery=True)``.

It runs in the triggerer's event loop next to thousands of others, so nothing in it may block: the
connection is read through common.compat (``hooks.registry.aget_async_status_client``), and the service is
polled with the hook's async client (over ``clients.http.aio``). It only polls and judges: the batching
(``delivery.statuses``) and the verdict (``delivery.policy``) are the sensor's and the send's too. A poll
reads ``client.max_status_batch`` references per call; for Node that is one ``/sms/list`` (with ``ids``)
per 1000 packages, while İleti Merkezi, İletiniz and WISECP answer one order, job or report per request,
sent ``status_concurrency`` at a time on this loop (what a poll costs per service: ``sensors.delivery``).
References that reached a final state are not asked again. ``serialize()`` holds plain values
only, and the event carries counts, not statuses, so a thousand packages make a small event.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_ileti.core.errors import IletiError
from airflow_provider_ileti.core.models import DeliveryStatus
from airflow_provider_ileti.core.protocol import AsyncStatusClient
from airflow_provider_ileti.delivery.log_lines import progress_line
from airflow_provider_ileti.delivery.policy import DeliveryPolicy
from airflow_provider_ileti.delivery.statuses import aread_statuses

log = logging.getLogger(__name__)

#: Transient errors in a row (5xx, 429, timeouts) the trigger rides out before it gives up.
MAX_TRANSIENT_ERRORS = 5


class SmsDeliveryTrigger(BaseTrigger):
    """Poll the delivery state of ``references`` until every one is final (or one fails).

    Events (plain dicts): ``{"status": "final", "summary": {...}}`` when all are final;
    ``{"status": "failed", "message": ..., "summary": {...}}`` when a package failed and ``fail_on_failed``;
    ``{"status": "error", "message": ..., "retryable": bool}`` when the service could not be read.
    """

    def __init__(
        self,
        conn_id: str,
        references: Sequence[str],
        poll_interval: float = 60.0,
        fail_on_failed: bool = True,
        max_transient_errors: int = MAX_TRANSIENT_ERRORS,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.conn_id = conn_id
        self.references = [str(r) for r in references]
        self.poll_interval = float(poll_interval)
        self.fail_on_failed = bool(fail_on_failed)
        self.max_transient_errors = int(max_transient_errors)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "conn_id": self.conn_id,
                "references": list(self.references),
                "poll_interval": self.poll_interval,
                "fail_on_failed": self.fail_on_failed,
                "max_transient_errors": self.max_transient_errors,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        try:
            client = await self._open_client()
        except IletiError as exc:
            yield TriggerEvent({"status": "error", "message": str(exc), "retryable": exc.retryable})
            return
        policy = DeliveryPolicy(fail_on_failed=self.fail_on_failed)
        final: dict[str, DeliveryStatus] = {}
        latest: dict[str, DeliveryStatus] = {}
        errors = 0
        try:
            while True:
                pending = [r for r in self.references if r not in final]  # a final one is not asked again
                try:
                    for status in await aread_statuses(client, pending):
                        latest[status.reference] = status
                        if status.final:
                            final[status.reference] = status
                    errors = 0
                except IletiError as exc:
                    errors += 1
                    if not exc.retryable or errors > self.max_transient_errors:
                        yield TriggerEvent(
                            {"status": "error", "message": str(exc), "retryable": exc.retryable}
                        )
                        return
                    log.warning("Delivery poll failed (%d in a row), trying again: %s", errors, exc)
                    await asyncio.sleep(self.poll_interval)
                    continue
                verdict = policy.judge(list(latest.values()), len(self.references))
                if verdict.failure == "failed":
                    yield TriggerEvent(
                        {"status": "failed", "message": verdict.reason, "summary": verdict.summary}
                    )
                    return
                if verdict.done:  # the ratio is judged by the task on the summary (complete_from_event)
                    yield TriggerEvent({"status": "final", "summary": verdict.summary})
                    return
                log.info(
                    "%s; next poll in %gs",
                    progress_line(list(latest.values()), len(self.references)),
                    self.poll_interval,
                )
                await asyncio.sleep(self.poll_interval)
        finally:
            await client.aclose()

    async def _open_client(self) -> AsyncStatusClient:
        """The connection's async client, read without blocking the event loop."""
        from airflow_provider_ileti.hooks.registry import aget_async_status_client

        return await aget_async_status_client(self.conn_id)
