"""What every message text must be before any service sees it: printable, and not absurdly long.

One rule for every client (Node content and per-number texts, İleti Merkezi texts, İletiniz bodies, templates
and variables, WISECP messages), because the services themselves disagree: İleti Merkezi's XML refuses a
control character, Node REST, İletiniz and WISECP take it and hand the operator a NUL. The refused value is
shown as the text's size (``mask_text``), never its words: a message body is personal data.

Refused characters (``UNSENDABLE``):

- C0 controls except LF and CR (line breaks, in the GSM alphabet): NUL, BEL, ESC, FF… No SMS alphabet
  carries them as text (FF and ESC are GSM *escape* codes, not characters a message may contain).
- TAB as well: it is not in the GSM 7-bit alphabet, so one tab silently turns a 160-character SMS into
  UCS-2 (70 per part, two to three times the cost), and handsets show it unevenly. A tab in a message is
  almost always a pasted spreadsheet cell; replace it with a space.
- DEL and the C1 controls (U+007F–U+009F): mojibake of a Latin-1/UTF-8 mix-up, never meant text.
- Surrogate code points (U+D800–U+DFFF): in a Python ``str`` a surrogate is always half of a broken
  character (a real emoji is one code point), UTF-8 cannot encode it, and JSON would send a lone half.
- U+FFFE and U+FFFF: Unicode non-characters that XML 1.0 cannot carry either.

Length: ``max_parts`` (SMS parts, counted by ``core.segments``, never copied) and/or ``max_chars`` — each
service's limit is a named constant in its client, documented or guessed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_text
from airflow_provider_ileti.core.segments import SegmentInfo, count_segments

#: Characters no message text may contain (see the module docstring for why each).
UNSENDABLE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def check_message_text(
    value: Any,
    field: str,
    *,
    service: str,
    max_parts: int | None = None,
    max_chars: int | None = None,
    allow_empty: bool = False,
) -> str:
    """``value`` if it is a text a service may send, else ``ValidationError(field, <size>, rule)``.

    ``allow_empty`` is for values that may be blank (a template variable); a message text may not.
    """
    if not isinstance(value, str):
        shown = value if value is None else f"<{type(value).__name__}>"
        raise ValidationError(field, shown, "must be a non-empty text", service=service)
    check_characters(value, field, service=service)
    if not allow_empty and not value.strip():
        # shown as given: a blank text has no words to hide
        raise ValidationError(field, value, "must be a non-empty text", service=service)
    if max_chars is not None and len(value) > max_chars:
        raise ValidationError(field, mask_text(value), f"at most {max_chars} characters", service=service)
    if max_parts is not None:
        check_parts(value, field, service=service, max_parts=max_parts)
    return value


def check_parts(value: str, field: str, *, service: str, max_parts: int) -> SegmentInfo:
    """What ``value`` costs (``count_segments``), or ``ValidationError`` when it needs over ``max_parts``."""
    info = count_segments(value)
    if info.parts > max_parts:
        raise ValidationError(
            field,
            mask_text(value),
            f"at most {max_parts} SMS parts per message; this text needs {info.parts} ({info.encoding})",
            service=service,
        )
    return info


def check_characters(value: str, field: str, *, service: str) -> None:
    """Refuse the first ``UNSENDABLE`` character, naming its code point and position (not the text)."""
    bad = UNSENDABLE.search(value)
    if bad is None:
        return
    char = bad.group()
    name = _name(char)
    raise ValidationError(
        field,
        mask_text(value),
        f"contains U+{ord(char):04X} at position {bad.start()}{' (' + name + ')' if name else ''}: control "
        "characters, tabs and broken (surrogate) characters cannot be sent; only line breaks (LF, CR) are "
        "allowed",
        service=service,
    )


#: Short names of the controls people meet, for the error message.
_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x09": "TAB", "\x1b": "ESC", "\x0c": "FF", "\x7f": "DEL"}


def _name(char: str) -> str:
    if char in _CONTROL_NAMES:
        return _CONTROL_NAMES[char]
    if "\ud800" <= char <= "\udfff":
        return "surrogate"
    return unicodedata.name(char, "")
