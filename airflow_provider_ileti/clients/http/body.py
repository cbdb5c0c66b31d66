"""Reading an answer's body no further than a cap, counted after decompression (a gzip bomb stops at the cap).

The sessions read the raw bytes off the wire and decode them here, with zlib's ``max_length``, so memory
stays bounded by the cap whatever the server sends; requests' and httpx's own decoders inflate a whole
network chunk at once (64 KB of gzip can be 64 MB of text). We ask for ``gzip, deflate`` only; another
encoding is refused rather than guessed.
"""

from __future__ import annotations

import zlib

from airflow_provider_ileti.clients.http.errors import AnswerTooLargeError, WrongAnswerKindError

#: What the sessions send as ``Accept-Encoding``: the encodings ``BoundedBody`` decodes.
ACCEPT_ENCODING = "gzip, deflate"
#: Bytes asked of the socket per read.
CHUNK_BYTES = 64 * 1024
#: The most bytes one decompression step may produce; the rest waits in zlib's unconsumed input.
INFLATE_STEP = 1024 * 1024


class BoundedBody:
    """Feed raw chunks in, get the decoded body out; raises ``AnswerTooLargeError`` past ``cap`` bytes."""

    def __init__(self, content_encoding: str | None, cap: int, *, what: str, service: str | None) -> None:
        self.cap = cap
        self.what = what
        self.service = service
        self._pieces: list[bytes] = []
        self._size = 0
        encoding = (content_encoding or "identity").strip().lower()
        self._raw_deflate = False
        if encoding in ("", "identity"):
            self._decoder: zlib._Decompress | None = None
        elif encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":  # a zlib stream, or a raw one as some servers send (tried on failure)
            self._decoder = zlib.decompressobj()
            self._raw_deflate = True
        else:
            raise WrongAnswerKindError(
                f"{what}: the answer is encoded as {encoding[:40]!r}, which we did not ask for "
                f"(Accept-Encoding: {ACCEPT_ENCODING})",
                service=service,
            )

    def check_length(self, content_length: str | None) -> None:
        """Refuse before reading when the server announces an uncompressed body above the cap."""
        announced = content_length.strip() if content_length else ""
        if self._decoder is None and announced.isdigit() and int(announced) > self.cap:
            raise self._too_large(f"it announces {int(announced)} bytes")

    def feed(self, data: bytes) -> None:
        if not data:
            return
        if self._decoder is None:
            self._append(data)
            return
        try:
            self._append(self._decoder.decompress(data, self._room()))
            while self._decoder.unconsumed_tail:
                self._append(self._decoder.decompress(self._decoder.unconsumed_tail, self._room()))
        except zlib.error:
            if not (self._raw_deflate and not self._size):
                raise self._corrupt() from None
            self._raw_deflate = False
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
            self.feed(data)

    def finish(self) -> bytes:
        if self._decoder is not None:
            try:
                self._append(self._decoder.flush())
            except zlib.error:
                raise self._corrupt() from None
        body = b"".join(self._pieces)
        self._pieces = []
        return body

    def _room(self) -> int:
        # one byte past the cap proves it was passed; a step at a time, so a bomb never inflates at once
        return min(INFLATE_STEP, self.cap - self._size + 1)

    def _append(self, piece: bytes) -> None:
        if not piece:
            return
        if self._size + len(piece) > self.cap:
            self._pieces = []
            raise self._too_large("it goes on past that")
        self._pieces.append(piece)
        self._size += len(piece)

    def _too_large(self, why: str) -> AnswerTooLargeError:
        return AnswerTooLargeError(
            f"{self.what}: the answer is larger than {self.cap} bytes ({why}); reading stopped. If the "
            "service really answers this much, raise the connection extra max_answer_bytes",
            service=self.service,
        )

    def _corrupt(self) -> WrongAnswerKindError:
        return WrongAnswerKindError(f"{self.what}: the compressed answer is corrupt", service=self.service)
