"""Personal data out of logs (KVKK): numbers masked, message bodies reduced to their size.

Log lines, exception messages and XCom must not carry a full phone number or a message body; these helpers
give something still useful for support (prefix and last digits, a count).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
#: Digits kept at the end of a masked number: enough to find it in a list, too few to call it.
VISIBLE_TAIL = 4
#: Digits kept at the start at most (country code + operator prefix: ``90555``).
VISIBLE_HEAD = 5
#: Numbers this short (e.g. a typo, a short code) show only their last two digits.
SHORT_NUMBER = 8


def mask_number(n: str) -> str:
    """``905551234567`` -> ``90555***4567``; ``+905551234567`` -> ``+90555***4567``.

    At least three digits are always hidden; separators are dropped; a leading ``+`` is kept.
    """
    text = str(n or "").strip()
    plus = "+" if text.startswith("+") else ""
    digits = "".join(c for c in text if c.isdigit())
    if not digits:
        return MASK
    if len(digits) < SHORT_NUMBER:
        return plus + MASK + digits[-2:]
    head = min(VISIBLE_HEAD, len(digits) - VISIBLE_TAIL - len(MASK))
    return plus + digits[:head] + MASK + digits[-VISIBLE_TAIL:]


def mask_numbers(numbers: Iterable[str], *, shown: int = 3) -> str:
    """A short description of many numbers: ``3 numbers: 90555***4567, 90532***0001, 90505***1234``."""
    masked: list[str] = []
    total = 0
    for number in numbers:
        total += 1
        if len(masked) < shown:
            masked.append(mask_number(number))
    noun = "number" if total == 1 else "numbers"
    more = f", … (+{total - len(masked)})" if total > len(masked) else ""
    return f"{total} {noun}" + (f": {', '.join(masked)}{more}" if masked else "")


#: A phone number inside free text (an error a service wrote): 10 to 15 digits, a leading ``+``, single spaces
#: between digits allowed. Not ``-`` or ``:``, so dates and times (``2026-12-06 13:25``) stay readable.
_NUMBER_IN_TEXT = re.compile(r"(?<![\w+])\+?\d(?: ?\d){9,14}(?!\w)")


def mask_numbers_in_text(text: str) -> str:
    """Free text with every phone-number-like run of digits masked (``905551234567`` -> ``90555***4567``)."""
    return _NUMBER_IN_TEXT.sub(lambda m: mask_number(m.group(0)), text)


def mask_text(s: str | None) -> str:
    """A message body for a log line: its size, never its words (``<text: 42 chars>``)."""
    if s is None:
        return "<no text>"
    return f"<text: {len(s)} chars>"
