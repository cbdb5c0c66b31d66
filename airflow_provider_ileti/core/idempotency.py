"""Client-side ids that make a retried send recognisable (Node ``customID``).

The id is derived, before the request, from what a retry shares and a new run does not: dag id, task id,
run id, map index, chunk number — never the try number. The Node API takes at most 100 characters of
``[A-Za-z0-9.-]``, unique per user.

Shape: the parts joined by ``.`` after the prefix (``af.my-dag...``). When every part already fits
the alphabet (and contains no ``.``) and the whole fits in 100 characters, that readable form *is* the
id: distinct inputs give distinct ids. Otherwise (a run id with ``:``/``+``, a long task id) the id is
the sanitised readable form, truncated, followed by ``..`` and a SHA-256 digest of the exact parts;
``..`` never occurs in a readable id, so the two shapes cannot meet, and two hashed ids meet only if
SHA-256 (80 bits kept) collides.
"""

from __future__ import annotations

import hashlib
import json
import re

from airflow_provider_ileti.core.errors import ValidationError

MAX_LENGTH = 100
#: Hex digits of SHA-256 kept in a hashed id: 80 bits, no collision in practice across a user's packages.
HASH_HEX_DIGITS = 20
HASH_MARK = ".."
SEPARATOR = "."
DEFAULT_PREFIX = "af"

_VALID = re.compile(r"[A-Za-z0-9.-]{1,100}")
_PART_OK = re.compile(r"[A-Za-z0-9-]+")
_PART_BAD_RUN = re.compile(r"[^A-Za-z0-9-]+")


def make_custom_id(*parts: object, prefix: str = DEFAULT_PREFIX) -> str:
    """A deterministic id of at most 100 characters of ``[A-Za-z0-9.-]`` for ``parts``.

    ``make_custom_id(dag_id, task_id, run_id, map_index, chunk)``; ``None`` parts are allowed (kept distinct
    from ``""`` and ``"None"``). Numbers and their strings are the same part (``1`` == ``"1"``).
    """
    if prefix and not _PART_OK.fullmatch(prefix):
        raise ValidationError("prefix", prefix, "must be letters, digits or '-' (no '.')")
    texts = [None if part is None else str(part) for part in parts]
    head = [prefix] if prefix else []
    lossless = all(t is not None and _PART_OK.fullmatch(t) for t in texts)
    readable = SEPARATOR.join(head + [_sanitise(t) for t in texts])
    if lossless and readable and len(readable) <= MAX_LENGTH:
        return readable
    digest = hashlib.sha256(json.dumps([prefix, texts], ensure_ascii=False).encode()).hexdigest()
    keep = MAX_LENGTH - len(HASH_MARK) - HASH_HEX_DIGITS
    return readable[:keep].rstrip(SEPARATOR) + HASH_MARK + digest[:HASH_HEX_DIGITS]


def validate_custom_id(value: object, field: str = "custom_id") -> str:
    """``value`` if it is a usable customID (1–100 of ``[A-Za-z0-9.-]``), else ``ValidationError``."""
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be a string")
    if not _VALID.fullmatch(value):
        if not value:
            rule = "must not be empty"
        elif len(value) > MAX_LENGTH:
            rule = f"at most {MAX_LENGTH} characters"
        else:
            rule = "only letters, digits, '-' and '.' are allowed"
        raise ValidationError(field, value, rule)
    return value


def _sanitise(text: str | None) -> str:
    if text is None:
        return "none"
    return _PART_BAD_RUN.sub("-", text).strip("-") or "x"
