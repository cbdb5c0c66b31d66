"""Every request the sandbox received, with secrets redacted, for tests and the admin API.

The journal keeps the newest ``maxlen`` entries (``DEFAULT_MAXLEN`` unless the sandbox is started with
another ``journal_size``), so a long benchmark or a million-number send cannot grow it without bound;
``seq`` keeps counting, so a gap in it shows that old entries were dropped.

Redaction covers what a client sends as a secret in each wire format: JSON and form fields named in
``credentials.SECRET_FIELDS``, XML elements with those names (with a namespace prefix, attributes, CDATA or
nested markup), the same names as ``name=value`` pairs in any other text, and secret headers
(``Authorization`` keeps only its scheme, cookies and api-key/token headers become ``***``).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from airflow_provider_ileti.sandbox.credentials import SECRET_FIELDS

DEFAULT_MAXLEN = 10_000
_REDACTED = "***"
_NAMES = "|".join(sorted(SECRET_FIELDS, key=len, reverse=True))
#: <password>x</password>, <ns:password xsi:type="xsd:string">x</ns:password>, <key><![CDATA[x]]></key>
_XML_SECRET = re.compile(
    r"<(?P<tag>(?:[\w.-]+:)?(?:" + _NAMES + r"))(?P<attrs>(?:\s[^<>]*?)?)(?<!/)>"
    r"(?P<value>.*?)</(?P=tag)\s*>",
    re.IGNORECASE | re.DOTALL,
)
#: name=value in a query-like text, and "name": "value" in JSON-like text that would not parse.
_PAIR_SECRET = re.compile(
    r"(?P<name>(?<![\w-])(?:" + _NAMES + r"))(?P<sep>=)(?P<value>[^&\s]*)"
    r"|(?P<qname>\"(?:" + _NAMES + r")\")(?P<qsep>\s*:\s*\")(?P<qvalue>(?:[^\"\\]|\\.)*)",
    re.IGNORECASE,
)
#: Header names whose whole value is a secret.
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "proxy-authorization"})
_SECRET_HEADER_PARTS = ("token", "secret", "api-key", "api_key", "apikey", "password", "session", "hash")


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret field's value replaced."""
    if isinstance(value, Mapping):
        return {k: (_REDACTED if str(k).lower() in SECRET_FIELDS else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _pair(match: re.Match[str]) -> str:
    if match.group("name") is not None:
        return f"{match.group('name')}={_REDACTED}"
    return f"{match.group('qname')}{match.group('qsep')}{_REDACTED}"


def redact_text(text: str) -> str:
    """Secret XML elements (any text that looks like markup) or secret ``name=value`` pairs replaced."""
    if text.lstrip().startswith("<"):
        return _XML_SECRET.sub(
            lambda m: f"<{m.group('tag')}{m.group('attrs')}>{_REDACTED}</{m.group('tag')}>", text
        )
    return _PAIR_SECRET.sub(_pair, text)


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers for the journal: ``Authorization: Basic ***``; cookies and key/token headers ``***``."""
    out: dict[str, str] = {}
    for name, value in headers:
        lower = name.lower()
        if lower == "authorization":
            scheme, _sep, rest = value.strip().partition(" ")
            value = f"{scheme} {_REDACTED}" if rest else _REDACTED
        elif lower in SECRET_HEADERS or any(part in lower for part in _SECRET_HEADER_PARTS):
            value = _REDACTED
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def redact_query(pairs: Iterable[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Query parameters, a repeated key (``ids=1&ids=2``) as a list, secret values replaced."""
    query: dict[str, str | list[str]] = {}
    for key, value in pairs:
        value = _REDACTED if key.lower().removesuffix("[]") in SECRET_FIELDS else value
        if key in query:
            previous = query[key]
            query[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            query[key] = value
    return query


def _looks_like_json(text: str) -> bool:
    return text[:1] in ("{", "[")


def parse_body(content_type: str, raw: bytes) -> Any:
    """The body as the journal keeps it: JSON and forms as redacted dicts, anything else as redacted text.

    The declared content type is a hint, not the truth: a JSON body sent as ``text/plain`` is still read as
    JSON, and ``application/json`` that does not parse (or XML under a JSON type) is redacted as text.
    """
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if "json" in content_type or _looks_like_json(stripped):
        try:
            return redact(json.loads(text))
        except ValueError:
            return redact_text(text)
    if "x-www-form-urlencoded" in content_type and not stripped.startswith("<"):
        return redact(dict(parse_qsl(text, keep_blank_values=True)))
    return redact_text(text)


@dataclass
class JournalEntry:
    seq: int
    time: str
    service: str
    method: str
    path: str
    query: dict[str, Any]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, maxlen: int | None = None) -> None:
        size = DEFAULT_MAXLEN if maxlen is None else maxlen
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"journal size={maxlen!r}: must be an integer >= 1")
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._seq = 0

    @property
    def maxlen(self) -> int:
        return self._entries.maxlen or DEFAULT_MAXLEN

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
