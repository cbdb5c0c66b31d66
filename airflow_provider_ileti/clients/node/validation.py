"""Every rule of the Node API spec, checked before anything leaves the machine.

Each check raises ``ValidationError(field, value, rule)`` naming the field, the value and the rule, so a bad
DAG fails at once with a message a person can act on, and the panel never sees the request. Where the spec
is a guess (OCR damage, no number printed) the guess lives in ONE named constant below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airflow_provider_ileti.clients.node import SERVICE
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.idempotency import validate_custom_id
from airflow_provider_ileti.core.localtime import ensure_aware, format_local
from airflow_provider_ileti.core.masking import MASK, mask_number, mask_text
from airflow_provider_ileti.core.phone import normalize_number
from airflow_provider_ileti.core.schedule import check_send_at
from airflow_provider_ileti.core.segments import SegmentInfo
from airflow_provider_ileti.core.text_rules import check_characters, check_message_text, check_parts

if TYPE_CHECKING:
    import pendulum


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
#: How far apart startDate and finishDate of /sms/inquiry-number may be. Without dates the service takes
#: the last month; without finishDate we check the range up to now (the date is not sent: the service
#: defaults it).
INQUIRY_MAX_MONTHS = 3
KVKK_LINK_TAG = "SHORT_LINK"
#: ids/customIDs one /sms/list may carry (a page holds at most 1000).
MAX_LIST_IDS = 1000
#: Guess: the most recipients one /sms/create request carries; the document gives no limit, so this keeps a
#: JSON body around a few MB. The generic send operator chunks to it.
MAX_RECIPIENTS_PER_REQUEST = 50_000
#: Guess: the package title is free text; we cap it to keep it a title.
MAX_TITLE_LENGTH = 255
#: Guess: the most SMS parts one message text may need. The document sets no limit and the panel takes a
#: 20,000-character text (131+ parts, billed per part and recipient); 10 parts (1,530 GSM characters,
#: 670 in UCS-2) is the cap common gateways apply and above İleti Merkezi's documented 7, so no real
#: message is refused while a runaway text (a file or a log pasted in) is.
MAX_PARTS = 10
#: /sms/create ``type`` 2: the recipients are Turkish ID numbers (TC kimlik no), not phone numbers.
SMS_TYPE_NATIONAL_ID = 2
NATIONAL_ID_LENGTH = 11
#: IYS consent source HS_KARAR (1): "not allowed on a first consent record" (the contact's creation).
IYS_SOURCE_HS_KARAR = 1
#: /contact/list ``exitType``: the document says "only MO and WEB can be used" but prints no numbers for
#: the exit-type constants. OCR guess: MO 0, WEB 1, in the order the text names them. Names are accepted too.
EXIT_TYPES: dict[str, int] = {"MO": 0, "WEB": 1}
#: /contact/import: the column that carries the number; the service refuses an import without it.
IMPORT_GSM_COLUMN = "GSM"
#: queryEmail needs this custom field in the contact's details.
EMAIL_FIELD = "EMAIL"

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
    "exit_type": tuple(sorted(EXIT_TYPES.values())),
}


def fail(field: str, value: Any, rule: str) -> ValidationError:
    return ValidationError(field, value, rule, service=SERVICE)


def number(value: Any, field: str = "number") -> str:
    """A recipient as digits with country code (the API's ``905591234567``)."""
    return normalize_number(value, field=field)


def mask_national_id(value: Any) -> str:
    """A TC ID for an error: only its last two digits (with its checksums, more would give it away)."""
    digits = "".join(ch for ch in str(value) if ch.isdigit()) if isinstance(value, str | int) else ""
    return MASK + digits[-2:] if len(digits) > 2 else MASK


def national_id(value: Any, field: str = "number") -> str:
    """A Turkish ID number (TC kimlik no) for ``type`` 2: 11 digits, first not 0, both official checksums.

    ``d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10`` and ``d11 = (d1+…+d10) mod 10``. The value is
    sent as given (no phone normalisation); errors show it masked (``***01``).
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise fail(field, f"<{type(value).__name__}>", "must be a Turkish ID number (11 digits)")
    text = str(value).strip()
    if len(text) != NATIONAL_ID_LENGTH or not text.isascii() or not text.isdigit():
        raise fail(field, mask_national_id(text), f"a Turkish ID number has {NATIONAL_ID_LENGTH} digits")
    d = [int(ch) for ch in text]
    if d[0] == 0:
        raise fail(field, mask_national_id(text), "a Turkish ID number does not start with 0")
    if ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10 != d[9]:
        raise fail(field, mask_national_id(text), "not a Turkish ID number: the 10th digit checksum fails")
    if sum(d[:10]) % 10 != d[10]:
        raise fail(field, mask_national_id(text), "not a Turkish ID number: the 11th digit checksum fails")
    return text


def recipient(value: Any, field: str = "number", *, sms_type: int = 1) -> str:
    """A phone number, or a TC ID when ``sms_type`` is ``SMS_TYPE_NATIONAL_ID``."""
    return national_id(value, field) if sms_type == SMS_TYPE_NATIONAL_ID else number(value, field)


def numbers(values: Any, field: str = "numbers", *, sms_type: int = 1) -> list[str]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise fail(field, shown(values), "must be a list of phone numbers")
    out = [recipient(v, f"{field}[{i}]", sms_type=sms_type) for i, v in enumerate(values)]
    if not out:
        raise fail(field, [], "must not be empty")
    if len(out) > MAX_RECIPIENTS_PER_REQUEST:
        raise fail(field, f"{len(out)} numbers", f"at most {MAX_RECIPIENTS_PER_REQUEST} per request")
    return out


def shown(value: Any) -> str:
    """A refused value that may hold personal data (numbers, texts), fit for an error message."""
    if isinstance(value, str):
        return mask_number(value) if any(ch.isdigit() for ch in value) else mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return mask_number(str(value))
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return f"<{type(value).__name__} of {len(value)}>"
    return f"<{type(value).__name__}>"


def text(value: Any, field: str, *, max_length: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(field, value, "must be a non-empty string")
    if max_length is not None and len(value) > max_length:
        raise fail(field, value, f"at most {max_length} characters")
    return value


def message(value: Any, field: str) -> str:
    """A message text (``content``, a per-number ``msg``): non-empty, no control characters, at most
    ``MAX_PARTS`` SMS (``core.text_rules``, the rule every client shares)."""
    return check_message_text(value, field, service=SERVICE, max_parts=MAX_PARTS)


def message_cost(value: Any, field: str) -> SegmentInfo:
    """``message``'s checks, and what the text costs (its cheapest encoding), counted once."""
    check_message_text(value, field, service=SERVICE)
    return check_parts(value, field, service=SERVICE, max_parts=MAX_PARTS)


def send_date(value: Any, field: str, *, now: Any = None) -> pendulum.DateTime:
    """A ``sendingDate`` in the window ``core.schedule`` allows (the service refuses a past one, SMS08,
    only after the round trip, and takes the year 2999)."""
    _date_time(value, field)
    return check_send_at(value, service=SERVICE, field=field, now=now)


def carried(encoding: int, texts: Iterable[tuple[str, str]]) -> None:
    """Refuse a ``(field, text)`` whose characters ``encoding`` (0/1/2) cannot carry: the panel would garble
    or refuse it. Only the character and the text's size are shown (a text is personal data)."""
    from airflow_provider_ileti.core.segments import NODE_ENCODING, can_encode

    name = next(n for n, value in NODE_ENCODING.items() if value == encoding)
    for field, value in texts:
        if not can_encode(value, name):
            bad = next(c for c in value if not can_encode(c, name))
            raise fail(
                field,
                mask_text(value),
                f"character {bad!r} cannot be sent with encoding {encoding}; leave encoding out to get "
                "the cheapest one that carries every text",
            )


def sender(value: Any, field: str = "sender") -> str:
    """An alphanumeric title (≤ MAX_SENDER_LENGTH) or a numeric sender."""
    value = text(value, field)
    limit = MAX_NUMERIC_SENDER_LENGTH if value.isdigit() else MAX_SENDER_LENGTH
    if len(value) > limit:
        kind = "a numeric sender" if value.isdigit() else "an alphanumeric sender title"
        raise fail(field, value, f"{kind} has at most {limit} characters")
    return str(value)


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
    """``periodicSettings``, as the document says it: "interval (when periodType is 0, min 1)" and
    "amount (when periodType is 0, 1000 and its multiples, min 1000)", both required for type 0.

    For the other period types (daily … yearly) the document sets no rule on interval/amount: when given
    they only have to be whole numbers ≥ 1 (our guard, not the vendor's), and nothing is required.
    """
    from airflow_provider_ileti.clients.node.models import PeriodicSettings

    if not isinstance(value, PeriodicSettings):
        raise fail(field, value, "must be a PeriodicSettings")
    kind = choice(value.period_type, f"{field}.period_type", "period_type")
    if kind != 0:
        for name in ("interval", "amount"):
            if getattr(value, name) is not None:
                integer(getattr(value, name), f"{field}.{name}", minimum=1)
        return value.to_payload()
    if value.interval is None:
        raise fail(f"{field}.interval", None, "required for period type 0 (one-off)")
    integer(value.interval, f"{field}.interval", minimum=PERIODIC_MIN_INTERVAL)
    amount = value.amount
    if amount is None:
        raise fail(f"{field}.amount", None, "required for period type 0 (one-off)")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < PERIODIC_AMOUNT_STEP:
        raise fail(f"{field}.amount", amount, f"must be at least {PERIODIC_AMOUNT_STEP} for period type 0")
    if amount % PERIODIC_AMOUNT_STEP:
        raise fail(
            f"{field}.amount", amount, f"must be a multiple of {PERIODIC_AMOUNT_STEP} for period type 0"
        )
    return value.to_payload()


def local_date(value: Any, tz: str, field: str, fmt: str = DATE_FORMAT) -> str:
    """A datetime/pendulum/ISO string as the panel's wall clock string (``yyyy-MM-dd HH:mm``)."""
    _date_time(value, field)
    try:
        return format_local(value, tz, fmt)
    except ValidationError as exc:
        raise fail(field, value, exc.rule) from None


def date_range(
    start: Any, finish: Any, tz: str, *, max_months: int | None = None, now: Any = None
) -> dict[str, str]:
    """``startDate``/``finishDate`` in the panel's zone; start ≤ finish, and at most ``max_months`` apart.

    With ``max_months`` and no ``finish`` the range is checked up to ``now`` (default: the current time), the
    end the service takes; the missing date is still not sent.
    """
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
    elif start is not None and max_months is not None:
        import pendulum

        begin = ensure_aware(start, field="start_date")
        end = ensure_aware(now, field="now") if now is not None else pendulum.now("UTC")
        if end > begin.add(months=max_months):
            raise fail(
                "start_date",
                start,
                f"at most {max_months} months before now (no finish_date: the service counts up to now)",
            )
    return out


def _date_time(value: Any, field: str) -> None:
    """Refuse what no date-time reading should guess at: nothing, a flag, a day without a time."""
    if value is None or (isinstance(value, str) and not value.strip()) or isinstance(value, bool):
        raise fail(field, value, "must be a datetime or an ISO 8601 date-time")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise fail(field, value, "must be a date with a time")


def field_name(value: Any, field: str = "details") -> str:
    """A custom field name: ASCII letters, digits and ``_`` only (no Turkish letters)."""
    if not isinstance(value, str) or not _FIELD_NAME.fullmatch(value):
        raise fail(field, value, "custom field names use A-Z, a-z, 0-9 and '_' only (no Turkish letters)")
    return value


def details(value: Any, field: str = "details") -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(field, shown(value), "must be a mapping of field name to value")
    return {field_name(k, f"{field}.{k}"): v for k, v in value.items()}


def kvkk(content: Any, first_name: Any, last_name: Any) -> None:
    message(content, "content")
    if KVKK_LINK_TAG not in content:
        raise fail("content", mask_text(content), f"must contain the tag {KVKK_LINK_TAG} (the consent link)")
    # the names are written into the text, so they follow the text's character rule
    check_characters(text(first_name, "first_name"), "first_name", service=SERVICE)
    check_characters(text(last_name, "last_name"), "last_name", service=SERVICE)


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
    """The import's column names; one of them must be ``GSM`` (the service refuses an import without it)."""
    if isinstance(columns, str) or not isinstance(columns, Sequence) or not columns:
        raise fail("columns", columns, "must be a non-empty list of column names")
    names = [field_name(c, f"columns[{i}]") for i, c in enumerate(columns)]
    if IMPORT_GSM_COLUMN not in (n.upper() for n in names):
        raise fail("columns", names, f"must include a {IMPORT_GSM_COLUMN} column (the contact's number)")
    return names


def exit_type(value: Any, field: str = "exit_type") -> int:
    """``exitType`` of /contact/list: ``EXIT_TYPES`` by name (``"MO"``/``"WEB"``) or number."""
    if isinstance(value, str) and value.strip().upper() in EXIT_TYPES:
        return EXIT_TYPES[value.strip().upper()]
    allowed = ", ".join(f"{n} ({name})" for name, n in EXIT_TYPES.items())
    if isinstance(value, bool) or not isinstance(value, int) or value not in EXIT_TYPES.values():
        raise fail(field, value, f"must be one of {allowed}: only MO and WEB exits can be filtered")
    return int(value)
