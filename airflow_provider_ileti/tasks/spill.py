"""Checked recipients kept on disk between the first pass and the send, so each is rendered once.

The send's first pass reads a re-readable source whole (every number normalised, every text rendered, every
chunk checked by the service's rules) before the first request. Instead of reading and rendering it all again
to send, that pass writes each chunk's recipients here (JSON, zlib-compressed: a million personalised
recipients take tens of megabytes of disk, not memory) and the send replays them chunk by chunk. Memory stays
bounded by one chunk; the file is a temporary one, gone when closed (or when the process dies).
"""

from __future__ import annotations

import json
import struct
import tempfile
import zlib
from collections.abc import Iterator
from typing import IO

from airflow_provider_ileti.tasks.recipients import Recipient

_LENGTH = struct.Struct(">I")
#: zlib level: 1 is several times faster than the default and still shrinks texts by about 4x.
COMPRESSION_LEVEL = 1


#: Recipients per compressed block: big enough to compress well, small enough to be nothing in memory.
BLOCK = 5000


class RecipientSpill:
    """``Recipient`` values written once, in order, and read back as often as needed."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="ileti-send-")  # noqa: SIM115 (close())
        self._pending: list[Recipient] = []
        self.recipients = 0

    def __enter__(self) -> RecipientSpill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, recipient: Recipient) -> None:
        self._pending.append(recipient)
        self.recipients += 1
        if len(self._pending) >= BLOCK:
            self._flush()

    def __iter__(self) -> Iterator[Recipient]:
        """Every recipient added, in order (the file is read block by block)."""
        self._flush()
        self._file.seek(0)
        end = self._file.seek(0, 2)
        position = 0
        while position < end:
            self._file.seek(position)
            (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            rows = json.loads(zlib.decompress(self._file.read(length)))
            position += _LENGTH.size + length
            for row in rows:
                yield Recipient(*row)

    def close(self) -> None:
        self._pending = []
        self._file.close()

    def _flush(self) -> None:
        if not self._pending:
            return
        rows = [[r.number, r.text] if r.text is not None else [r.number] for r in self._pending]
        data = zlib.compress(json.dumps(rows, ensure_ascii=False).encode("utf-8"), COMPRESSION_LEVEL)
        self._file.seek(0, 2)
        self._file.write(_LENGTH.pack(len(data)))
        self._file.write(data)
        self._pending = []
