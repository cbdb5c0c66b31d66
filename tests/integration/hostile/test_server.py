"""The hostile server itself: each mode does what the client tests rely on (raw sockets, no client code).

If one of these fails, a client test's verdict means nothing.
"""

from __future__ import annotations

import socket
import time
import zlib

import pytest

from .server import HUGE_BYTES, OTHER_HOST, PAGE_NUMBER, HostileServer, OtherHost, gzip_bomb


def _ask(url_path: str, server: HostileServer, *, method: str = "POST", body: bytes = b"{}") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(
        f"{method} {server.prefix}{url_path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    return sock


def _head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while piece := sock.recv(65536):
        data += piece
    return data


def test_redirect_points_at_the_other_host_and_requests_are_recorded(hostile: HostileServer) -> None:
    hostile.serve("redirect")
    with _ask("/x/y?z=1", hostile, body=b'{"a": 1}') as sock:
        head, _ = _head(sock)
    assert head.startswith(b"HTTP/1.1 307")
    assert f"Location: http://{OTHER_HOST}:".encode() in head
    (request,) = hostile.calls
    assert (request.method, request.path, request.body) == ("POST", "/x/y?z=1", b'{"a": 1}')
    assert request.headers["content-type"] == "application/json"


def test_a_request_of_an_earlier_test_is_not_counted(hostile: HostileServer) -> None:
    hostile.serve("truncated")
    old = hostile.prefix
    hostile.reset()
    sock = socket.create_connection(("127.0.0.1", hostile.port), timeout=5)
    with sock:
        sock.sendall(f"GET {old}/late HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        head, _ = _head(sock)
    assert head.startswith(b"HTTP/1.1 410") and hostile.requests == []


def test_the_other_host_records_raw_bytes(other_host: OtherHost) -> None:
    with socket.create_connection((OTHER_HOST, other_host.port), timeout=5) as sock:
        sock.sendall(b"POST /steal HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        assert _read_all(sock).endswith(b"{}")
    (raw,) = other_host.received
    assert raw.startswith(b"POST /steal") and raw.endswith(b"hello")


def test_huge_stops_when_the_client_hangs_up(hostile: HostileServer) -> None:
    hostile.serve("huge")
    sock = _ask("/h", hostile)
    head, rest = _head(sock)
    assert f"Content-Length: {HUGE_BYTES}".encode() in head
    got = len(rest)
    while got < 4 * 1024 * 1024:
        got += len(sock.recv(1 << 20))
    sock.close()
    deadline = time.monotonic() + 3
    while hostile._open and time.monotonic() < deadline:  # the server notices and stops writing
        time.sleep(0.05)
    assert not hostile._open, "the server still writes the 500 MB body after the client hung up"


def test_gzip_bomb_inflates_to_zeros() -> None:
    data = gzip_bomb()
    assert len(data) < 2 * 1024 * 1024
    inflater = zlib.decompressobj(31)
    out = inflater.decompress(data[: 128 * 1024], 64 * 1024 * 1024)
    assert len(out) == 64 * 1024 * 1024 and not out.strip(b"\0")


def test_drip_sends_one_byte_a_second(hostile: HostileServer) -> None:
    hostile.serve("drip_headers")
    sock = _ask("/d", hostile)
    sock.settimeout(5)
    start = time.monotonic()
    first = sock.recv(100)
    second = sock.recv(100)
    elapsed = time.monotonic() - start
    sock.close()
    assert (first, second) == (b"H", b"T") and 0.7 < elapsed < 2.5


@pytest.mark.parametrize("mode", ["retry_after_seconds", "retry_after_date"])
def test_retry_after(hostile: HostileServer, mode: str) -> None:
    hostile.serve(mode)
    with _ask("/r", hostile) as sock:
        head, _ = _head(sock)
    assert head.startswith(b"HTTP/1.1 429") and b"Retry-After: " in head
    assert (b"Retry-After: 3600\r" in head + b"\r") == (mode == "retry_after_seconds")


def test_real_wsdl_then_the_hostile_mode(hostile: HostileServer) -> None:
    hostile.serve("html_502", dialect="soap")
    with _ask("/node/soap?wsdl", hostile, method="GET", body=b"") as sock:
        wsdl = _read_all(sock)
    assert wsdl.startswith(b"HTTP/1.1 200") and b"getUserCredit" in wsdl
    with _ask("/node/soap", hostile) as sock:
        page = _read_all(sock)
    assert page.startswith(b"HTTP/1.1 502") and PAGE_NUMBER.encode() in page
    assert [r.is_wsdl for r in hostile.requests] == [True, False] and len(hostile.calls) == 1
