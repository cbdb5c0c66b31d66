"""The one retry policy: what is retried, how long it waits, and the rule above the Retry-After cap."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from airflow_provider_ileti.clients.http.retry import MAX_RETRY_AFTER_SECONDS, RetryPolicy, parse_retry_after
from airflow_provider_ileti.core.errors import ServiceError, TransientError


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = time.time()
    in_an_hour = email.utils.formatdate(now + 3600, usegmt=True)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("") is None
    assert parse_retry_after("garbage") is None and parse_retry_after("nan") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after(in_an_hour, now=now) == pytest.approx(3600, abs=1)


class Flaky:
    """Fails with the given errors in turn, then answers "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_transient_errors_are_retried_with_the_servers_wait_or_backoff() -> None:
    waits: list[float] = []
    call = Flaky(TransientError("busy", retry_after=7), TransientError("down"))
    assert RetryPolicy(retries=3).run(call, what="x", sleep=waits.append) == "ok"
    assert call.calls == 3
    assert waits[0] == 7 and 0.5 <= waits[1] <= 1.0  # the second: backoff 1 s with jitter down to half


def test_retries_stop_at_the_count_and_final_errors_are_never_retried() -> None:
    call = Flaky(*[TransientError("down") for _ in range(5)])
    with pytest.raises(TransientError):
        RetryPolicy(retries=2).run(call, what="x", sleep=lambda _s: None)
    assert call.calls == 3
    final = Flaky(ServiceError("refused"))
    with pytest.raises(ServiceError):
        RetryPolicy(retries=2).run(final, what="x", sleep=lambda _s: None)
    assert final.calls == 1


def test_a_call_that_must_not_run_twice_is_repeated_only_when_it_surely_did_not_arrive() -> None:
    never = Flaky(TransientError("refused", maybe_processed=False))
    assert RetryPolicy(retries=2).run(never, what="x", idempotent=False, sleep=lambda _s: None) == "ok"
    maybe = Flaky(TransientError("cut off", maybe_processed=True))
    with pytest.raises(TransientError):
        RetryPolicy(retries=2).run(maybe, what="x", idempotent=False, sleep=lambda _s: None)
    assert maybe.calls == 1


@pytest.mark.parametrize("asked", [MAX_RETRY_AFTER_SECONDS + 1, 3600.0])
def test_a_retry_after_above_the_cap_fails_at_once_keeping_the_servers_value(asked: float) -> None:
    waits: list[float] = []
    call = Flaky(TransientError("rate limited", retry_after=asked, maybe_processed=False, http_status=429))
    with pytest.raises(TransientError) as caught:
        RetryPolicy(retries=4).run(call, what="x", sleep=waits.append)
    assert call.calls == 1 and waits == []
    error = caught.value
    assert error.retry_after == asked and error.http_status == 429 and error.maybe_processed is False
    assert "left to the task's retries" in str(error)


def test_the_async_runner_follows_the_same_rules() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run() -> None:
        flaky = Flaky(TransientError("busy", retry_after=2))

        async def call() -> str:
            return flaky()

        assert await RetryPolicy(retries=1).arun(call, what="x", sleep=sleep) == "ok"
        capped = Flaky(TransientError("later", retry_after=3600))

        async def call_capped() -> str:
            return capped()

        with pytest.raises(TransientError, match="3600s"):
            await RetryPolicy(retries=3).arun(call_capped, what="x", sleep=sleep)

    asyncio.run(run())
    assert waits == [2]


def test_a_request_that_used_up_its_whole_timeout_is_not_retried_inside_the_task() -> None:
    """The timeout bounds the call: a server that slow fails the try at once, for Airflow's retry."""
    from airflow_provider_ileti.clients.http.failures import DEADLINE

    call = Flaky(TransientError("no complete answer within the 2s timeout", code=DEADLINE))
    with pytest.raises(TransientError):
        RetryPolicy(retries=3).run(call, what="x", sleep=lambda _s: None)
    assert call.calls == 1
