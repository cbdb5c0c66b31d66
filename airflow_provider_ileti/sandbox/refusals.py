"""Refusals: answers that say a request broke the vendor's document, counted for the conformance suite.

A refusal is the sandbox saying "this request is not what the document allows": a field the document does
not mark optional is missing, a field it does not name is present, a value breaks a documented rule, a
text cannot be carried by the declared encoding. Each service front end answers it in that service's own
error format *and* marks the request with ``refuse(request, reason)``; the journal middleware then counts
it. State errors (no such package, not enough credit) and injected faults are not refusals: a correct
client can meet those, but it never meets a refusal.

The conformance suite calls every client function and reads ``GET /_admin/refusals``: a count above zero
means a client sent something the vendor's document forbids, even where the client swallowed the error.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

#: Where a front end leaves its reason on the request (aiohttp requests are mutable mappings).
_KEY: web.RequestKey[str] = web.RequestKey("ileti_sandbox_refusal", str)


def refuse(request: web.Request, reason: str) -> None:
    """Mark ``request`` as refused for ``reason`` (the field and the rule it broke)."""
    request[_KEY] = reason


def reason_of(request: web.Request) -> str | None:
    return request.get(_KEY)


@dataclass(frozen=True)
class Refusal:
    service: str
    method: str
    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Refusals:
    """Every refusal since the last reset, in order (bounded like the journal: the count keeps going)."""

    def __init__(self, maxlen: int = 1000) -> None:
        self._lock = threading.Lock()
        self._maxlen = maxlen
        self._items: list[Refusal] = []
        self._count = 0

    def add(self, refusal: Refusal) -> None:
        with self._lock:
            self._count += 1
            if len(self._items) < self._maxlen:
                self._items.append(refusal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._count = 0

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {"count": self._count, "refusals": [r.to_dict() for r in self._items]}
