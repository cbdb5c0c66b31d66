"""A one-shot loopback listener for the OAuth redirect (RFC 8252 §7.3: http on 127.0.0.1, any port).

It binds 127.0.0.1 on a random free port, answers the first request to its path with a short page and
hands the full redirect URL back. The page says nothing about the key (there is none yet: only a code).
"""

from __future__ import annotations

import http.server
import threading
from typing import Any

CALLBACK_PATH = "/callback"
PAGE = (
    b"<!doctype html><meta charset=utf-8><title>ileti-connect</title>"
    b"<p>Authorization received. You can close this window and return to the terminal.</p>"
)


class LoopbackListener:
    """``with LoopbackListener() as listener: ... listener.wait(timeout)`` -> the redirect URL."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._received = threading.Event()
        self._url: str | None = None
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if not self.path.startswith(CALLBACK_PATH):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)
                if outer._url is None:
                    outer._url = f"http://{host}:{outer.port}{self.path}"
                    outer._received.set()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return None  # the query carries the code: never print it

        self._server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.port = int(self._server.server_address[1])
        self.redirect_uri = f"http://{host}:{self.port}{CALLBACK_PATH}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="ileti-connect-loopback", daemon=True
        )

    def __enter__(self) -> LoopbackListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> str | None:
        """The redirect URL, or None when nothing came in ``timeout`` seconds."""
        self._received.wait(timeout)
        return self._url
