"""Every request the sandbox received, with secrets redacted, for tests and the admin API."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from airflow_provider_ileti.sandbox.credentials import SECRET_FIELDS

_REDACTED = "***"
_XML_SECRET = re.compile(
    r"<(?P<tag>(?:\w+:)?(?:" + "|".join(sorted(SECRET_FIELDS)) + r"))>[^<]*</(?P=tag)>", re.IGNORECASE
)


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret field's value replaced."""
    if isinstance(value, Mapping):
        return {k: (_REDACTED if str(k).lower() in SECRET_FIELDS else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_text(text: str) -> str:
    return _XML_SECRET.sub(lambda m: f"<{m.group('tag')}>{_REDACTED}</{m.group('tag')}>", text)


def parse_body(content_type: str, raw: bytes) -> Any:
    """The body as the journal keeps it: JSON and forms as redacted dicts, anything else as redacted text."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            return redact(json.loads(text))
        except ValueError:
            return redact_text(text)
    if "x-www-form-urlencoded" in content_type:
        return redact(dict(parse_qsl(text, keep_blank_values=True)))
    return redact_text(text)


@dataclass
class JournalEntry:
    seq: int
    time: str
    service: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int | None = None
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[JournalEntry] = []
        self._seq = 0

    def add(self, **kwargs: Any) -> JournalEntry:
        with self._lock:
            self._seq += 1
            entry = JournalEntry(seq=self._seq, **kwargs)
            self._entries.append(entry)
            return entry

    def entries(
        self, service: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[JournalEntry]:
        """Entries, oldest first; ``path`` matches the path below the service prefix or the full path."""
        with self._lock:
            found = list(self._entries)
        if service:
            found = [e for e in found if e.service == service]
        if path:
            found = [e for e in found if e.path == path or e.path.endswith(path)]
        if method:
            found = [e for e in found if e.method == method.upper()]
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
