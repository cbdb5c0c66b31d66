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

A send is not a read: it must never be repeated once it may have reached the service, and a failure must
not leave the caller guessing what went out. ``send_until_failure`` runs the requests of one send (İletiniz's
bulk requests) at most ``concurrency`` at a time and stops at the first failure: no request is started once
one has failed, those in flight finish, and the outcome of every item (its result, its error, or never
started: always a tail of the input) is handed back for the caller to account for. It retries nothing
itself; ``concurrency=1`` is the plain loop that stops at the first error, in the caller's thread.

Each call still goes through the client's own session (``sync.HttpSession`` is safe to share between
threads: each request has its own deadline watch, and its pool keeps ``sync.POOL_SIZE`` connections, which
bounds ``concurrency``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from airflow_provider_ileti.clients.http.sync import POOL_SIZE
from airflow_provider_ileti.core.errors import ValidationError

T = TypeVar("T")
R = TypeVar("R")

#: The most reads one client runs at once: the sync session's pool, so every thread keeps its connection.
MAX_CONCURRENCY = POOL_SIZE


def check_concurrency(
    value: object, *, service: str | None = None, field: str = "status_concurrency", verb: str = "reads"
) -> int:
    """``value`` if it is a whole number 1..``MAX_CONCURRENCY``, else ``ValidationError`` naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONCURRENCY:
        raise ValidationError(
            field,
            value,
            f"must be a whole number 1..{MAX_CONCURRENCY} (1 {verb} one after another)",
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


@dataclasses.dataclass(frozen=True)
class Settled(Generic[R]):
    """How every item of ``send_until_failure`` ended: ``done`` (index -> result), ``failed`` (index ->
    the exception its call raised) or never started (``started`` and on; no call was made for them)."""

    done: dict[int, R]
    failed: dict[int, BaseException]
    started: int
    total: int

    @property
    def complete(self) -> bool:
        return not self.failed and self.started == self.total


def send_until_failure(
    call: Callable[[T], R], items: Sequence[T], concurrency: int, *, thread_name: str = "ileti-send"
) -> Settled[R]:
    """``call(item)`` for the items in order, at most ``concurrency`` at once, none started after a failure.

    The caller's thread is one of the workers (``concurrency - 1`` threads more, none for one item or
    ``concurrency=1``), each taking the next item in input order, so what was never started is a tail of
    ``items``. A call's exception is recorded, not raised: the caller decides what the whole send means. An
    exception that is not an ``Exception`` (``KeyboardInterrupt``) stops the rest too and is raised once the
    calls in flight have ended (each within its own deadline).
    """
    total = len(items)
    done: dict[int, R] = {}
    failed: dict[int, BaseException] = {}
    lock = threading.Lock()
    cursor = [0]  # the next item to start; only moved under the lock
    stopped = [False]  # set when the caller's thread is interrupted outside a call

    def work() -> None:
        while True:
            with lock:
                index = cursor[0]
                if failed or stopped[0] or index >= total:
                    return
                cursor[0] = index + 1
            try:
                result = call(items[index])
            except BaseException as exc:
                with lock:
                    failed[index] = exc  # seen by every worker before it takes another item
                return
            with lock:
                done[index] = result

    workers = min(concurrency, total)
    threads = [
        threading.Thread(target=work, name=f"{thread_name}-{n}", daemon=True) for n in range(1, workers)
    ]
    for thread in threads:
        thread.start()
    try:
        work()
    except BaseException:
        stopped[0] = True
        raise
    finally:
        for thread in threads:
            thread.join()
    interrupted = next((exc for exc in failed.values() if not isinstance(exc, Exception)), None)
    if interrupted is not None:
        raise interrupted
    return Settled(done=done, failed=failed, started=cursor[0], total=total)
