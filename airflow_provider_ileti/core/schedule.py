"""When a scheduled send may be: not in the past, not absurdly far ahead. One rule for every service that
schedules (Node ``sendingDate``, İleti Merkezi ``sendDateTime``).

İleti Merkezi sends an order whose date has passed at once, and Node refuses it (SMS08) only after the round
trip; both take the year 2999. A past date is nearly always a stale template (yesterday's
``data_interval_end``), a far one a typo — either way not what the sender meant, so the client refuses it
before any request. The services that cannot schedule at all refuse ``send_at`` outright
(``core.options``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.localtime import ensure_aware

if TYPE_CHECKING:
    import pendulum

#: How far in the past a ``send_at`` may be and still mean "now": the time a template took to render, a
#: task queued for a moment, a little clock skew. Node is sent such a date without ``sendingDate`` (at once,
#: as İleti Merkezi does itself) since it refuses a past one.
SEND_AT_PAST_TOLERANCE = dt.timedelta(minutes=5)
#: How far ahead a ``send_at`` may be. Our choice: neither vendor documents a limit, and one year covers
#: any campaign planned ahead (a yearly reminder included) while refusing the typo years (2999, 2062).
SEND_AT_MAX_AHEAD = dt.timedelta(days=365)


def check_send_at(value: Any, *, service: str, field: str = "send_at", now: Any = None) -> pendulum.DateTime:
    """``value`` (datetime, pendulum or ISO 8601; naive is UTC) as an aware UTC time within the window.

    ``ValidationError(field, value, rule)`` when it is not a date-time, more than
    ``SEND_AT_PAST_TOLERANCE`` in the past or more than ``SEND_AT_MAX_AHEAD`` ahead of ``now`` (default:
    the current time).
    """
    try:
        when = ensure_aware(value, field=field)
    except ValidationError as exc:
        raise ValidationError(field, value, exc.rule, service=service) from None
    current = _now(now)
    shown = when.to_iso8601_string()
    if when < current - SEND_AT_PAST_TOLERANCE:
        raise ValidationError(
            field,
            shown,
            f"is in the past (now is {current.to_iso8601_string()}; at most "
            f"{_minutes(SEND_AT_PAST_TOLERANCE)} minutes ago counts as now): the service would send it at "
            "once or refuse it. Give a time from now on, or leave send_at out to send at once",
            service=service,
        )
    if when > current + SEND_AT_MAX_AHEAD:
        raise ValidationError(
            field,
            shown,
            f"is more than {SEND_AT_MAX_AHEAD.days} days ahead (now is {current.to_iso8601_string()}): "
            "a date that far is taken for a typo",
            service=service,
        )
    return when


def is_due(when: pendulum.DateTime, *, now: Any = None) -> bool:
    """True when a checked ``send_at`` is now or already past (within the tolerance): send at once."""
    return when <= _now(now)


def _now(now: Any) -> pendulum.DateTime:
    if now is not None:
        return ensure_aware(now, field="now")
    import pendulum

    return pendulum.now("UTC")


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)
