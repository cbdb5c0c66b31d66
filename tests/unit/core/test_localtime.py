"""Time rules: naive is UTC, offsets respected, services' wall-clock strings are local."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.localtime import ensure_aware, format_local, parse_local, to_local

IST = "Europe/Istanbul"


def test_a_naive_datetime_is_utc() -> None:
    local = to_local(dt.datetime(2025, 3, 1, 9, 30), IST)
    assert (local.hour, local.minute, local.timezone_name) == (12, 30, IST)


def test_an_aware_datetime_keeps_its_offset() -> None:
    value = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert to_local(value, IST).hour == 11


def test_a_pendulum_datetime_is_accepted() -> None:
    assert to_local(pendulum.datetime(2025, 3, 1, 9, 30, tz="UTC"), IST).hour == 12


def test_an_iso_string_with_offset_keeps_it() -> None:
    assert to_local("2025-03-01T09:30:00+01:00", IST).hour == 11
    assert to_local("2025-03-01T09:30:00Z", IST).hour == 12


def test_an_iso_string_without_zone_is_utc_like_airflow() -> None:
    assert to_local("2025-03-01T09:30:00", IST).hour == 12


@pytest.mark.parametrize("value", ["tomorrow 9am", "01/03/2025 09:30", ""])
def test_a_non_iso_string_is_rejected(value: str) -> None:
    with pytest.raises(ValidationError):
        to_local(value, IST)


@pytest.mark.parametrize("value", [1700000000, None, dt.date(2025, 3, 1)])
def test_other_types_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError, match="must be a datetime"):
        to_local(value, IST)


def test_an_unknown_zone_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        to_local("2025-03-01T09:30:00Z", "Europe/Ankara")
    assert info.value.field == "timezone"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("YYYY-MM-DD HH:mm", "2025-03-01 12:30"),  # Node sendingDate
        ("DD/MM/YYYY HH:mm", "01/03/2025 12:30"),  # İleti Merkezi sendDateTime
        ("YYYY-MM-DD HH:mm:ss", "2025-03-01 12:30:45"),  # Node trustDate
    ],
)
def test_format_local_in_the_services_formats(fmt: str, expected: str) -> None:
    assert format_local(dt.datetime(2025, 3, 1, 9, 30, 45, tzinfo=dt.UTC), IST, fmt) == expected


def test_format_local_truncates_seconds_rather_than_rounding() -> None:
    assert format_local("2025-03-01T09:30:59Z", IST, "HH:mm") == "12:30"


def test_format_local_follows_daylight_saving_of_the_zone() -> None:
    assert format_local("2025-01-15T12:00:00Z", "Europe/Berlin", "HH:mm") == "13:00"
    assert format_local("2025-07-15T12:00:00Z", "Europe/Berlin", "HH:mm") == "14:00"


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01 12:30:00",
        "2025-03-01T12:30:00",
        "2025-03-01 12:30",
        "01/03/2025 12:30",
        "01.03.2025 12:30:00",
    ],
)
def test_parse_local_reads_zone_less_answers_as_local_time(text: str) -> None:
    parsed = parse_local(text, IST)
    assert parsed == dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert parsed.utcoffset() == dt.timedelta(0)


def test_parse_local_day_first_is_never_read_month_first() -> None:
    assert parse_local("02/01/2025 10:00", IST).month == 1


def test_parse_local_keeps_an_explicit_offset() -> None:
    assert parse_local("2025-03-01T12:30:00+00:00", IST).hour == 12


@pytest.mark.parametrize("text", ["", "not a date", "31/02/2025 10:00"])
def test_parse_local_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_local(text, IST, field="sendingDate")


def test_ensure_aware_makes_naive_utc() -> None:
    assert ensure_aware(dt.datetime(2025, 3, 1, 9, 30)).isoformat() == "2025-03-01T09:30:00+00:00"
