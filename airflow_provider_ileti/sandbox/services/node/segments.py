"""SMS parts of a text in the encoding a Node request asks for, fast enough for a million recipients.

Plain texts (the vast majority) take a regex check and a division; anything with shift-table characters or
astral code points goes to ``core.segments.count_segments`` for the exact boundary rules.
"""

from __future__ import annotations

import re

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.segments import GSM7, GSM7_BASIC, GSM7_TURKISH, LIMITS, UCS2, count_segments

#: Node ``encoding`` value -> our encoding name (0 default GSM 7-bit, 1 Turkish shift table, 2 UCS-2).
ENCODINGS = {0: GSM7, 1: GSM7_TURKISH, 2: UCS2}
#: A text the requested encoding cannot carry (``ş`` with encoding 0) is counted in the cheapest encoding
#: that can (guess: the real server converts rather than refuses).
FALLBACK_TO_CHEAPEST = True

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
        return (
            count_segments(text).parts if FALLBACK_TO_CHEAPEST else count_segments(text, encoding=UCS2).parts
        )
