"""When a scheduled send may be (core.schedule): from a few minutes ago to a year ahead."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.schedule import (
    SEND_AT_MAX_AHEAD,
    SEND_AT_PAST_TOLERANCE,
    check_send_at,
    is_due,
)

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "value",
    [
        NOW,
        NOW - SEND_AT_PAST_TOLERANCE,
        NOW + dt.timedelta(days=1),
        NOW + SEND_AT_MAX_AHEAD,
        "2026-06-01T15:30:00+03:00",  # an offset is respected: 12:30 UTC
        "2026-06-02T09:00:00",  # naive means UTC
    ],
)
def test_times_in_the_window_pass_as_aware_utc(value: object) -> None:
    when = check_send_at(value, service="s", now=NOW)
    assert when.tzinfo is not None and when.utcoffset() == dt.timedelta(0)


def test_the_window_is_five_minutes_back_and_a_year_ahead() -> None:
    assert dt.timedelta(minutes=5) == SEND_AT_PAST_TOLERANCE
    assert dt.timedelta(days=365) == SEND_AT_MAX_AHEAD


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (NOW - SEND_AT_PAST_TOLERANCE - dt.timedelta(seconds=1), "in the past"),
        (NOW - dt.timedelta(days=1), "in the past"),
        (NOW + SEND_AT_MAX_AHEAD + dt.timedelta(seconds=1), "more than 365 days ahead"),
        (dt.datetime(2999, 1, 1, tzinfo=dt.UTC), "more than 365 days ahead"),
        ("yarın öğlen", "ISO 8601"),
        (12, "datetime"),
    ],
)
def test_times_outside_the_window_are_refused_naming_the_field(value: object, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule) as info:
        check_send_at(value, service="iletimerkezi", field="send_at", now=NOW)
    assert info.value.field == "send_at" and info.value.service == "iletimerkezi"


def test_a_time_within_the_tolerance_is_due() -> None:
    assert is_due(check_send_at(NOW - dt.timedelta(minutes=2), service="s", now=NOW), now=NOW)
    assert not is_due(check_send_at(NOW + dt.timedelta(minutes=2), service="s", now=NOW), now=NOW)
