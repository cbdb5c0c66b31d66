"""Prepared chunks kept on disk between the send's first pass and the send, so each is built once.

The send's first pass reads a re-readable source whole before the first request: every number normalised,
every text rendered, every chunk checked by the service's rules and built into its request body
(``core.prepared``). Instead of doing all of that again to send, the pass writes each chunk here (its body,
recipient count, fingerprint and masked summary; JSON, zlib-compressed: a million personalised recipients
take tens of megabytes of disk, not memory) and the send replays the chunks in order. Memory stays bounded
by one chunk; the file is a temporary one, gone when closed (or when the process dies). Bodies hold no
secret and no key (``PreparedSend``); the numbers and texts in them are why the file is unnamed and private.
"""

from __future__ import annotations

import json
import struct
import tempfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

_LENGTH = struct.Struct(">I")
#: zlib level: 1 is several times faster than the default and still shrinks texts by about 4x.
COMPRESSION_LEVEL = 1


class SpilledChunk(NamedTuple):
    """One prepared chunk as the first pass left it."""

    #: the service's request body (``PreparedSend.body``)
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
        data = zlib.compress(json.dumps(chunk, ensure_ascii=False).encode("utf-8"), COMPRESSION_LEVEL)
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
                yield number, SpilledChunk(*json.loads(zlib.decompress(self._file.read(length))))
            number += 1

    def close(self) -> None:
        self._file.close()
