"""Many reads at once, a bounded number in flight: for services that answer one status per request.

Node reads 1000 packages in one ``/sms/list``; İleti Merkezi (``get-report``), İletiniz (``GET /v1/messages/
{id}``) and WISECP (``report``) answer one order, job or report per request, so a poll of many is many
requests. A client's ``ReadFanout`` runs them at most ``concurrency`` at a time (``map``: a thread pool over
the sync client's one session; ``amap``: a semaphore and tasks on the async client's loop), and keeps what
the sequential loop promised:

- results in input order;
- the first error in input order is raised, as the loop would have raised it; requests after it that had
  not started are not sent (sync: those in flight finish within their deadline and are dropped; async: they
  are cancelled);
- ``concurrency=1`` is exactly the loop: one call after another in the caller's thread, no pool.

Only reads go through here (a send is never fanned out). Each call still goes through the client's own
session (``sync.HttpSession`` is safe to share between threads: each request has its own deadline watch,
and its pool keeps ``sync.POOL_SIZE`` connections, which bounds ``concurrency``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from airflow_provider_ileti.clients.http.sync import POOL_SIZE
from airflow_provider_ileti.core.errors import ValidationError

T = TypeVar("T")
R = TypeVar("R")

#: The most reads one client runs at once: the sync session's pool, so every thread keeps its connection.
MAX_CONCURRENCY = POOL_SIZE


def check_concurrency(value: object, *, service: str | None = None) -> int:
    """``value`` if it is a whole number 1..``MAX_CONCURRENCY``, else ``ValidationError``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONCURRENCY:
        raise ValidationError(
            "status_concurrency",
            value,
            f"must be a whole number 1..{MAX_CONCURRENCY} (1 reads one after another)",
            service=service,
        )
    return value


class ReadFanout:
    """One client's bound on reads in flight: ``map`` (threads) for a sync client, ``amap`` for an async one.

    The bound is the client's, not the call's: two threads polling through one client share it.
    """

    def __init__(self, concurrency: int, *, service: str | None = None) -> None:
        self.concurrency = check_concurrency(concurrency, service=service)
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._aslots: asyncio.Semaphore | None = None

    def __repr__(self) -> str:
        return f"ReadFanout(concurrency={self.concurrency})"

    def map(self, call: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[call(item) for item in items]`` with at most ``concurrency`` calls at once (threads)."""

        def one(item: T) -> R:
            with self._slots:
                return call(item)

        if self.concurrency == 1 or len(items) <= 1:
            return [one(item) for item in items]
        from concurrent.futures import ThreadPoolExecutor  # not at import: a DAG file's parse never polls

        workers = min(self.concurrency, len(items))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ileti-read")
        try:
            futures = [pool.submit(one, item) for item in items]
            return [future.result() for future in futures]  # in input order: the first error is the loop's
        finally:
            # on an error: what has not started is not sent; the calls in flight end within their deadline
            pool.shutdown(wait=True, cancel_futures=True)

    async def amap(self, call: Callable[[T], Awaitable[R]], items: Sequence[T]) -> list[R]:
        """``[await call(item) for item in items]`` with at most ``concurrency`` awaiting at once."""
        if self._aslots is None:
            self._aslots = asyncio.Semaphore(self.concurrency)
        slots = self._aslots

        async def one(item: T) -> R:
            async with slots:
                return await call(item)

        if self.concurrency == 1 or len(items) <= 1:
            return [await one(item) for item in items]
        tasks = [asyncio.ensure_future(one(item)) for item in items]
        try:
            return [await task for task in tasks]  # in input order: the first error is the loop's
        finally:
            for task in tasks:  # on an error: what has not started is not sent, what is awaiting is cancelled
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
