"""A scripted server on loopback, and a second host that records whatever reaches it (stdlib only).

``Scripted`` answers every request with what the test set (status, headers, body, a delay before the
answer) and counts the requests; ``OtherHost`` listens on another loopback address (127.0.0.2) and keeps
the raw bytes of every request, so a test can prove that no credential or number went there.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Mapping


class _Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class Scripted:
    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.headers: dict[str, str] = {"Content-Type": "text/xml"}
        #: Seconds to wait after reading the request, before answering (a slow server).
        self.delay = 0.0
        self.hits = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.hits += 1
                if server.delay:
                    time.sleep(server.delay)
                self.send_response(server.status)
                for name, value in server.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            do_POST = _answer
            do_GET = _answer

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def answer(self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None) -> None:
        self.status, self.body = status, body
        self.headers = {"Content-Type": "text/xml", **(headers or {})}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class OtherHost:
    """Another host (127.0.0.2): records the raw bytes of every connection and answers 200 ``{}``."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.2", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def steal_url(self) -> str:
        return f"http://127.0.0.2:{self.port}/steal?x=1"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                data = b""
                try:
                    while chunk := conn.recv(65536):
                        data += chunk
                        if b"\r\n\r\n" in data:
                            break
                except OSError:
                    pass
                self.received.append(data)
                with contextlib.suppress(OSError):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
