"""Airflow's UTC <-> the services' local wall clock, in one place.

Airflow hands us UTC (pendulum) datetimes; the services want and answer Turkish wall-clock strings
(``yyyy-MM-dd HH:mm``, ``dd/MM/yyyy HH:mm``). The zone is a connection extra (default Europe/Istanbul) that
the call sites pass in. Formatting only truncates to the format; whether a service accepts seconds or a date
in the past is the client's validation, not ours.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import ValidationError

if TYPE_CHECKING:
    import pendulum

DEFAULT_TIMEZONE = "Europe/Istanbul"

#: The zone of a user's datetime or ISO string that carries none: UTC, Airflow's convention (a naive
#: ``logical_date`` is UTC). Services' answers are the opposite case, see ``parse_local``.
NAIVE_INPUT_ZONE = "UTC"

#: Wall-clock spellings the services answer with (pendulum tokens), tried after ISO 8601.
ANSWER_FORMATS = (
    "DD/MM/YYYY HH:mm:ss",
    "DD/MM/YYYY HH:mm",
    "DD.MM.YYYY HH:mm:ss",
    "DD.MM.YYYY HH:mm",
    "DD/MM/YYYY",
    "DD.MM.YYYY",
)


def to_local(value: Any, tz: str = DEFAULT_TIMEZONE) -> pendulum.DateTime:
    """``value`` as a pendulum DateTime in ``tz``.

    Accepts an aware or naive ``datetime`` (naive means UTC), a pendulum DateTime, or an ISO 8601 string
    (its offset is respected; without one it is UTC).
    """
    return _to_utc(value).in_timezone(_zone(tz))


def format_local(value: Any, tz: str, fmt: str) -> str:
    """``value`` on ``tz``'s wall clock in pendulum format ``fmt`` (e.g. ``"YYYY-MM-DD HH:mm"``)."""
    return to_local(value, tz).format(fmt)


def parse_local(text: str, tz: str = DEFAULT_TIMEZONE, *, field: str = "date") -> dt.datetime:
    """A service's date string as an aware UTC datetime.

    A string without zone is wall-clock time in ``tz`` (that is how the services answer); one with an
    offset keeps it.
    """
    import pendulum

    zone = _zone(tz)
    raw = str(text or "").strip()
    if not raw:
        raise ValidationError(field, text, "empty date")
    try:
        # strict: ISO 8601 only; the lenient parser would read 02/01/2024 as February 1st.
        parsed = pendulum.parse(raw, tz=zone)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        parsed = None
    if isinstance(parsed, pendulum.DateTime):
        return parsed.in_timezone("UTC")
    for fmt in ANSWER_FORMATS:
        try:
            return pendulum.from_format(raw, fmt, tz=zone).in_timezone("UTC")
        except ValueError:
            continue
    raise ValidationError(field, text, "not a date the service's formats allow")


def ensure_aware(value: Any, *, field: str = "date") -> pendulum.DateTime:
    """``value`` as an aware UTC pendulum DateTime (naive datetimes and zone-less ISO strings are UTC)."""
    return _to_utc(value, field=field)


def _to_utc(value: Any, *, field: str = "date") -> pendulum.DateTime:
    import pendulum

    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            return pendulum.instance(value.replace(tzinfo=dt.UTC)).in_timezone("UTC")
        return pendulum.instance(value).in_timezone("UTC")
    if isinstance(value, str):
        raw = value.strip()
        try:
            parsed = pendulum.parse(raw, tz=NAIVE_INPUT_ZONE)
        except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
            raise ValidationError(field, value, "not an ISO 8601 date-time") from exc
        if not isinstance(parsed, pendulum.DateTime):
            raise ValidationError(field, value, "must be a date with a time (ISO 8601)")
        return parsed.in_timezone("UTC")
    raise ValidationError(field, value, "must be a datetime, pendulum DateTime or ISO 8601 string")


@functools.lru_cache(maxsize=64)
def _zone(tz: str) -> Any:
    import pendulum

    try:
        return pendulum.timezone(str(tz))
    except Exception as exc:  # pendulum raises InvalidTimezone / zoneinfo errors, by version
        raise ValidationError("timezone", tz, "not an IANA time zone (e.g. Europe/Istanbul)") from exc
