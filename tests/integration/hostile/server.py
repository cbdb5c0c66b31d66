"""A hostile HTTP server on loopback, and a second "other host" that records what reaches it (stdlib only).

``HostileServer`` listens on 127.0.0.1 (a free port); ``OtherHost`` listens on **127.0.0.2**, another
loopback host, records every raw byte it receives (request line, headers, body) and answers 200 ``{}``.

A test picks the hostile behaviour with ``server.serve(mode, dialect=..., wsdl=...)``. Modes:

``redirect`` (also ``redirect_307``), ``redirect_302``, ``redirect_308``
    that status with ``Location: http://127.0.0.2:<port>/steal?x=1`` (the other host).
``huge``
    200, the dialect's content type, ``Content-Length`` of 500 MB, a body streamed from one small chunk
    (never built in memory); writing stops quietly when the client hangs up.
``huge_unsized``
    the same 500 MB with no ``Content-Length`` (the body ends when the connection closes).
``gzip_bomb`` / ``deflate_bomb``
    200, ``Content-Encoding: gzip`` (or ``deflate``), ~1 MB on the wire that inflates to 1 GiB of zeros.
``drip``
    status and headers at once (200, ``Content-Length: 1000``), then the body one byte a second.
``drip_headers``
    the status line and headers themselves one byte a second.
``html`` / ``html_502``
    200 (or 502) ``text/html`` with an error page carrying the phone number ``905321234567``.
``truncated`` (and ``truncated_json``, ``truncated_xml``, ``truncated_soap``, which also set the dialect)
    200 with a well-framed HTTP answer whose JSON / XML / SOAP document is cut in the middle.
``retry_after_seconds`` / ``retry_after_date``
    429 with ``Retry-After: 3600`` / an HTTP-date one hour ahead.

``dialect`` is the service's answer format: ``json`` (``application/json``), ``xml`` (``text/xml``, İleti
Merkezi) or ``soap`` (a SOAP envelope); it decides the content type and the start of huge, dripped and cut
bodies. ``wsdl``: by default (``"real"``) a ``GET …?wsdl`` is answered with a real Node WSDL (from
``sandbox/services/node/wsdl.py``) and the mode applies to every other request, so a SOAP test reaches the
POST; ``wsdl="hostile"`` applies the mode to the WSDL GET as well.

Every request is recorded (``server.requests``: method, path, headers, body); ``server.calls`` leaves out
the WSDL GETs. ``reset()`` starts a new *epoch*: the base URL gets a new path prefix (``/r<n>``), so a late
request from an earlier test (a client still sleeping out a ``Retry-After``) is answered 410 and never
counted, and every open connection is shut so a client still reading a dripping answer is released.

Memory breaker: while ``tracemalloc`` traces (the memory tests), the server stops writing a huge or bomb
body once the process holds more than ``MEMORY_BREAKER_BYTES``; a client that reads everything then fails
its "< 50 MB" assertion without costing the machine gigabytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import functools
import socket
import socketserver
import struct
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOST = "127.0.0.1"
OTHER_HOST = "127.0.0.2"

#: The number every error page carries; an error message may show it masked, never whole.
PAGE_NUMBER = "905321234567"
#: Words at the start of the HTML page: a client's error should quote an excerpt that shows them.
PAGE_MARKER = "Upstream gateway error"
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    f"<h1>{PAGE_MARKER}</h1><p>Destek hattı: {PAGE_NUMBER} (7/24)</p>"
    "<p>" + "Lütfen daha sonra tekrar deneyin. " * 40 + "</p></body></html>"
).encode()

HUGE_BYTES = 500 * 1024 * 1024
BOMB_BYTES = 1024 * 1024 * 1024
DRIP_LENGTH = 1000
DRIP_INTERVAL = 1.0
#: A dripping answer never lasts longer than this, whatever the client does.
DRIP_MAX_SECONDS = 120.0
RETRY_AFTER_SECONDS = 3600
MEMORY_BREAKER_BYTES = 300 * 1024 * 1024
_CHUNK = 64 * 1024
_BOMB_PIECE = 16 * 1024

DIALECTS = {
    "json": "application/json",
    "xml": "text/xml; charset=utf-8",
    "soap": "text/xml; charset=utf-8",
}
_SOAP_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>'
)
#: The start of a body that never ends (huge, drip): valid so far, then padding.
_OPENINGS = {
    "json": b'{"err": null, "data": ',
    "xml": b'<?xml version="1.0" encoding="UTF-8"?><response><status><code>200</code><message>',
    "soap": _SOAP_OPEN,
}
_TRUNCATED = {
    "json": b'{"err": null, "data": {"pkgID": 12',
    "xml": b'<?xml version="1.0" encoding="UTF-8"?><response><status><code>200</code>',
    "soap": _SOAP_OPEN
    + b'<tns:sendSmsResponse xmlns:tns="http://127.0.0.1/wsdl/sms"><result><err xsi:nil="true"/>'
    b"<data><pkgID>12",
}

REDIRECTS = {"redirect": 307, "redirect_307": 307, "redirect_302": 302, "redirect_308": 308}
MODES = (
    *REDIRECTS,
    "huge",
    "huge_unsized",
    "gzip_bomb",
    "deflate_bomb",
    "drip",
    "drip_headers",
    "html",
    "html_502",
    "truncated",
    "truncated_json",
    "truncated_xml",
    "truncated_soap",
    "retry_after_seconds",
    "retry_after_date",
)


@functools.cache
def _deflate_bomb() -> tuple[bytes, int, int]:
    """Raw deflate of ``BOMB_BYTES`` zeros, its CRC-32 and Adler-32.

    1 MiB of zeros is compressed once and ended with a sync flush: that block refers to nothing before
    it, so repeating it 1024 times and closing with an empty final block is a valid stream (0.5 s instead
    of compressing 1 GiB)."""
    piece = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH)
    repeats = BOMB_BYTES // len(piece)
    raw = block * repeats + b"\x03\x00"  # an empty final block with fixed Huffman codes
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(piece, crc)
    adler = ((BOMB_BYTES % 65521) << 16) | 1  # Adler-32 of zeros: a = 1, b = n
    return raw, crc, adler


def gzip_bomb() -> bytes:
    raw, crc, _adler = _deflate_bomb()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + raw + struct.pack("<II", crc, BOMB_BYTES & 0xFFFFFFFF)


def deflate_bomb() -> bytes:
    """``Content-Encoding: deflate`` as HTTP means it: a zlib stream."""
    raw, _crc, adler = _deflate_bomb()
    return b"\x78\xda" + raw + struct.pack(">I", adler)


@functools.cache
def _bombs() -> dict[str, bytes]:
    return {"gzip": gzip_bomb(), "deflate": deflate_bomb()}


def wsdl_document(host: str, location: str) -> bytes:
    from airflow_provider_ileti.sandbox.services.node.wsdl import render_wsdl

    return render_wsdl(host, location).encode()


class _Gone(Exception):
    """The client hung up, the test ended, or the memory breaker tripped: stop writing."""


@dataclasses.dataclass(frozen=True)
class Request:
    """One request the hostile server received. ``path`` is below the test's prefix, with its query."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def is_wsdl(self) -> bool:
        query = urlsplit(self.path).query.lower()
        return self.method == "GET" and "wsdl" in query.split("&")


@dataclasses.dataclass(frozen=True)
class Plan:
    mode: str
    dialect: str = "json"
    wsdl: str = "real"


class HostileServer:
    """See the module docstring. ``base_url`` changes with every ``reset()``."""

    def __init__(self, other: OtherHost) -> None:
        self.other = other
        self._lock = threading.Lock()
        self._epoch = 0
        self._plan: Plan | None = None
        self._requests: list[Request] = []
        self._stop = threading.Event()
        self._open: set[socket.socket] = set()
        #: late requests from an earlier epoch (answered 410, not recorded)
        self.stale = 0
        wsdl_document(HOST, "http://127.0.0.1/node/soap")  # imports the WSDL module now, not in a test
        self._httpd = ThreadingHTTPServer((HOST, 0), _HostileHandler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="hostile-server", daemon=True
        )
        self._thread.start()

    # -- the test's side --------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return f"/r{self._epoch}"

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}{self.prefix}"

    def url(self, path: str = "") -> str:
        return self.base_url + (path if not path or path.startswith("/") else "/" + path)

    @property
    def redirect_target(self) -> str:
        return self.other.url("/steal?x=1")

    def serve(self, mode: str, *, dialect: str = "json", wsdl: str = "real") -> None:
        """Answer every request of this test with ``mode`` (a WSDL GET too when ``wsdl="hostile"``)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        if mode.startswith("truncated_"):
            dialect = mode.removeprefix("truncated_")
            mode = "truncated"
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
        if wsdl not in ("real", "hostile"):
            raise ValueError("wsdl must be 'real' or 'hostile'")
        if mode.endswith("_bomb"):
            _bombs()  # built before the test measures anything
        with self._lock:
            self._plan = Plan(mode, dialect, wsdl)

    @property
    def requests(self) -> list[Request]:
        """Every request of this epoch, WSDL GETs included."""
        with self._lock:
            return list(self._requests)

    @property
    def calls(self) -> list[Request]:
        """The requests of this epoch that are not a WSDL GET (what a client's call sent)."""
        return [r for r in self.requests if not r.is_wsdl]

    def reset(self) -> None:
        with self._lock:
            self._stop.set()
            self._stop = threading.Event()
            self._epoch += 1
            self._plan = None
            self._requests = []
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.reset()
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- the handler's side -----------------------------------------------------------------------
    def _accept(self, handler: _HostileHandler, body: bytes) -> tuple[Plan | None, threading.Event] | None:
        """Record the request if it belongs to this epoch; None for a stale one."""
        path = handler.path
        with self._lock:
            prefix = self.prefix
            if not (path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "?")):
                self.stale += 1
                return None
            headers = {k.lower(): v for k, v in handler.headers.items()}
            self._requests.append(Request(handler.command, path[len(prefix) :] or "/", headers, body))
            return self._plan, self._stop


class _HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile"
    sys_version = ""
    timeout = 30  # a client that neither reads nor hangs up cannot hold a thread for ever

    @property
    def owner(self) -> HostileServer:
        return self.server.owner  # type: ignore[attr-defined,no-any-return]

    def setup(self) -> None:
        super().setup()
        with self.owner._lock:
            self.owner._open.add(self.connection)

    def finish(self) -> None:
        with self.owner._lock:
            self.owner._open.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        self.close_connection = True
        body = self._read_body()
        accepted = self.owner._accept(self, body)
        try:
            if accepted is None:
                self._simple(410, "text/plain", b"stale request from an earlier test")
                return
            plan, stop = accepted
            request_is_wsdl = Request(self.command, self.path, {}, b"").is_wsdl
            if request_is_wsdl and (plan is None or plan.wsdl == "real"):
                host = self.headers.get("Host") or f"{HOST}:{self.owner.port}"
                location = f"http://{host}{urlsplit(self.path).path}"
                self._simple(200, "text/xml; charset=utf-8", wsdl_document(host, location))
                return
            if plan is None:
                self._simple(500, "text/plain", b"hostile server: no mode chosen for this test")
                return
            _BEHAVIOURS[plan.mode](self, plan, stop)
        except (_Gone, OSError):
            return

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    # -- writing ----------------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        try:
            self.connection.sendall(data)
        except OSError:
            raise _Gone from None

    def _head(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        reason = self.responses.get(status, ("Hostile",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers), "Connection: close"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _simple(
        self, status: int, content_type: str, body: bytes, extra: list[tuple[str, str]] | None = None
    ) -> None:
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *(extra or [])]
        self._send(self._head(status, headers) + (b"" if self.command == "HEAD" else body))

    def _stream(self, stop: threading.Event, data_iter: object) -> None:
        """Write chunks until done, the test ends, the client hangs up or the memory breaker trips."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        for chunk in data_iter:  # type: ignore[attr-defined]
            if stop.is_set() or _memory_breaker():
                raise _Gone
            self._send(chunk)


def _memory_breaker() -> bool:
    return tracemalloc.is_tracing() and tracemalloc.get_traced_memory()[0] > MEMORY_BREAKER_BYTES


def _padding(opening: bytes, total: int) -> object:
    yield opening
    sent = len(opening)
    chunk = b" " * _CHUNK
    while sent < total:
        piece = chunk if total - sent >= _CHUNK else chunk[: total - sent]
        yield piece
        sent += len(piece)


def _redirect(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    status = REDIRECTS[plan.mode]
    h._simple(status, "text/plain", b"", [("Location", h.owner.redirect_target)])


def _huge(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    headers = [("Content-Type", DIALECTS[plan.dialect])]
    if plan.mode == "huge":
        headers.append(("Content-Length", str(HUGE_BYTES)))
    h._send(h._head(200, headers))
    h._stream(stop, _padding(_OPENINGS[plan.dialect], HUGE_BYTES))


def _bomb(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    encoding = "gzip" if plan.mode == "gzip_bomb" else "deflate"
    data = _bombs()[encoding]
    headers = [
        ("Content-Type", DIALECTS[plan.dialect]),
        ("Content-Encoding", encoding),
        ("Content-Length", str(len(data))),
    ]
    h._send(h._head(200, headers))
    view = memoryview(data)
    h._stream(stop, (view[i : i + _BOMB_PIECE] for i in range(0, len(data), _BOMB_PIECE)))


def _drip_bytes(h: _HostileHandler, stop: threading.Event, data: bytes) -> None:
    deadline = time.monotonic() + DRIP_MAX_SECONDS
    for i in range(len(data)):
        if i and (stop.wait(DRIP_INTERVAL) or time.monotonic() > deadline):
            raise _Gone
        h._send(data[i : i + 1])


def _drip(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    body = b"".join(_padding(_OPENINGS[plan.dialect], DRIP_LENGTH))  # type: ignore[arg-type]
    h._send(h._head(200, [("Content-Type", DIALECTS[plan.dialect]), ("Content-Length", str(len(body)))]))
    _drip_bytes(h, stop, body)


def _drip_headers(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    body = b"{}" if plan.dialect == "json" else _TRUNCATED[plan.dialect]
    head = h._head(200, [("Content-Type", DIALECTS[plan.dialect]), ("Content-Length", str(len(body)))])
    _drip_bytes(h, stop, head + body)


def _html(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    h._simple(502 if plan.mode == "html_502" else 200, "text/html; charset=utf-8", HTML_PAGE)


def _truncated(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    h._simple(200, DIALECTS[plan.dialect], _TRUNCATED[plan.dialect])


def retry_after_date(seconds: int = RETRY_AFTER_SECONDS) -> str:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return email.utils.format_datetime(when, usegmt=True)


def _retry_after(h: _HostileHandler, plan: Plan, stop: threading.Event) -> None:
    value = str(RETRY_AFTER_SECONDS) if plan.mode == "retry_after_seconds" else retry_after_date()
    h._simple(429, "text/plain", b"Too Many Requests", [("Retry-After", value)])


_BEHAVIOURS = {
    **dict.fromkeys(REDIRECTS, _redirect),
    "huge": _huge,
    "huge_unsized": _huge,
    "gzip_bomb": _bomb,
    "deflate_bomb": _bomb,
    "drip": _drip,
    "drip_headers": _drip_headers,
    "html": _html,
    "html_502": _html,
    "truncated": _truncated,
    "retry_after_seconds": _retry_after,
    "retry_after_date": _retry_after,
}


class OtherHost:
    """The redirect target on 127.0.0.2: records every connection's raw bytes, answers 200 ``{}``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[bytes] = []
        self._server = socketserver.ThreadingTCPServer((OTHER_HOST, 0), _RecorderHandler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="other-host", daemon=True
        )
        self._thread.start()

    def url(self, path: str = "") -> str:
        return f"http://{OTHER_HOST}:{self.port}{path}"

    @property
    def received(self) -> list[bytes]:
        """The raw bytes of every connection made to this host (one item per connection)."""
        with self._lock:
            return list(self._received)

    @property
    def raw(self) -> bytes:
        return b"".join(self.received)

    def _record(self, data: bytes) -> None:
        with self._lock:
            self._received.append(data)

    def reset(self) -> None:
        with self._lock:
            self._received = []

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _RecorderHandler(socketserver.BaseRequestHandler):
    LIMIT = 8 * 1024 * 1024
    WAIT = 3.0

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(0.5)
        data = b""
        deadline = time.monotonic() + self.WAIT
        while time.monotonic() < deadline and len(data) < self.LIMIT and not _complete(data):
            try:
                piece = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not piece:
                break
            data += piece
        self.server.owner._record(data)  # type: ignore[attr-defined]
        with contextlib.suppress(OSError):
            sock.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                b"Connection: close\r\n\r\n{}"
            )


def _complete(data: bytes) -> bool:
    """Whether ``data`` holds a whole request (headers and, by Content-Length or chunks, its body)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = data[:end].decode("latin-1").lower()
    body = data[end + 4 :]
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip() == "content-length":
            return len(body) >= int(value.strip() or 0)
        if name.strip() == "transfer-encoding" and "chunked" in value:
            return body.endswith(b"0\r\n\r\n")
    return True
