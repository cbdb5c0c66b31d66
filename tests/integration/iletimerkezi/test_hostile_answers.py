"""Hostile or broken answers from a server posing as İleti Merkezi, served on loopback by http.server.

Each gives a clear error, reads no file, and a send whose answer cannot be read is ambiguous (the order
may exist), never retried.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from airflow_provider_ileti.clients.http import AnswerTooLargeError, WrongAnswerKindError
from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.core.errors import AmbiguousSendError, ProtocolError, TransientError

MARKER = "FILE-CONTENT-MARKER-7f3a"


class _Server:
    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.content_type = "text/xml"
        self.hits = 0
        #: Content-Length to announce; None = the body's true length.
        self.declared_length: int | None = None
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.hits += 1
                self.send_response(server.status)
                self.send_header("Content-Type", server.content_type)
                length = server.declared_length if server.declared_length is not None else len(server.body)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(server.body)

            do_POST = _answer
            do_GET = _answer

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile() -> Iterator[_Server]:
    server = _Server()
    yield server
    server.close()


def _client(server: _Server, fmt: str = "xml", **kwargs: object) -> IletiMerkeziClient:
    return IletiMerkeziClient(
        server.url,
        key="k",
        api_hash="h",
        format=fmt,
        default_sender="APITEST",
        retries=1,
        sleep=lambda seconds: None,
        **kwargs,  # type: ignore[arg-type]
    )


def test_external_entity_reads_no_file(hostile, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER)
    hostile.body = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<response><status><code>200</code><message>ok</message></status>"
        "<senders><sender>&x;</sender></senders></response>"
    ).encode()
    with pytest.raises(ProtocolError, match="DTD") as info:
        _client(hostile).list_senders()
    assert MARKER not in str(info.value)


def test_billion_laughs(hostile):
    hostile.body = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b"<response><status><code>200</code><message>&d;</message></status></response>"
    )
    with pytest.raises(ProtocolError, match="DTD"):
        _client(hostile).get_balance()


def test_html_error_page_with_200(hostile):
    hostile.content_type = "text/html"
    hostile.body = (
        b"<html><head><title>Login</title></head>"
        b"<body><p>Please sign in, call 0532 123 45 67</p></body></html>"
    )
    with pytest.raises(WrongAnswerKindError, match="<html>") as info:
        _client(hostile).get_balance()
    text = str(info.value)
    assert "expected XML, got HTTP 200, text/html" in text and "Please sign in" in text
    assert "123 45 67" not in text  # the excerpt's numbers are masked
    with pytest.raises(WrongAnswerKindError, match="expected JSON, got HTTP 200, text/html.*not valid JSON"):
        _client(hostile, "json").get_balance()


def test_html_error_page_with_502_is_transient_for_reads(hostile):
    hostile.status = 502
    hostile.content_type = "text/html"
    hostile.body = b"<html><body><h1>502 Bad Gateway</h1><hr></body></html>"
    with pytest.raises(TransientError, match="HTTP 502, text/html: '<html><body><h1>502 Bad Gateway"):
        _client(hostile).get_balance()
    assert hostile.hits == 2  # retried once


def test_truncated_body(hostile):
    hostile.body = b'<?xml version="1.0" encoding="UTF-8"?><response><status><code>200</code><mes'
    with pytest.raises(ProtocolError, match="well-formed"):
        _client(hostile).get_balance()


def test_unreadable_answer_to_a_send_is_ambiguous(hostile):
    hostile.body = b'<?xml version="1.0" encoding="UTF-8"?><response><status><code>200</code><mes'
    with pytest.raises(AmbiguousSendError, match="could not be read"):
        _client(hostile).send_sms("Merhaba", ["5555550001"])
    assert hostile.hits == 1


def test_html_502_to_a_send_is_ambiguous(hostile):
    hostile.status = 502
    hostile.content_type = "text/html"
    hostile.body = b"<html><body>Bad Gateway</body></html>"
    with pytest.raises(AmbiguousSendError, match="HTTP 502"):
        _client(hostile).send_sms("Merhaba", ["5555550001"])
    assert hostile.hits == 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_accepted_answer_without_order_id_is_ambiguous(hostile, fmt):
    """200 with no id: the order most likely exists, so it is 'possibly sent', never sent again."""
    if fmt == "json":
        hostile.content_type = "application/json"
        hostile.body = b'{"response": {"status": {"code": 200, "message": "ok"}}}'
    else:
        hostile.body = b"<response><status><code>200</code><message>ok</message></status></response>"
    with pytest.raises(AmbiguousSendError, match="no numeric order id") as info:
        _client(hostile, fmt).send_messages(
            [("Merhaba", ["5555550001", "5555550002"]), ("Selam", ["5325550003"])], sender="APITEST"
        )
    text = str(info.value)
    assert "2 message(s) to 3 recipient(s)" in text and "90555***0001" in text
    assert "5555550001" not in text and "Merhaba" not in text
    assert info.value.http_status == 200
    assert hostile.hits == 1


def test_accepted_answer_without_order_id_to_the_get_send_is_ambiguous(hostile):
    hostile.body = b"<response><status><code>200</code></status><order><id></id></order></response>"
    with pytest.raises(AmbiguousSendError, match="no numeric order id"):
        _client(hostile).send_via_get("Merhaba", ["5555550001"])
    assert hostile.hits == 1


def test_oversized_answer_is_refused_without_reading_it_all(hostile):
    """One cap, the HTTP layer's ``max_answer_bytes`` (a connection extra), not a second one in the codec."""
    hostile.body = (
        b"<response><status><code>200</code><message>" + b"a" * 200_000 + b"</message></status></response>"
    )
    with pytest.raises(AnswerTooLargeError, match="larger than 1024 bytes.*max_answer_bytes"):
        _client(hostile, max_answer_bytes=1024).get_balance()
    assert hostile.hits == 1  # a protocol error is final: not retried


def test_oversized_answer_to_a_send_is_ambiguous(hostile):
    hostile.body = b"<response><status><code>200</code></status><order><id>1</id></order>" + b" " * 4096
    with pytest.raises(AmbiguousSendError, match="larger than 1024 bytes"):
        _client(hostile, max_answer_bytes=1024).send_sms("Merhaba", ["5555550001"])
    assert hostile.hits == 1


def test_body_cut_short_on_a_send_is_ambiguous(hostile):
    hostile.body = b"<response><status><code>200</code></status><order><id>1</id></order></response>"
    hostile.declared_length = len(hostile.body) + 100  # the connection ends mid-body
    with pytest.raises(AmbiguousSendError):
        _client(hostile).send_sms("Merhaba", ["5555550001"])
    assert hostile.hits == 1


# -- DTDs and entities in any encoding: refused after parsing, not only by a byte search -------------------
def _xxe_answer(path: str, inner: str) -> str:
    return (
        f'<?xml version="1.0" encoding="ENC"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{path}">]>'
        f"<response><status><code>200</code><message>ok</message></status>{inner}</response>"
    )


def _laughs_answer(inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="ENC"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        f"<response><status><code>200</code><message>&d;</message></status>{inner}</response>"
    )


def _encode(doc: str, encoding: str) -> bytes:
    return doc.replace('encoding="ENC"', f'encoding="{encoding.upper()}"').encode(encoding)


ENCODINGS = ["utf-8", "utf-16"]
BALANCE = "<balance><amount>1</amount><sms>&x;</sms></balance>"
REPORT = "<order><id>7</id><status>114</status><total>&x;</total><delivered>1</delivered></order>"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_external_entity_in_any_encoding_fails_the_balance(hostile, tmp_path, encoding):
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER)
    hostile.body = _encode(_xxe_answer(str(secret), BALANCE), encoding)
    with pytest.raises(ProtocolError, match="DTD") as info:
        _client(hostile).get_balance()  # before the fix, UTF-16 gave Balance(credits=None) and no error
    assert MARKER not in str(info.value)
    assert hostile.hits == 1  # a protocol error is final: not retried


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_billion_laughs_in_any_encoding_is_not_a_success(hostile, encoding):
    hostile.body = _encode(_laughs_answer("<balance><sms>5</sms></balance>"), encoding)
    with pytest.raises(ProtocolError, match="DTD"):
        _client(hostile).get_balance()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_hostile_answer_to_a_send_in_any_encoding_is_ambiguous(hostile, tmp_path, encoding):
    hostile.body = _encode(_xxe_answer(str(tmp_path / "x"), "<order><id>&x;</id></order>"), encoding)
    with pytest.raises(AmbiguousSendError, match="DTD"):
        _client(hostile).send_sms("Merhaba", ["5555550001"])
    assert hostile.hits == 1


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_async_client_refuses_external_entity_in_any_encoding(hostile, tmp_path, encoding):
    from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient

    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER)
    hostile.body = _encode(_xxe_answer(str(secret), REPORT), encoding)
    aclient = AsyncIletiMerkeziStatusClient(hostile.url, key="k", api_hash="h")
    try:
        with pytest.raises(ProtocolError, match="DTD") as info:
            await aclient.get_statuses(["7"])
    finally:
        await aclient.aclose()
    assert MARKER not in str(info.value)
    assert hostile.hits == 1


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_async_client_refuses_billion_laughs_in_any_encoding(hostile, encoding):
    from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient

    hostile.body = _encode(_laughs_answer("<order><id>7</id><status>114</status></order>"), encoding)
    aclient = AsyncIletiMerkeziStatusClient(hostile.url, key="k", api_hash="h")
    try:
        with pytest.raises(ProtocolError, match="DTD"):
            await aclient.get_statuses(["7"])
    finally:
        await aclient.aclose()
