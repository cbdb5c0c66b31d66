"""Bounded bodies (a gzip bomb stops at the cap), and what an error shows of a wrong answer."""

from __future__ import annotations

import zlib

import pytest

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.body import BoundedBody
from airflow_provider_ileti.clients.http.errors import AnswerTooLargeError, WrongAnswerKindError

CAP = 64 * 1024


def gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def read(encoding: str | None, raw: bytes, cap: int = CAP, chunk: int = 4096) -> bytes:
    body = BoundedBody(encoding, cap, what="op", service="t")
    for start in range(0, len(raw), chunk):
        body.feed(raw[start : start + chunk])
    return body.finish()


def test_plain_gzip_and_both_deflates_decode() -> None:
    text = b'{"ok": true}' * 100
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    assert read(None, text) == text
    assert read("gzip", gzip(text)) == text
    assert read("deflate", zlib.compress(text)) == text
    assert read("deflate", raw_deflate.compress(text) + raw_deflate.flush()) == text


def test_a_gzip_bomb_stops_at_the_cap_after_decompression() -> None:
    bomb = gzip(b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros, about 50 KB on the wire
    with pytest.raises(AnswerTooLargeError, match=f"larger than {CAP} bytes"):
        read("gzip", bomb)


def test_a_plain_body_past_the_cap_and_an_announced_one_are_refused() -> None:
    with pytest.raises(AnswerTooLargeError):
        read(None, b"x" * (CAP + 1))
    assert read(None, b"x" * CAP) == b"x" * CAP
    with pytest.raises(AnswerTooLargeError, match="announces"):
        BoundedBody(None, CAP, what="op", service="t").check_length(str(500 * 1024 * 1024))


def test_an_encoding_we_did_not_ask_for_and_a_corrupt_stream_are_clear_errors() -> None:
    with pytest.raises(WrongAnswerKindError, match="'br'"):
        BoundedBody("br", CAP, what="op", service="t")
    with pytest.raises(WrongAnswerKindError, match="corrupt"):
        read("gzip", b"\x1f\x8b not gzip at all")


def test_a_wrong_answer_is_described_by_status_type_and_a_masked_excerpt() -> None:
    page = b"<html><body>Bad gateway for 905321234567, key imkey-SECRET-1</body></html>" + b" " * 500
    answer = Answer(
        status=502,
        headers={"Content-Type": "text/html"},
        body=page,
        what="get-balance",
        service="iletimerkezi",
        secrets=("imkey-SECRET-1",),
    )
    shown = str(answer.wrong_kind("XML"))
    assert "get-balance: expected XML, got HTTP 502, text/html" in shown
    assert "Bad gateway" in shown and "90532***4567" in shown
    assert "905321234567" not in shown and "imkey-SECRET-1" not in shown
    assert answer.json_or_none() is None
    assert Answer(200, {"content-type": "application/json"}, b'{"a": 1}', "x").json() == {"a": 1}
