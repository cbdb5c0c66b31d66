"""Every rule İleti Merkezi documents, checked before a request leaves the machine.

Each failure is a ``ValidationError(field, value, rule)``: the service would answer with one of its
4xx/45x codes, but only after a round trip, and for a send a refusal after the fact is worse than none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from airflow_provider_ileti.clients.iletimerkezi import SERVICE
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number
from airflow_provider_ileti.core.phone import format_number, normalize_number
from airflow_provider_ileti.core.text_rules import check_message_text

MAX_SENDER_LENGTH = 11
#: Letters the service refuses in a sender (code 460).
TURKISH_LETTERS = frozenset("çÇğĞıİöÖşŞüÜ")
#: What a sender may contain beyond that. Guess (not public): printable ASCII; the panel approves
#: titles such as "APITEST" or "OMU UZEM".
_SENDER_CHARS = re.compile(r"[\x20-\x7e]+")
#: Documented: code 453, "longer than 7 SMS".
MAX_PARTS = 7
MAX_RECIPIENTS = 50_000
IYS_LISTS = ("BIREYSEL", "TACIR")
MAX_ROW_COUNT = 1000
#: The most days ``get-reports`` accepts between start and end (code 458).
MAX_REPORT_RANGE_DAYS = 10


def _error(field: str, value: Any, rule: str) -> ValidationError:
    return ValidationError(field, value, rule, service=SERVICE)


def check_sender(sender: str | None) -> str:
    if sender is None or not str(sender).strip():
        raise _error("sender", sender, "required: an approved sender (title) of at most 11 characters")
    text = str(sender)
    if text != text.strip():
        raise _error(
            "sender", sender, "must not start or end with spaces (the panel's title must match exactly)"
        )
    if len(text) > MAX_SENDER_LENGTH:
        raise _error("sender", sender, f"at most {MAX_SENDER_LENGTH} characters")
    bad = sorted({c for c in text if c in TURKISH_LETTERS})
    if bad:
        raise _error("sender", sender, f"must not contain Turkish letters ({''.join(bad)})")
    if not _SENDER_CHARS.fullmatch(text):
        raise _error("sender", sender, "only printable ASCII characters")
    return text


def check_text(text: Any, *, field: str = "text") -> str:
    """A message text: non-empty, no control characters (the shared rule, ``core.text_rules``), at most
    ``MAX_PARTS`` SMS."""
    return check_message_text(text, field, service=SERVICE, max_parts=MAX_PARTS)


def wire_numbers(numbers: Iterable[str], *, field: str = "numbers") -> list[str]:
    """Numbers as the service wants them: Turkish mobiles, ``5xxxxxxxxx``."""
    if isinstance(numbers, str):
        numbers = [numbers]
    out: list[str] = []
    for index, number in enumerate(numbers):
        name = f"{field}[{index}]"
        # the value shown is masked: a full number never goes into an exception message (KVKK)
        try:
            msisdn = normalize_number(number, field=name)
        except ValidationError as exc:
            raise _error(name, mask_number(str(number)), exc.rule) from None
        if not (msisdn.startswith("905") and len(msisdn) == 12):
            raise _error(
                name,
                mask_number(str(number)),
                "İleti Merkezi sends to Turkish mobile numbers only (5xxxxxxxxx)",
            )
        out.append(format_number(msisdn, "national"))
    if not out:
        raise _error(field, [], "at least one number")
    return out


def check_iys(commercial: bool, iys_list: str | None) -> tuple[int, str | None]:
    """``(iys, iysList)``: 1 + BIREYSEL/TACIR for commercial messages, 0 (and no list) otherwise."""
    if not commercial:
        if iys_list is not None and str(iys_list).strip():
            raise _error(
                "iys_list",
                iys_list,
                "only for commercial messages: set commercial=True (iys=1), or leave iys_list out",
            )
        return 0, None
    if iys_list is None or not str(iys_list).strip():
        raise _error(
            "iys_list", iys_list, "required when the message is commercial (iys=1): BIREYSEL or TACIR"
        )
    value = str(iys_list).strip().upper()
    if value not in IYS_LISTS:
        raise _error("iys_list", iys_list, "must be BIREYSEL or TACIR")
    return 1, value


def check_recipient_total(total: int) -> None:
    if total > MAX_RECIPIENTS:
        raise _error("numbers", f"<{total} numbers>", f"at most {MAX_RECIPIENTS} recipients in one order")


def check_order_id(order_id: Any, *, field: str = "order_id") -> str:
    text = str(order_id).strip() if order_id is not None else ""
    if not text.isdigit():
        raise _error(field, order_id, "must be the numeric order id the send returned")
    return text


def check_page(page: int, row_count: int) -> None:
    if not isinstance(page, int) or page < 1:
        raise _error("page", page, "must be a whole number from 1")
    if not isinstance(row_count, int) or not 1 <= row_count <= MAX_ROW_COUNT:
        raise _error("row_count", row_count, f"must be 1..{MAX_ROW_COUNT}")


def as_date(value: Any, tz: str, *, field: str) -> dt.date:
    """A report filter date: a ``date``, a ``datetime`` (its day in ``tz``) or an ISO string."""
    from airflow_provider_ileti.core.localtime import to_local

    if isinstance(value, dt.datetime):
        return to_local(value, tz).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return to_local(value, tz).date()
    raise _error(field, value, "must be a date, datetime or ISO 8601 string")


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise _error("end", end.isoformat(), f"must not be before start ({start.isoformat()})")


def split_range(
    start: dt.date, end: dt.date, days: int = MAX_REPORT_RANGE_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """``[start, end]`` (inclusive days) cut into windows the service accepts, oldest first.

    Each window spans at most ``days`` calendar days counted inclusively, so it is within the limit
    however the service counts "10 days apart".
    """
    windows: list[tuple[dt.date, dt.date]] = []
    cursor = start
    while cursor <= end:
        last = min(end, cursor + dt.timedelta(days=days - 1))
        windows.append((cursor, last))
        cursor = last + dt.timedelta(days=1)
    return windows
