"""Fixtures and the shared rules of the hostile-server tests.

- ``hostile``: the ``HostileServer`` (one per session, reset before and after every test: new URL prefix,
  no mode, no recorded requests, open connections shut). ``hostile.serve(mode, dialect=..., wsdl=...)``
  picks the behaviour; ``hostile.calls`` / ``hostile.requests`` are what it received.
- ``other_host``: the ``OtherHost`` recorder on 127.0.0.2 (reset per test); ``other_host.received``.

``run_call`` runs one client call in a worker thread with a hard limit (so a client that waits an hour, or
reads a dripping answer for 1000 s, fails the test instead of hanging it), measuring its wall time and,
for the memory modes, its ``tracemalloc`` peak. ``check`` applies the rules of the issue's "Done when" to
the outcome, per mode and per kind of call:

- ``read``: a balance, status or list call (may be retried where the mode allows);
- ``send``: a send without a client id (must not be repeated once it may have arrived);
- ``once``: a single-use call (the OAuth code exchange, a revoke): exactly one request whatever happens.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import sys
import threading
import time
import traceback
import tracemalloc
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

import pytest

from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    IletiError,
    ProtocolError,
    TransientError,
)

from .server import (
    OTHER_HOST,
    PAGE_MARKER,
    PAGE_NUMBER,
    RETRY_AFTER_SECONDS,
    HostileServer,
    OtherHost,
)

#: The four knobs every client takes (``max_answer_bytes`` is left at the client's default unless a test
#: gives it).
TIMEOUT = 2.0
RETRIES = 2
#: "failure within the timeout plus 2 s"
SLACK = 2.0
#: A Retry-After of an hour fails at once: well under this.
RETRY_AFTER_LIMIT = 5.0
RETRY_AFTER_TOLERANCE = 60.0
MEMORY_LIMIT = 50 * 1024 * 1024
#: The worker thread is given this long past the rule's limit before the test gives up on it.
GRACE = 3.0

#: A Turkish mobile number every send carries: its ten national digits must reach no other host and no
#: error message (a masked ``90532***4567`` is fine).
NUMBER = PAGE_NUMBER
NUMBER_DIGITS = NUMBER[2:]
TEXT = "Kampanya kodu GIZLIMETIN4711"

READ_MODES = (
    "redirect",
    "huge",
    "gzip_bomb",
    "html",
    "html_502",
    "truncated",
    "retry_after_seconds",
    "retry_after_date",
)
SEND_MODES = (
    "redirect",
    "redirect_302",
    "redirect_308",
    "huge",
    "huge_unsized",
    "gzip_bomb",
    "deflate_bomb",
    "drip",
    "html",
    "html_502",
    "truncated",
    "retry_after_seconds",
    "retry_after_date",
)
#: A second send call of a client (another code path): the modes that decide "never repeated".
SECOND_SEND_MODES = ("redirect", "drip", "html_502", "truncated")
MEMORY_MODES = frozenset({"huge", "huge_unsized", "gzip_bomb", "deflate_bomb"})
REDIRECT_MODES = frozenset({"redirect", "redirect_302", "redirect_307", "redirect_308"})
RETRY_AFTER_MODES = frozenset({"retry_after_seconds", "retry_after_date"})
DRIP_MODES = frozenset({"drip", "drip_headers"})
#: Modes after which a send may have been accepted: an ``AmbiguousSendError`` and exactly one request.
AMBIGUOUS_SEND_MODES = frozenset(
    {"huge", "huge_unsized", "gzip_bomb", "deflate_bomb", "drip", "drip_headers", "html", "html_502"}
    | {"truncated", "truncated_json", "truncated_xml", "truncated_soap"}
)


def knobs(**overrides: Any) -> dict[str, Any]:
    """The constructor keywords every client takes after the HTTP rewrite."""
    return {"timeout": TIMEOUT, "verify_ssl": True, "retries": RETRIES, **overrides}


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


# -- fixtures --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _servers() -> Iterator[tuple[HostileServer, OtherHost]]:
    other = OtherHost()
    server = HostileServer(other)
    yield server, other
    server.close()
    other.close()


@pytest.fixture
def other_host(_servers: tuple[HostileServer, OtherHost]) -> Iterator[OtherHost]:
    other = _servers[1]
    other.reset()
    yield other
    other.reset()


@pytest.fixture
def hostile(_servers: tuple[HostileServer, OtherHost], other_host: OtherHost) -> Iterator[HostileServer]:
    server = _servers[0]
    server.reset()
    yield server
    server.reset()


# -- running a call --------------------------------------------------------------------------------------
@dataclasses.dataclass
class Outcome:
    mode: str
    kind: str
    result: Any = None
    error: BaseException | None = None
    elapsed: float = 0.0
    #: ``tracemalloc`` peak above the start, in bytes (memory modes only)
    peak: int | None = None


def limit_for(mode: str, timeout: float = TIMEOUT) -> float:
    """The wall time a failure may take in ``mode``."""
    if mode in RETRY_AFTER_MODES:
        return min(timeout + SLACK, RETRY_AFTER_LIMIT)
    return timeout + SLACK


def run_call(
    fn: Callable[[], Any], mode: str, kind: str, *, timeout: float = TIMEOUT, memory: bool | None = None
) -> Outcome:
    """Run ``fn()`` in a daemon thread; fail the test if it is still running past its limit + ``GRACE``."""
    outcome = Outcome(mode=mode, kind=kind)
    measure = mode in MEMORY_MODES if memory is None else memory
    done = threading.Event()

    def target() -> None:
        start = time.monotonic()
        try:
            outcome.result = fn()
        except BaseException as exc:  # noqa: BLE001 — StopIteration and friends are findings too
            outcome.error = exc
        finally:
            outcome.elapsed = time.monotonic() - start
            done.set()

    was_tracing = tracemalloc.is_tracing()
    if measure and not was_tracing:
        tracemalloc.start()
    base = 0
    if measure:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    worker = threading.Thread(target=target, name=f"hostile-call-{mode}", daemon=True)
    started = time.monotonic()
    worker.start()
    limit = limit_for(mode, timeout)
    finished = done.wait(limit + GRACE)
    if measure:
        outcome.peak = tracemalloc.get_traced_memory()[1] - base
        if not was_tracing:
            tracemalloc.stop()
    if not finished:
        pytest.fail(
            f"{kind} in mode {mode!r}: still running after {time.monotonic() - started:.1f}s "
            f"(limit {limit:g}s: timeout {timeout:g}s + {SLACK:g}s) — a per-read timeout, a long "
            f"Retry-After sleep or an unbounded read. Where it is now:\n{_stack_of(worker)}"
        )
    return outcome


def _stack_of(thread: threading.Thread, frames: int = 12) -> str:
    frame = sys._current_frames().get(thread.ident or -1)
    if frame is None:
        return "(finished meanwhile)"
    return "".join(traceback.format_stack(frame)[-frames:])


def run_async(
    make: Callable[[], Coroutine[Any, Any, Any]], mode: str, kind: str = "read", **kwargs: Any
) -> Outcome:
    """``run_call`` for a coroutine: ``asyncio.run`` in the worker thread (its own event loop)."""
    return run_call(lambda: asyncio.run(make()), mode, kind, **kwargs)


# -- the rules -------------------------------------------------------------------------------------------
def error_of(outcome: Outcome) -> BaseException:
    assert outcome.error is not None, (
        f"{outcome.kind} in mode {outcome.mode!r} succeeded with {outcome.result!r}: a hostile answer "
        "must fail"
    )
    return outcome.error


def assert_clean_text(text: str, secrets: Sequence[str], what: str) -> None:
    """No secret, no full number, no message text in ``text``."""
    for secret in (*secrets, NUMBER_DIGITS, TEXT):
        assert secret not in text, f"{what} carries {secret!r}: {text[:600]!r}"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exceptions a traceback of ``exc`` would print after it (``__cause__`` / ``__context__``)."""
    seen: list[BaseException] = []
    current = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return seen


def assert_nothing_reached_other_host(other_host: OtherHost, secrets: Sequence[str]) -> None:
    raw = other_host.raw.decode("latin-1")
    for secret in (*secrets, NUMBER_DIGITS, TEXT):
        assert secret not in raw, f"the other host ({OTHER_HOST}) received {secret!r}:\n{raw[:2000]}"
    assert "authorization:" not in raw.lower(), f"the other host received an Authorization header:\n{raw}"
    assert not other_host.received, (
        f"the client followed the redirect to {OTHER_HOST}: {len(other_host.received)} connection(s):\n"
        f"{raw[:2000]}"
    )


def check(
    outcome: Outcome,
    *,
    hostile: HostileServer,
    other_host: OtherHost,
    secrets: Sequence[str],
    timeout: float = TIMEOUT,
    requests_made: int | None = None,
) -> IletiError:
    """Every rule of the issue for ``outcome``; returns the error for more checks.

    ``requests_made``: the number of hostile requests the call made (default ``len(hostile.calls)``;
    a SOAP call's WSDL GET is not one of them)."""
    mode, kind = outcome.mode, outcome.kind
    exc = error_of(outcome)
    count = len(hostile.calls) if requests_made is None else requests_made
    text = f"{exc}"
    assert isinstance(exc, IletiError), (
        f"{kind} in mode {mode!r} raised a bare {type(exc).__module__}.{type(exc).__name__} "
        f"instead of an IletiError: {text[:300]!r}"
    )
    assert_clean_text(text, secrets, f"the error of {kind} in mode {mode!r}")
    assert_clean_text(repr(exc), secrets, f"repr of the error of {kind} in mode {mode!r}")
    for inner in _chain(exc):  # a task log prints the whole chain of a traceback
        assert_clean_text(
            f"{type(inner).__name__}: {inner}", secrets, f"a chained exception of {kind} in mode {mode!r}"
        )
    assert_nothing_reached_other_host(other_host, secrets)
    limit = limit_for(mode, timeout)
    assert outcome.elapsed < limit, (
        f"{kind} in mode {mode!r} failed after {outcome.elapsed:.2f}s, more than {limit:g}s: {text[:200]}"
    )
    if mode in REDIRECT_MODES:
        assert OTHER_HOST in text, f"the error does not name the redirect target {OTHER_HOST}: {text!r}"
        assert count == 1, f"a redirect answer was asked {count} times"
    if mode in MEMORY_MODES:
        assert outcome.peak is not None
        assert outcome.peak < MEMORY_LIMIT, (
            f"{kind} in mode {mode!r} held {outcome.peak / 2**20:.0f} MB (tracemalloc peak; "
            f"limit {MEMORY_LIMIT / 2**20:.0f} MB)"
        )
        if kind == "read":
            assert isinstance(exc, ProtocolError), (
                f"a read of an oversized answer should be a ProtocolError, got {type(exc).__name__}: {text}"
            )
    if mode.startswith("html"):
        status = "502" if mode == "html_502" else "200"
        assert status in text, f"the error does not give the HTTP status {status}: {text!r}"
        assert "text/html" in text, f"the error does not give the content type text/html: {text!r}"
        assert PAGE_MARKER in text, f"the error shows no excerpt of the page ({PAGE_MARKER!r}): {text!r}"
    if mode in RETRY_AFTER_MODES:
        assert isinstance(exc, TransientError), (
            f"a 429 should be a TransientError, got {type(exc).__name__}: {text}"
        )
        assert exc.retry_after is not None, f"the TransientError lost the Retry-After: {text}"
        assert abs(exc.retry_after - RETRY_AFTER_SECONDS) <= RETRY_AFTER_TOLERANCE, (
            f"retry_after={exc.retry_after!r}, expected about {RETRY_AFTER_SECONDS}"
        )
        assert count == 1, f"a 429 with Retry-After: one hour was asked {count} times"
    if kind == "send" and mode in AMBIGUOUS_SEND_MODES:
        assert isinstance(exc, AmbiguousSendError), (
            f"a send in mode {mode!r} may have been accepted: expected AmbiguousSendError, "
            f"got {type(exc).__name__}: {text}"
        )
    if kind in ("send", "once") and mode not in RETRY_AFTER_MODES:
        assert count == 1, f"{kind} in mode {mode!r} reached the server {count} times (never repeat it)"
    return exc
