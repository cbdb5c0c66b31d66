"""SMS parts of a text in the encoding a Node request declares, fast enough for a million recipients; a
text that encoding cannot carry raises ``CannotCarry``.

Plain texts (the vast majority) take a regex check and a division; anything with shift-table characters or
astral code points goes to ``core.segments.count_segments`` for the exact boundary rules.
"""

from __future__ import annotations

import re

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.segments import (
    GSM7,
    GSM7_BASIC,
    GSM7_TURKISH,
    LIMITS,
    UCS2,
    can_encode,
    count_segments,
)

#: Node ``encoding`` value -> our encoding name (0 default GSM 7-bit, 1 Turkish shift table, 2 UCS-2).
ENCODINGS = {0: GSM7, 1: GSM7_TURKISH, 2: UCS2}


class CannotCarry(Exception):
    """The declared encoding cannot carry a character of the text (``ş`` with encoding 0): the request is
    refused, never re-encoded (docs/sandbox.md, "Strict by the documents")."""

    def __init__(self, character: str, encoding: int) -> None:
        super().__init__(f"character {character!r} cannot be sent with encoding {encoding}")
        self.character = character
        self.encoding = encoding


_NOT_BASIC = re.compile("[^" + re.escape("".join(sorted(GSM7_BASIC))) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _simple(units: int, encoding: str) -> int:
    single, per_part = LIMITS[encoding]
    if units <= single:
        return 1 if units else 0
    return -(-units // per_part)


def parts_for(text: str, encoding: int) -> int:
    name = ENCODINGS[encoding]
    if name == UCS2:
        if _ASTRAL.search(text) is None:
            return _simple(len(text), UCS2)
        return count_segments(text, encoding=UCS2).parts
    if _NOT_BASIC.search(text) is None:
        return _simple(len(text), name)
    try:
        return count_segments(text, encoding=name).parts
    except ValidationError:
        bad = next(c for c in text if not can_encode(c, name))
        raise CannotCarry(bad, encoding) from None
