"""Run the sandbox in a background thread (tests, benchmarks) or in the foreground (the CLI)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Callable
from typing import Any

from airflow_provider_ileti.sandbox.context import Sandbox


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (racy: another process may take it before you bind it).

    ``SandboxServer(port=0)`` and ``ileti-sandbox --port 0`` do not use it: they bind port 0 and read the
    port the kernel gave them. Kept for callers that must know a port before starting a process.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class SandboxServer:
    """The sandbox on ``host:port`` in a thread with its own event loop.

    >>> with SandboxServer(speed=60) as server:
    ...     server.url            # http://127.0.0.1:PORT
    ...     server.connections()  # conn_id -> Airflow connection dict, for AIRFLOW_CONN_* or a Connection

    ``port=0`` (the default) binds any free port; ``port``, ``url``, ``connections()`` and ``env()`` give the
    real one once the server is listening (after ``start()``, or when ``serve()`` calls ``on_ready``).
    ``journal_size`` bounds the request journal (default ``journal.DEFAULT_MAXLEN`` entries, newest kept).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        seed: int = 0,
        journal_size: int | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sandbox = Sandbox(speed=speed, seed=seed, journal_size=journal_size)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def connections(self) -> dict[str, dict[str, Any]]:
        from airflow_provider_ileti.sandbox.app import service_modules

        conns: dict[str, dict[str, Any]] = {}
        for module in service_modules():
            conns.update(module.connections(self.url))
        # The port is in every host URL already; saying it again lets Airflow 3.3.0-3.3.2's Test button
        # test the saved connection (``connection_forms.TEST_BUTTON_NEEDS_PORT``).
        return {cid: {**conn, "port": self.port} for cid, conn in conns.items()}

    def env(self) -> dict[str, str]:
        """``AIRFLOW_CONN_<ID>`` variables (JSON form) for every sandbox connection."""
        return {f"AIRFLOW_CONN_{cid.upper()}": json.dumps(c) for cid, c in self.connections().items()}

    async def serve(
        self, stop: asyncio.Event, on_ready: Callable[[SandboxServer], None] | None = None
    ) -> None:
        """Listen (an ``OSError`` if the port is taken), call ``on_ready``, serve until ``stop`` is set."""
        from aiohttp import web

        from airflow_provider_ileti.sandbox.app import build_app

        runner = web.AppRunner(build_app(self.sandbox), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
            await site.start()
            self.port = int(runner.addresses[0][1])  # the bound port: the real one when port was 0
            if on_ready is not None:
                on_ready(self)
            self._ready.set()
            await stop.wait()
        finally:
            await runner.cleanup()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._stop = asyncio.Event()
        try:
            loop.run_until_complete(self.serve(self._stop))
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._run, name="ileti-sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("sandbox did not start within 30 s")
        if self._error is not None:
            raise RuntimeError(f"sandbox failed to start: {self._error}") from self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
