"""How many SMS a text costs, and in which encoding (GSM 03.38 / 3GPP TS 23.038 with the Turkish tables).

Services bill per part, and the Node API asks for the encoding (0 default, 1 Turkish, 2 UCS-2), so we count
the way real encoders do:

- GSM 7-bit default alphabet: 160 septets in one SMS, 153 per part when split (the concatenation header takes
  7 septets);
- GSM 7-bit with the Turkish single-shift table: its header (the shift table indicator) costs 5 more
  septets, 155 / 149;
- UCS-2: 70 / 67 UTF-16 code units (an emoji outside the BMP is two units).

Characters of an extension/shift table take two septets (escape + code). An escape pair, like a UTF-16
surrogate pair, is never split across two parts: when only one unit is left in a part, the pair starts the
next part and the unit is wasted.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from airflow_provider_ileti.core.errors import ValidationError

GSM7 = "gsm7"
GSM7_TURKISH = "gsm7_turkish"
UCS2 = "ucs2"
ENCODINGS = (GSM7, GSM7_TURKISH, UCS2)

#: The GSM 03.38 default alphabet (one septet each). ESC (0x1B) is not a character of its own.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The default extension table (escape + code: two septets each).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
#: The Turkish national language single-shift table (TS 23.038 A.2.1): it replaces the default extension
#: table and adds Ğ İ Ş ç ğ ı ş; every character of it takes two septets.
TURKISH_SINGLE_SHIFT = frozenset("\f^{}\\[~]|€ĞİŞçğış")

#: encoding -> (units in a single SMS, units per part of a split one)
LIMITS: dict[str, tuple[int, int]] = {
    GSM7: (160, 153),
    GSM7_TURKISH: (155, 149),
    UCS2: (70, 67),
}

#: The Node API's ``encoding`` value for each of our encodings.
NODE_ENCODING: dict[str, int] = {GSM7: 0, GSM7_TURKISH: 1, UCS2: 2}

#: the characters each 7-bit table carries, and those of them that take two septets
_CARRIED = {GSM7: GSM7_BASIC | GSM7_EXTENSION, GSM7_TURKISH: GSM7_BASIC | TURKISH_SINGLE_SHIFT}
_DOUBLE = {GSM7: GSM7_EXTENSION - GSM7_BASIC, GSM7_TURKISH: TURKISH_SINGLE_SHIFT - GSM7_BASIC}


def _character_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


#: The same sets as regular expressions: matching a text against them runs in C, without building a set
#: of its characters (a million personalised texts are each counted once, in the send's first pass).
_CARRIES_RE = {name: re.compile(_character_class(chars) + "*") for name, chars in _CARRIED.items()}
_CARRIES_GSM7 = _CARRIES_RE[GSM7].fullmatch
_CARRIES_GSM7_TURKISH = _CARRIES_RE[GSM7_TURKISH].fullmatch
_DOUBLE_RE = {
    **{name: re.compile(_character_class(chars)) for name, chars in _DOUBLE.items()},
    UCS2: re.compile("[\U00010000-\U0010ffff]"),  # outside the BMP: a surrogate pair, two units
}


class SegmentInfo(NamedTuple):
    """The cost of one text: ``parts`` SMS in ``encoding``.

    ``characters`` counts units (septets for GSM, UTF-16 code units for UCS-2) including any wasted at part
    boundaries; ``per_part`` is the room of one part (160/155/70 when the text fits one SMS, else
    153/149/67); ``remaining`` is the room left in the last part.
    """

    encoding: str
    parts: int
    characters: int
    per_part: int
    remaining: int

    @property
    def node_encoding(self) -> int:
        """The Node API's ``encoding`` value: 0 default, 1 Turkish, 2 UCS-2."""
        return NODE_ENCODING[self.encoding]

    @property
    def multipart(self) -> bool:
        return self.parts > 1


def count_segments(text: str, *, encoding: str | None = None) -> SegmentInfo:
    """The cheapest encoding that carries ``text`` and what it costs.

    With ``encoding`` the text is counted in that encoding, and ``ValidationError`` says so when that
    encoding cannot carry it (e.g. the user forced GSM 7-bit on a text with ``ş``).
    """
    if not isinstance(text, str):
        raise ValidationError("text", text, "must be a string")
    if encoding is not None:
        if encoding not in ENCODINGS:
            raise ValidationError("encoding", encoding, f"must be one of {', '.join(ENCODINGS)}")
        info = _count(text, encoding)
        if info is None:
            bad = _first_unsupported(text, encoding)
            raise ValidationError("text", text, f"character {bad!r} cannot be sent in {encoding}")
        return info
    # The first of GSM 7-bit, Turkish GSM 7-bit and UCS-2 that carries the text is the cheapest: at worst
    # every character takes two septets (n chars -> 2n units, 153 or 149 per part; single part up to 80 or
    # 77 chars), which still needs no more parts than UCS-2's n units (67 per part; single part up to 70).
    # On a tie the earlier is better: the default alphabet needs no shift header and every handset reads
    # it; the Turkish table leaves more room in the last part than UCS-2. Written out, not looped: this
    # runs once per personalised text, a million times in a large send.
    if _CARRIES_GSM7(text) is not None:
        return _counted(text, GSM7)
    if _CARRIES_GSM7_TURKISH(text) is not None:
        return _counted(text, GSM7_TURKISH)
    return _counted(text, UCS2)


def encoding_for(text: str) -> str:
    """The cheapest encoding name for ``text`` (``gsm7``, ``gsm7_turkish`` or ``ucs2``)."""
    return count_segments(text).encoding


def node_encoding_for(text: str) -> int:
    """The Node API ``encoding`` value (0/1/2) of the cheapest encoding that carries ``text``."""
    return count_segments(text).node_encoding


def can_encode(text: str, encoding: str) -> bool:
    return _unit_sizes(text, encoding) is not None


def _count(text: str, encoding: str) -> SegmentInfo | None:
    """``text`` counted in ``encoding`` (None when it cannot carry the text).

    Regular expressions decide, in C, whether the encoding carries the text and how many of its characters
    take two units; only a multi-part text with such characters is packed unit by unit (a two-unit
    character is never split across parts).
    """
    if encoding != UCS2 and _CARRIES_RE[encoding].fullmatch(text) is None:
        return None
    return _counted(text, encoding)


def _counted(text: str, encoding: str) -> SegmentInfo:
    """``_count`` of a text ``encoding`` is known to carry."""
    doubles = len(_DOUBLE_RE[encoding].findall(text))
    single, per_part = LIMITS[encoding]
    total = len(text) + doubles
    if total <= single:
        parts = 1 if text else 0
        return SegmentInfo(encoding, parts, total, single, single - total)
    if not doubles:
        parts = -(-total // per_part)
        return SegmentInfo(encoding, parts, total, per_part, parts * per_part - total)
    sizes = _unit_sizes(text, encoding)
    assert sizes is not None
    parts, used = 1, 0
    wasted = 0
    for size in sizes:
        if used + size > per_part:
            wasted += per_part - used
            parts += 1
            used = 0
        used += size
    return SegmentInfo(encoding, parts, total + wasted, per_part, per_part - used)


def _unit_sizes(text: str, encoding: str) -> list[int] | None:
    """Units of each character in ``encoding``, or None when the encoding cannot carry the text."""
    if encoding == UCS2:
        return [2 if ord(c) > 0xFFFF else 1 for c in text]
    double = GSM7_EXTENSION if encoding == GSM7 else TURKISH_SINGLE_SHIFT
    sizes: list[int] = []
    for c in text:
        if c in GSM7_BASIC:
            sizes.append(1)
        elif c in double:
            sizes.append(2)
        else:
            return None
    return sizes


def _first_unsupported(text: str, encoding: str) -> str:
    double = GSM7_EXTENSION if encoding == GSM7 else TURKISH_SINGLE_SHIFT
    return next(c for c in text if c not in GSM7_BASIC and c not in double)
