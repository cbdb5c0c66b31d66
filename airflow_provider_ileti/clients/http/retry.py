"""One retry policy and its two runners (sync and async), after urllib3's ``Retry`` and the databricks hook.

What is retried: a ``TransientError`` (429, maintenance, 5xx, a network failure); for a call that must not
run twice (``idempotent=False``: a send without a client id) only one that surely never reached the server
(``maybe_processed`` False). The wait: the answer's ``Retry-After`` (seconds or an HTTP date) when it gave
one, else exponential backoff with jitter. One cap: a ``Retry-After`` longer than ``max_retry_after`` is not
waited out inside the task (nor cut short, which would only be refused again); the error goes up at once,
still carrying ``retry_after``, and Airflow's task retry waits (``tasks.retry_policy`` reads it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from airflow_provider_ileti.clients.http.failures import DEADLINE
from airflow_provider_ileti.clients.http.settings import DEFAULT_RETRIES
from airflow_provider_ileti.core.errors import TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The longest ``Retry-After`` waited out inside a task; a longer one fails now (Airflow's retry waits).
MAX_RETRY_AFTER_SECONDS = 60.0
BACKOFF_INITIAL_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0


def parse_retry_after(value: Any, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; one object drives the sync and the async runner."""

    retries: int = DEFAULT_RETRIES
    backoff_initial: float = BACKOFF_INITIAL_SECONDS
    backoff_max: float = BACKOFF_MAX_SECONDS
    max_retry_after: float = MAX_RETRY_AFTER_SECONDS

    def retryable(self, exc: BaseException, *, idempotent: bool) -> bool:
        """Whether ``exc`` is worth another attempt of a call that is (or is not) safe to repeat.

        A request that used up its whole timeout is not: the timeout bounds the call, so a server that slow
        fails the try within it and Airflow's own retry comes back later."""
        if not isinstance(exc, TransientError) or exc.code == DEADLINE:
            return False
        return idempotent or not exc.maybe_processed

    def delay(self, attempt: int, exc: BaseException) -> float:
        """Seconds before attempt ``attempt + 1``: the server's ``Retry-After``, else backoff with jitter."""
        asked = getattr(exc, "retry_after", None)
        if asked is not None:
            return float(asked)
        base = min(self.backoff_max, self.backoff_initial * 2 ** (attempt - 1))
        return float(base * (0.5 + random.random() / 2))

    def _next(self, exc: TransientError, attempt: int, *, idempotent: bool, what: str) -> float:
        """The wait before the next attempt; re-raises ``exc`` when there is to be none."""
        if attempt > self.retries or not self.retryable(exc, idempotent=idempotent):
            raise exc
        asked = getattr(exc, "retry_after", None)
        if asked is not None and asked > self.max_retry_after:
            raise _left_to_task(exc, float(asked), self.max_retry_after) from None
        wait = self.delay(attempt, exc)
        log.warning("%s: %s; retry %d/%d in %.1fs", what, exc, attempt, self.retries, wait)
        return wait

    def run(
        self,
        call: Callable[[], T],
        *,
        what: str,
        idempotent: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> T:
        """``call()``, again after a retryable failure, at most ``retries`` more times."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except TransientError as exc:
                wait = self._next(exc, attempt, idempotent=idempotent, what=what)
            sleep(wait)

    async def arun(
        self,
        call: Callable[[], Awaitable[T]],
        *,
        what: str,
        idempotent: bool = True,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> T:
        """The async twin of ``run``: the same rules, the event loop never blocked."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call()
            except TransientError as exc:
                wait = self._next(exc, attempt, idempotent=idempotent, what=what)
            await sleep(wait)


def _left_to_task(exc: TransientError, asked: float, cap: float) -> TransientError:
    """``exc`` itself, saying why it was not waited out here; ``retry_after`` and the rest kept."""
    exc.message = (
        f"{exc.message}; the service asks to wait {asked:g}s (Retry-After), longer than the {cap:g}s a "
        "client waits: left to the task's retries"
    )
    exc.args = (exc.message,)
    return exc
