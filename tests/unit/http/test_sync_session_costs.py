"""What a sync request no longer pays for: a thread per deadline, and reading the environment every time.

One watchdog thread keeps every request's deadline (a stopped watch never fires, a nearer deadline is not
kept waiting behind a far one, a forked child gets its own); the proxies, CA bundle and ``.netrc`` that
requests' ``trust_env`` would read are still honoured, read once per host of a session.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from airflow_provider_ileti.clients.http import sync
from airflow_provider_ileti.clients.http.settings import HttpSettings
from airflow_provider_ileti.clients.http.sync import HttpSession, _Watchdog
from airflow_provider_ileti.core.errors import TransientError

SETTINGS = HttpSettings(timeout=2.0)
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n" + b'{"ok": true}'


class Recorder:
    """A loopback server answering every request ``{"ok": true}``, keeping each request's head."""

    def __init__(self) -> None:
        self.heads: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            buffer = b""
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    length = next(
                        (
                            int(line.split(b":")[1])
                            for line in head.split(b"\r\n")
                            if line.lower().startswith(b"content-length:")
                        ),
                        0,
                    )
                    buffer = buffer[length:]
                    self.heads.append(head.decode("latin-1"))
                    conn.sendall(OK)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.close()


def test_one_watchdog_thread_keeps_every_deadline(server: Recorder) -> None:
    session = HttpSession(SETTINGS, service="t")
    started: list[str] = []
    original = threading.Thread.start

    def spy(self: threading.Thread) -> None:
        started.append(self.name)
        original(self)

    threading.Thread.start = spy  # type: ignore[method-assign]
    try:
        for _ in range(30):
            assert session.request("GET", f"http://127.0.0.1:{server.port}/x", what="op").json() == {
                "ok": True
            }
    finally:
        threading.Thread.start = original  # type: ignore[method-assign]
        session.close()
    ours = [name for name in started if "_serve" not in name]  # not the test server's own threads
    assert ours in ([], ["ileti-http-deadlines"])  # at most the watchdog, once per process
    assert len(server.heads) == 30


def test_a_watch_fires_at_its_deadline_and_a_stopped_one_never() -> None:
    dog = _Watchdog()
    far = dog.start(30)
    stopped = dog.start(0.05)
    dog.stop(stopped)
    near = dog.start(0.1)  # nearer than ``far``: the thread must not sleep through it
    deadline = time.monotonic() + 2
    while not near.fired and time.monotonic() < deadline:
        time.sleep(0.01)
    assert near.fired and not stopped.fired and not far.fired
    dog.stop(far)


def test_ended_watches_do_not_pile_up() -> None:
    dog = _Watchdog()
    for _ in range(3 * dog.COMPACT_AT):
        dog.stop(dog.start(60))
    assert len(dog._heap) <= dog.COMPACT_AT + 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_gets_its_own_watchdog(server: Recorder) -> None:
    session = HttpSession(SETTINGS, service="t")
    session.request("GET", f"http://127.0.0.1:{server.port}/parent", what="op")  # the parent's thread runs
    parent_dog = sync._WATCHDOG
    pid = os.fork()
    if pid == 0:  # the child: a request must still have a working deadline keeper
        ok = False
        try:
            child = HttpSession(SETTINGS, service="t")
            ok = child.request("GET", f"http://127.0.0.1:{server.port}/child", what="op").status == 200
            ok = ok and sync._WATCHDOG is not parent_dog
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    session.close()
    assert os.waitstatus_to_exitcode(status) == 0


def test_proxies_from_the_environment_are_honoured(server: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = HttpSession(SETTINGS, service="t")
    try:
        for _ in range(2):
            assert session.request("GET", "http://sms.example.invalid/api/x", what="op").status == 200
    finally:
        session.close()
    assert [h.split("\r\n")[0] for h in server.heads] == ["GET http://sms.example.invalid/api/x HTTP/1.1"] * 2


def test_no_proxy_and_the_environment_is_read_once_per_host(
    server: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    session = HttpSession(SETTINGS, service="t")
    try:
        assert session.request("GET", f"http://127.0.0.1:{server.port}/x", what="op").status == 200
        monkeypatch.setenv("NO_PROXY", "")  # read once per host: this session keeps going direct
        assert session.request("GET", f"http://127.0.0.1:{server.port}/x", what="op").status == 200
    finally:
        session.close()
    fresh = HttpSession(SETTINGS, service="t")  # a new session reads it again: the proxy now
    try:
        with pytest.raises(TransientError):
            fresh.request("GET", f"http://127.0.0.1:{server.port}/x", what="op")
    finally:
        fresh.close()
    assert len(server.heads) == 2


def test_the_ca_bundle_and_netrc_of_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine sms.example.com login user password pw\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    plain = HttpSession(SETTINGS, service="t")
    assert plain._environment("https://sms.example.com/api") == {
        "verify": "/etc/ssl/bundle.pem",
        "auth": ("user", "pw"),
    }
    own = HttpSession(HttpSettings(verify_ssl=False), service="t", auth=("api", "key"))
    assert own._environment("https://sms.example.com/api") == {}  # its own auth, no verification asked
