"""The shared HTTP layer under both İleti Merkezi clients: no redirect followed (the key and hash stay home),
a long ``Retry-After`` fails at once for Airflow's retry, and a send that timed out is never repeated."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import pytest

from airflow_provider_ileti.clients.http import RedirectRefusedError
from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient
from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.core.errors import AmbiguousSendError, TransientError
from tests.integration.iletimerkezi.loopback import OtherHost, Scripted

KEY, HASH = "key-4f2a9c", "hash-0b7e51d3"
NUMBER = "5321234567"
ACCEPTED = b"<response><status><code>200</code></status><order><id>42</id></order></response>"


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


def _client(server: Scripted, waits: list[float] | None = None, **kwargs: object) -> IletiMerkeziClient:
    return IletiMerkeziClient(
        server.base + "/v1",
        key=KEY,
        api_hash=HASH,
        default_sender="APITEST",
        sleep=(waits if waits is not None else []).append,
        **kwargs,  # type: ignore[arg-type]
    )


def _async_client(server: Scripted) -> AsyncIletiMerkeziStatusClient:
    return AsyncIletiMerkeziStatusClient(server.base + "/v1", key=KEY, api_hash=HASH, retries=2)


CALLS = {
    "send": lambda c: c.send_sms("Kodunuz 482913", [NUMBER]),
    "get-send": lambda c: c.send_via_get("Kodunuz 482913", [NUMBER]),
    "read": lambda c: c.get_balance(),
}


# -- redirects ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_redirect_to_another_host_is_not_followed_and_named(server, other, call, status):
    server.answer(status, headers={"Location": other.steal_url})
    with pytest.raises(RedirectRefusedError) as info:
        CALLS[call](_client(server))
    text = str(info.value)
    assert f"HTTP {status}" in text and f"127.0.0.2:{other.port}/steal" in text
    assert "x=1" not in text  # the target's query is not shown
    assert KEY not in text and HASH not in text and NUMBER not in text
    assert other.received == []  # nothing, not the key, the hash or a number, went to the other host
    assert server.hits == 1  # final: not retried


async def test_the_async_client_does_not_follow_a_redirect(server, other):
    server.answer(307, headers={"Location": other.steal_url})
    aclient = _async_client(server)
    try:
        with pytest.raises(RedirectRefusedError, match=f"127.0.0.2:{other.port}/steal"):
            await aclient.get_statuses(["7"])
    finally:
        await aclient.aclose()
    assert other.received == [] and server.hits == 1


# -- Retry-After above the policy's cap --------------------------------------------------------------------
def _retry_after(kind: str) -> str:
    return "3600" if kind == "seconds" else email.utils.formatdate(time.time() + 3600, usegmt=True)


@pytest.mark.parametrize("kind", ["seconds", "http-date"])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_429_asking_for_an_hour_fails_at_once(server, call, kind):
    """Not waited out in the task (nor cut to the cap): the error carries the wait for Airflow's retry."""
    server.answer(
        429, b"Too Many Requests", {"Content-Type": "text/plain", "Retry-After": _retry_after(kind)}
    )
    waits: list[float] = []
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        CALLS[call](_client(server, waits))
    assert time.monotonic() - started < 2
    assert info.value.retry_after == pytest.approx(3600, abs=5)
    assert info.value.maybe_processed is False and info.value.code == "429"
    assert "task's retries" in str(info.value)
    assert waits == [] and server.hits == 1


@pytest.mark.parametrize("kind", ["seconds", "http-date"])
async def test_the_async_client_fails_at_once_on_an_hours_retry_after(server, kind):
    server.answer(429, b"", {"Retry-After": _retry_after(kind)})
    aclient = _async_client(server)
    started = time.monotonic()
    try:
        with pytest.raises(TransientError) as info:
            await aclient.get_statuses(["7"])
    finally:
        await aclient.aclose()
    assert time.monotonic() - started < 2
    assert info.value.retry_after == pytest.approx(3600, abs=5) and server.hits == 1


def test_a_short_retry_after_is_waited_and_a_send_retried(server):
    server.answer(429, b"", {"Retry-After": "2"})
    waits: list[float] = []
    client = _client(server, waits, retries=1)
    with pytest.raises(TransientError):
        client.send_sms("Merhaba", [NUMBER])
    assert waits == [2.0] and server.hits == 2  # a 429 refuses before acting: a send may be repeated


# -- a send whose body went out ----------------------------------------------------------------------------
@pytest.mark.parametrize("call", ["send", "get-send"])
def test_a_send_that_times_out_after_the_body_went_out_is_ambiguous_and_not_repeated(server, call):
    server.answer(200, ACCEPTED)
    server.delay = 1.5
    started = time.monotonic()
    with pytest.raises(AmbiguousSendError) as info:
        CALLS[call](_client(server, timeout=0.3, retries=3))
    assert time.monotonic() - started < 0.3 + 2
    text = str(info.value)
    assert "0.3s timeout" in text and "may have reached İleti Merkezi" in text
    assert "90532***4567" in text and NUMBER not in text and "482913" not in text and HASH not in text
    assert server.hits == 1


def test_a_read_that_uses_up_its_timeout_fails_within_it_and_is_left_to_the_task_retry(server):
    server.answer(
        200, b"<response><status><code>200</code></status><balance><sms>5</sms></balance></response>"
    )
    server.delay = 1.0
    started = time.monotonic()
    with pytest.raises(TransientError, match="0.2s timeout"):
        _client(server, timeout=0.2, retries=3).get_balance()
    assert time.monotonic() - started < 0.2 + 2
    assert server.hits == 1
