"""The sync and async sessions on a scripted socket: no redirect, one deadline, the cap, never-reached."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import requests

from airflow_provider_ileti.clients.http.aio import AsyncHttpSession
from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.errors import AnswerTooLargeError, RedirectRefusedError
from airflow_provider_ileti.clients.http.reached import never_reached
from airflow_provider_ileti.clients.http.settings import HttpSettings
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.core.errors import TransientError, ValidationError

Script = Callable[[socket.socket], None]


@pytest.fixture
def serve() -> Iterator[Callable[[Script], str]]:
    """``serve(script)`` -> a URL whose every connection is handed to ``script`` after the request is read."""
    listeners: list[socket.socket] = []

    def start(script: Script) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def accept() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        def handle(conn: socket.socket) -> None:
            with conn:
                try:
                    conn.recv(65536)
                    script(conn)
                except OSError:
                    pass

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/api"

    yield start
    for listener in listeners:
        listener.close()


def answer(conn: socket.socket, head: str, body: bytes = b"") -> None:
    conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body)


def redirect(conn: socket.socket) -> None:
    answer(
        conn, "HTTP/1.1 307 Temporary Redirect\nLocation: http://127.0.0.2:1/steal?key=k\nContent-Length: 0"
    )


def drip_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
        conn.send(bytes([byte]))
        time.sleep(0.2)


def endless(conn: socket.socket) -> None:
    answer(conn, "HTTP/1.1 200 OK\nContent-Type: application/json")
    while True:
        conn.sendall(b"x" * 65536)


def ok(conn: socket.socket) -> None:
    answer(conn, "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 12", b'{"ok": true}')


SETTINGS = HttpSettings(timeout=1.0, max_answer_bytes=1024 * 1024)


def sync_call(url: str) -> Answer:
    session = HttpSession(SETTINGS, service="t", auth=("user", "secret"))
    try:
        return session.request("POST", url, what="op", json={"n": "905321234567"})
    finally:
        session.close()


def async_call(url: str) -> Answer:
    async def run() -> Answer:
        session = AsyncHttpSession(SETTINGS, service="t", auth=("user", "secret"))
        try:
            return await session.request("POST", url, what="op", json={"n": "905321234567"})
        finally:
            await session.aclose()

    return asyncio.run(run())


CALLS = pytest.mark.parametrize("call", [sync_call, async_call], ids=["sync", "async"])


@CALLS
def test_a_redirect_is_not_followed_and_the_error_names_the_target(serve, call) -> None:
    with pytest.raises(RedirectRefusedError) as caught:
        call(serve(redirect))
    assert "HTTP 307" in str(caught.value) and "http://127.0.0.2:1/steal" in str(caught.value)
    assert "key=k" not in str(caught.value)


@CALLS
def test_the_timeout_is_one_deadline_even_for_headers_sent_a_byte_at_a_time(serve, call) -> None:
    started = time.monotonic()
    with pytest.raises(TransientError, match="within the 1s timeout") as caught:
        call(serve(drip_headers))
    assert time.monotonic() - started < 1.0 + 2.0
    assert caught.value.maybe_processed is True


@CALLS
def test_an_endless_body_stops_at_the_cap(serve, call) -> None:
    with pytest.raises(AnswerTooLargeError):
        call(serve(endless))


@CALLS
def test_a_good_answer_comes_back_whole(serve, call) -> None:
    got = call(serve(ok))
    assert got.status == 200 and got.json() == {"ok": True}


@CALLS
def test_a_refused_connection_surely_never_reached_the_server(call) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientError) as caught:
        call(f"http://127.0.0.1:{port}/api")
    assert caught.value.maybe_processed is False and "nothing was sent" in str(caught.value)


def test_never_reached_is_decided_by_exception_types() -> None:
    assert never_reached(requests.ConnectTimeout())
    assert never_reached(httpx.ConnectError("refused"))
    assert not never_reached(requests.ReadTimeout())
    assert not never_reached(requests.ConnectionError("Connection refused"))  # text is not proof
    assert not never_reached(httpx.ReadTimeout("slow"))


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("timeout", {"timeout": 0}),
        ("retries", {"retries": -1}),
        ("max_answer_bytes", {"max_answer_bytes": 10}),
    ],
)
def test_settings_refuse_nonsense(field: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match=field):
        HttpSettings(**kwargs)  # type: ignore[arg-type]
