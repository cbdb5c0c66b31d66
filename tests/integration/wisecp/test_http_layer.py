"""The shared HTTP layer under both WISECP clients: no redirect followed (the user token stays home), a long
``Retry-After`` fails at once for Airflow's retry (no longer cut to 60 s), a submit that timed out is never
repeated, and an answer of the wrong kind says what came."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Iterator

import pytest

from airflow_provider_ileti.clients.http import (
    AnswerTooLargeError,
    RedirectRefusedError,
    WrongAnswerKindError,
)
from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient
from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import AmbiguousSendError, TransientError
from tests.integration.iletimerkezi.loopback import OtherHost, Scripted

TOKEN = "user-token-5d1c7e"
NUMBER = "+44 7400 123456"
JSON = {"Content-Type": "application/json"}
SUBMITTED = json.dumps({"status": "successful", "report_id": 1001}).encode()


@pytest.fixture
def server() -> Iterator[Scripted]:
    scripted = Scripted()
    yield scripted
    scripted.close()


@pytest.fixture
def other() -> Iterator[OtherHost]:
    host = OtherHost()
    yield host
    host.close()


def _client(server: Scripted, waits: list[float] | None = None, **kwargs: object) -> WisecpClient:
    return WisecpClient(
        server.base + "/api/sms",
        TOKEN,
        default_sender="ILETI",
        sleep=(waits if waits is not None else []).append,
        **kwargs,  # type: ignore[arg-type]
    )


CALLS = {
    "submit": lambda c: c.submit([NUMBER], "Kodunuz 482913"),
    "read": lambda c: c.balance(),
}


# -- redirects ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_redirect_to_another_host_is_not_followed_and_named(server, other, call, status):
    server.answer(status, headers={"Location": other.steal_url})
    with pytest.raises(RedirectRefusedError) as info:
        CALLS[call](_client(server))
    text = str(info.value)
    assert f"HTTP {status}" in text and f"127.0.0.2:{other.port}/steal" in text and "x=1" not in text
    assert TOKEN not in text and "7400123456" not in text
    assert other.received == []  # neither the user token nor a number went to the other host
    assert server.hits == 1


async def test_the_async_client_does_not_follow_a_redirect(server, other):
    server.answer(307, headers={"Location": other.steal_url})
    aclient = AsyncWisecpStatusClient(server.base + "/api/sms", TOKEN)
    try:
        with pytest.raises(RedirectRefusedError, match=f"127.0.0.2:{other.port}/steal"):
            await aclient.get_statuses(["1001"])
    finally:
        await aclient.aclose()
    assert other.received == [] and server.hits == 1


# -- Retry-After above the policy's cap --------------------------------------------------------------------
def _retry_after(kind: str) -> str:
    return "3600" if kind == "seconds" else email.utils.formatdate(time.time() + 3600, usegmt=True)


@pytest.mark.parametrize("kind", ["seconds", "http-date"])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_429_asking_for_an_hour_fails_at_once(server, call, kind):
    """Before, the client waited 60 s (the wait cut to its cap) and asked again, to be refused again."""
    server.answer(429, b"", {**JSON, "Retry-After": _retry_after(kind)})
    waits: list[float] = []
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        CALLS[call](_client(server, waits))
    assert time.monotonic() - started < 2
    assert info.value.retry_after == pytest.approx(3600, abs=5) and info.value.maybe_processed is False
    assert "task's retries" in str(info.value)
    assert waits == [] and server.hits == 1


@pytest.mark.parametrize("kind", ["seconds", "http-date"])
async def test_the_async_client_fails_at_once_on_an_hours_retry_after(server, kind):
    server.answer(429, b"", {**JSON, "Retry-After": _retry_after(kind)})
    aclient = AsyncWisecpStatusClient(server.base + "/api/sms", TOKEN)
    started = time.monotonic()
    try:
        with pytest.raises(TransientError) as info:
            await aclient.get_statuses(["1001"])
    finally:
        await aclient.aclose()
    assert time.monotonic() - started < 2
    assert info.value.retry_after == pytest.approx(3600, abs=5) and server.hits == 1


# -- a submit whose body went out --------------------------------------------------------------------------
def test_a_submit_that_times_out_after_the_body_went_out_is_ambiguous_and_not_repeated(server):
    server.answer(200, SUBMITTED, JSON)
    server.delay = 1.5
    started = time.monotonic()
    with pytest.raises(AmbiguousSendError) as info:
        CALLS["submit"](_client(server, timeout=0.3, retries=3))
    assert time.monotonic() - started < 0.3 + 2
    text = str(info.value)
    assert "0.3s timeout" in text and "may have reached WISECP" in text and "44740***3456" in text
    assert "447400123456" not in text and "482913" not in text and TOKEN not in text
    assert server.hits == 1


def test_an_answer_too_large_for_a_submit_is_ambiguous(server):
    server.answer(200, b'{"status": "successful", "report_id": 1001, "pad": "' + b"x" * 4096 + b'"}', JSON)
    with pytest.raises(AmbiguousSendError, match="larger than 1024 bytes"):
        CALLS["submit"](_client(server, max_answer_bytes=1024))
    assert server.hits == 1


def test_an_answer_too_large_for_a_read_names_the_extra(server):
    server.answer(200, b'{"status": "successful", "balance": 1, "pad": "' + b"x" * 4096 + b'"}', JSON)
    with pytest.raises(AnswerTooLargeError, match="max_answer_bytes"):
        CALLS["read"](_client(server, max_answer_bytes=1024))


def test_an_html_page_is_a_clear_error_with_a_masked_excerpt(server):
    page = b"<!DOCTYPE html><html><body><h1>Panel login</h1><p>Destek: 905321234567</p></body></html>"
    server.answer(200, page, {"Content-Type": "text/html"})
    with pytest.raises(WrongAnswerKindError) as info:
        CALLS["read"](_client(server))
    text = str(info.value)
    assert "expected JSON, got HTTP 200, text/html" in text and "Panel login" in text
    assert "905321234567" not in text
