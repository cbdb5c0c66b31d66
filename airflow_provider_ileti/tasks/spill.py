"""Prepared chunks kept on disk between the send's first pass and the send, so each is built once.

The send's first pass reads a re-readable source whole before the first request: every number normalised,
every text rendered, every chunk checked by the service's rules and built into its request body
(``core.prepared``). Instead of doing all of that again to send, the pass writes each chunk here (its body,
recipient count, fingerprint and masked summary; JSON, zlib-compressed: a million personalised recipients
take tens of megabytes of disk, not memory) and the send replays the chunks in order. Memory stays bounded
by one chunk; the file is a temporary one, gone when closed (or when the process dies). Bodies hold no
secret and no key (``PreparedSend``); the numbers and texts in them are why the file is unnamed and private.

A body the client already encoded (``core.encoded_json.EncodedJson``) is stored as its bytes and comes
back as the same ``EncodedJson``, never decoded; any other body is stored as JSON. Each record is one
zlib block: a line of JSON (recipients, fingerprint, masked numbers, whether the body is encoded), then the
body.
"""

from __future__ import annotations

import json
import struct
import tempfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

from airflow_provider_ileti.core.encoded_json import EncodedJson

_LENGTH = struct.Struct(">I")
#: zlib level: 1 is several times faster than the default and still shrinks texts by about 4x.
COMPRESSION_LEVEL = 1


class SpilledChunk(NamedTuple):
    """One prepared chunk as the first pass left it."""

    #: the service's request body (``PreparedSend.body``): JSON-safe values, or ``EncodedJson``
    body: Any
    recipients: int
    #: ``core.fingerprint.chunk_fingerprint`` of its (number, text) pairs
    fingerprint: str
    #: its numbers, masked, for the log line (``core.masking.mask_numbers``)
    masked: str


class ChunkSpill:
    """``SpilledChunk`` values written once, in order, and read back as often as needed."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="ileti-send-")  # noqa: SIM115 (close())
        self.chunks = 0
        self.recipients = 0

    def __enter__(self) -> ChunkSpill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, chunk: SpilledChunk) -> None:
        encoded = isinstance(chunk.body, EncodedJson)
        head = json.dumps([chunk.recipients, chunk.fingerprint, chunk.masked, encoded], ensure_ascii=False)
        body = chunk.body if encoded else json.dumps(chunk.body, ensure_ascii=False).encode("utf-8")
        data = zlib.compress(head.encode("utf-8") + b"\n" + body, COMPRESSION_LEVEL)
        self._file.seek(0, 2)
        self._file.write(_LENGTH.pack(len(data)))
        self._file.write(data)
        self.chunks += 1
        self.recipients += chunk.recipients

    def replay(self, start: int = 0) -> Iterator[tuple[int, SpilledChunk]]:
        """``(chunk number, chunk)`` of every chunk added, in order, from ``start`` (earlier ones are skipped
        unread); one in memory at a time."""
        end = self._file.seek(0, 2)
        position, number = 0, 0
        while position < end:
            self._file.seek(position)
            (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            position += _LENGTH.size + length
            if number >= start:
                chunk = self._read(length)
                yield number, chunk
                del chunk  # not held while the next chunk is read: one in memory at a time
            number += 1

    def _read(self, length: int) -> SpilledChunk:
        head, _, body = zlib.decompress(self._file.read(length)).partition(b"\n")
        recipients, fingerprint, masked, encoded = json.loads(head)
        value = EncodedJson(body) if encoded else json.loads(body)
        return SpilledChunk(value, recipients, fingerprint, masked)

    def close(self) -> None:
        self._file.close()
