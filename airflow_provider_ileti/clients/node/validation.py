"""Every rule of the Node API spec, checked before anything leaves the machine.

Each check raises ``ValidationError(field, value, rule)`` naming the field, the value and the rule, so a bad
DAG fails at once with a message a person can act on, and the panel never sees the request. Where the spec
is a guess (OCR damage, no number printed) the guess lives in ONE named constant below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.idempotency import validate_custom_id
from airflow_provider_ileti.core.localtime import ensure_aware, format_local
from airflow_provider_ileti.core.phone import normalize_number

SERVICE = "node"

#: Guess: an alphanumeric sender title (the operators' rule for alphanumeric originators) is at most 11
#: characters; the document shows none. Numeric senders may be as long as an MSISDN.
MAX_SENDER_LENGTH = 11
MAX_NUMERIC_SENDER_LENGTH = 16
OTP_VALIDITY = (3, 6)
VALIDITY = (60, 1440)
PAGE_SIZE = (10, 1000)
PERIODIC_AMOUNT_STEP = 1000
PERIODIC_MIN_INTERVAL = 1
MAX_BLACKLIST_ITEMS = 1000
#: How far apart startDate and finishDate of /sms/inquiry-number may be.
INQUIRY_MAX_MONTHS = 3
KVKK_LINK_TAG = "SHORT_LINK"
#: ids/customIDs one /sms/list may carry (a page holds at most 1000).
MAX_LIST_IDS = 1000
#: Guess: the most recipients one /sms/create request carries; the document gives no limit, so this keeps a
#: JSON body around a few MB. The generic send operator chunks to it.
MAX_RECIPIENTS_PER_REQUEST = 50_000
#: Guess: the package title is free text; we cap it to keep it a title.
MAX_TITLE_LENGTH = 255

DATE_FORMAT = "YYYY-MM-DD HH:mm"  # sendingDate, startDate, finishDate
TRUST_DATE_FORMAT = "YYYY-MM-DD HH:mm:ss"

_FIELD_NAME = re.compile(r"[A-Za-z0-9_]+")
_ENUMS: dict[str, tuple[int, ...]] = {
    "encoding": (0, 1, 2),
    "sms_type": (0, 1, 2),
    "sending_type": (0, 1, 2),
    "period_type": (0, 1, 2, 3, 4),
    "operator": (0, 1, 2, 3),
    "item_state": (-2, -1, 0, 1, 2, 3, 4, 5),
    "sender_status": (0, 1, 2, 3),
    "package_filter": tuple(range(8)),
    "contact_filter": (0, 1, 2, 3),
    "iys_state": (-2, -1, 0, 1, 2, 3),
    "iys_recipient_type": (0, 1),
    "iys_source": tuple(range(13)),
}


def fail(field: str, value: Any, rule: str) -> ValidationError:
    return ValidationError(field, value, rule, service=SERVICE)


def number(value: Any, field: str = "number") -> str:
    """A recipient as digits with country code (the API's ``905591234567``)."""
    return normalize_number(value, field=field)


def numbers(values: Any, field: str = "numbers") -> list[str]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise fail(field, values, "must be a list of phone numbers")
    out = [number(v, field=f"{field}[{i}]") for i, v in enumerate(values)]
    if not out:
        raise fail(field, values, "must not be empty")
    if len(out) > MAX_RECIPIENTS_PER_REQUEST:
        raise fail(field, f"{len(out)} numbers", f"at most {MAX_RECIPIENTS_PER_REQUEST} per request")
    return out


def text(value: Any, field: str, *, max_length: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(field, value, "must be a non-empty string")
    if max_length is not None and len(value) > max_length:
        raise fail(field, value, f"at most {max_length} characters")
    return value


def sender(value: Any, field: str = "sender") -> str:
    """An alphanumeric title (≤ MAX_SENDER_LENGTH) or a numeric sender."""
    value = text(value, field)
    limit = MAX_NUMERIC_SENDER_LENGTH if value.isdigit() else MAX_SENDER_LENGTH
    if len(value) > limit:
        kind = "numeric sender" if value.isdigit() else "alphanumeric sender title"
        raise fail(field, value, f"a {kind} has at most {limit} characters")
    return value


def choice(value: Any, field: str, kind: str) -> int:
    allowed = _ENUMS[kind]
    if isinstance(value, bool) or not isinstance(value, int) or int(value) not in allowed:
        raise fail(field, value, f"must be one of {', '.join(map(str, allowed))}")
    return int(value)


def validity(value: Any, *, otp: bool, field: str = "validity") -> int:
    low, high = OTP_VALIDITY if otp else VALIDITY
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        kind = "an OTP" if otp else "a non-OTP package"
        raise fail(field, value, f"must be {low}..{high} minutes for {kind}")
    return int(value)


def integer(value: Any, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(field, value, "must be an integer")
    if minimum is not None and value < minimum:
        raise fail(field, value, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise fail(field, value, f"must be at most {maximum}")
    return int(value)


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise fail(field, value, "must be true or false")
    return value


def page_size(value: Any, field: str = "page_size") -> int:
    low, high = PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(field, value, f"must be {low}..{high}")
    return int(value)


def page_index(value: Any, field: str = "page_index") -> int:
    return integer(value, field, minimum=0)


def custom_id(value: Any, field: str = "custom_id") -> str:
    try:
        return validate_custom_id(value, field=field)
    except ValidationError as exc:
        raise fail(field, value, exc.rule) from None


def push_url(value: Any, field: str = "push_url") -> str:
    if not isinstance(value, str):
        raise fail(field, value, "must be an http(s) URL")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise fail(field, value, "must be an http(s) URL")
    return value


def periodic(value: Any, field: str = "periodic") -> dict[str, int]:
    """``periodicSettings``: for a one-off (type 0) interval ≥ 1 minute and amount a multiple of 1000."""
    from airflow_provider_ileti.clients.node.models import PeriodicSettings

    if not isinstance(value, PeriodicSettings):
        raise fail(field, value, "must be a PeriodicSettings")
    kind = choice(value.period_type, f"{field}.period_type", "period_type")
    if kind == 0 or value.interval is not None:
        if value.interval is None:
            raise fail(f"{field}.interval", None, "required for period type 0 (one-off)")
        integer(value.interval, f"{field}.interval", minimum=PERIODIC_MIN_INTERVAL)
    if kind == 0 or value.amount is not None:
        amount = value.amount
        if amount is None:
            raise fail(f"{field}.amount", None, "required for period type 0 (one-off)")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < PERIODIC_AMOUNT_STEP:
            raise fail(f"{field}.amount", amount, f"must be at least {PERIODIC_AMOUNT_STEP}")
        if amount % PERIODIC_AMOUNT_STEP:
            raise fail(f"{field}.amount", amount, f"must be a multiple of {PERIODIC_AMOUNT_STEP}")
    return value.to_payload()


def local_date(value: Any, tz: str, field: str, fmt: str = DATE_FORMAT) -> str:
    """A datetime/pendulum/ISO string as the panel's wall clock string (``yyyy-MM-dd HH:mm``)."""
    if value is None or (isinstance(value, str) and not value.strip()) or isinstance(value, bool):
        raise fail(field, value, "must be a datetime or an ISO 8601 date-time")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise fail(field, value, "must be a date with a time")
    try:
        return format_local(value, tz, fmt)
    except ValidationError as exc:
        raise fail(field, value, exc.rule) from None


def date_range(start: Any, finish: Any, tz: str, *, max_months: int | None = None) -> dict[str, str]:
    """``startDate``/``finishDate`` in the panel's zone; start ≤ finish, and at most ``max_months`` apart."""
    out: dict[str, str] = {}
    if start is not None:
        out["startDate"] = local_date(start, tz, "start_date")
    if finish is not None:
        out["finishDate"] = local_date(finish, tz, "finish_date")
    if start is not None and finish is not None:
        begin, end = ensure_aware(start, field="start_date"), ensure_aware(finish, field="finish_date")
        if end < begin:
            raise fail("finish_date", finish, "must not be before start_date")
        if max_months is not None and end > begin.add(months=max_months):
            raise fail("finish_date", finish, f"at most {max_months} months after start_date")
    return out


def field_name(value: Any, field: str = "details") -> str:
    """A custom field name: ASCII letters, digits and ``_`` only (no Turkish letters)."""
    if not isinstance(value, str) or not _FIELD_NAME.fullmatch(value):
        raise fail(field, value, "custom field names use A-Z, a-z, 0-9 and '_' only (no Turkish letters)")
    return value


def details(value: Any, field: str = "details") -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(field, value, "must be a mapping of field name to value")
    return {field_name(k, f"{field}.{k}"): v for k, v in value.items()}


def kvkk(content: Any, first_name: Any, last_name: Any) -> None:
    text(content, "content")
    if KVKK_LINK_TAG not in content:
        raise fail("content", content, f"must contain the tag {KVKK_LINK_TAG} (the consent link)")
    text(first_name, "first_name")
    text(last_name, "last_name")


def blacklist_items(uuids: Sequence[Any], gsms: Sequence[Any]) -> tuple[list[str], list[str]]:
    total = len(uuids) + len(gsms)
    if total == 0:
        raise fail("uuids", list(uuids), "give uuids and/or gsms")
    if total > MAX_BLACKLIST_ITEMS:
        raise fail("gsms", f"{total} items", f"at most {MAX_BLACKLIST_ITEMS} uuids and gsms together")
    return [text(u, f"uuids[{i}]") for i, u in enumerate(uuids)], [
        number(g, f"gsms[{i}]") for i, g in enumerate(gsms)
    ]


def one_of(field_values: Mapping[str, Any]) -> tuple[str, Any]:
    """Exactly one of several identifying fields (``pkg_id``/``uuid``/``custom_id``)."""
    given = {k: v for k, v in field_values.items() if v not in (None, "")}
    names = "/".join(field_values)
    if len(given) != 1:
        raise fail(names, given or None, f"give exactly one of {names}")
    return next(iter(given.items()))


def ids(values: Iterable[Any], field: str) -> list[int]:
    out: list[int] = []
    for i, v in enumerate(values):
        try:
            if isinstance(v, bool):
                raise ValueError
            out.append(int(v))
        except (TypeError, ValueError):
            raise fail(f"{field}[{i}]", v, "must be a package id (an integer)") from None
    if len(out) > MAX_LIST_IDS:
        raise fail(field, f"{len(out)} ids", f"at most {MAX_LIST_IDS} per request")
    return out


def csv_columns(columns: Any) -> list[str]:
    if isinstance(columns, str) or not isinstance(columns, Sequence) or not columns:
        raise fail("columns", columns, "must be a non-empty list of column names")
    return [field_name(c, f"columns[{i}]") for i, c in enumerate(columns)]
