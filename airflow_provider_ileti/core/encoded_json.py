"""A JSON object kept as the bytes that go out: a prepared request body that is never decoded again.

The send's first pass builds each chunk's request body once (``core.prepared``) and keeps it on disk until
the chunk goes out (``tasks.spill``). A body of 50,000 personalised recipients is some 150,000 Python
objects: decoding it from the spill and encoding it again for the request cost about 1.5 µs per recipient
(a tenth of the whole send's CPU) and, for the time of the request, tens of megabytes. A client whose
service takes JSON keeps its prepared body as ``EncodedJson`` instead: the spill stores the bytes as they
are, and the send adds what is given only then (an idempotency key, a send date) as members at the end of
the object (``with_members``) and posts the bytes.

The text is compact UTF-8 (``ensure_ascii=False``: ``ş`` is two bytes, not the six of ``\\u015f``), which
any JSON reader takes (RFC 8259 §8.1).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class EncodedJson(bytes):
    """The UTF-8 text of one JSON object."""

    __slots__ = ()

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> EncodedJson:
        """``value`` (a JSON-safe mapping) encoded; NaN and infinities are refused, as JSON has none."""
        if not isinstance(value, Mapping):
            raise TypeError(f"EncodedJson holds a JSON object, not {type(value).__name__}")
        return cls(_ENCODER.encode(value).encode("utf-8"))

    def with_members(self, members: Mapping[str, Any]) -> EncodedJson:
        """This object with ``members`` added after its own.

        The names must be new to the object (a prepared body leaves out what is added when it is sent);
        JSON readers differ on a repeated name, so a repeat would be a bug, not a way to replace a value.
        """
        if not members:
            return self
        added = _ENCODER.encode(dict(members)).encode("utf-8")
        joiner = b"" if self == b"{}" else b","
        return EncodedJson(self[:-1] + joiner + added[1:])

    def with_encoded_member(self, name: str, value: bytes) -> EncodedJson:
        """This object with one more member whose value is already JSON text (UTF-8), added as it is: for a
        large array a client writes faster than the encoder (``clients.node.pairs_json``). The same rule
        as ``with_members``: ``name`` is new to the object."""
        head = _ENCODER.encode(name).encode("utf-8") + b":" + value
        joiner = b"" if self == b"{}" else b","
        return EncodedJson(self[:-1] + joiner + head + b"}")

    def decoded(self) -> dict[str, Any]:
        """The object as Python values (for a transport that cannot post bytes, e.g. SOAP)."""
        value: dict[str, Any] = json.loads(self)
        return value
