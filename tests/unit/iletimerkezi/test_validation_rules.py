"""Each rule İleti Merkezi documents, checked without the network (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_ileti.clients.iletimerkezi import validation
from airflow_provider_ileti.clients.iletimerkezi.models import Order, phase_of
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase


@pytest.mark.parametrize("sender", ["APITEST", "A", "ABCDEFGHIJK", "OMU UZEM"])
def test_good_senders(sender):
    assert validation.check_sender(sender) == sender


@pytest.mark.parametrize(
    ("sender", "rule"),
    [
        ("", "required"),
        (None, "required"),
        ("ABCDEFGHIJKL", "at most 11"),
        ("İLETİ", "Turkish letters"),
        ("ŞEKER", "Turkish letters"),
        (" APITEST", "spaces"),
        ("ÆBC", "ASCII"),
    ],
)
def test_bad_senders(sender, rule):
    with pytest.raises(ValidationError, match=rule) as info:
        validation.check_sender(sender)
    assert info.value.field == "sender"


def test_text_rules():
    assert validation.check_text("Merhaba") == "Merhaba"
    with pytest.raises(ValidationError, match="non-empty"):
        validation.check_text("   ")
    validation.check_text("a" * (153 * 7))  # exactly 7 parts
    with pytest.raises(ValidationError, match="at most 7 SMS") as info:
        validation.check_text("a" * (153 * 7 + 1))
    assert "aaaa" not in str(info.value)  # the body is not repeated in the error
    with pytest.raises(ValidationError, match="at most 7 SMS"):
        validation.check_text("я" * (67 * 7 + 1))  # UCS-2


def test_numbers_are_turkish_mobiles_in_national_form():
    assert validation.wire_numbers(["0555 555 00 01", "+90 532 111 2233", "905051234567"]) == [
        "5555550001",
        "5321112233",
        "5051234567",
    ]
    with pytest.raises(ValidationError) as info:
        validation.wire_numbers(["0555 555 00 01", "0212 555 00 01"])
    assert info.value.field == "numbers[1]"
    with pytest.raises(ValidationError, match="Turkish mobile"):
        validation.wire_numbers(["+447911123456"])
    with pytest.raises(ValidationError, match="at least one"):
        validation.wire_numbers([])


def test_iys_rules():
    assert validation.check_iys(False, None) == (0, None)
    # The service ignores iysList when iys=0; we refuse it, as the generic operator does: a list given
    # without commercial=True most likely marks a commercial message sent without the İYS check.
    with pytest.raises(ValidationError, match="only for commercial messages"):
        validation.check_iys(False, "BIREYSEL")
    assert validation.check_iys(False, " ") == (0, None)
    assert validation.check_iys(True, "tacir") == (1, "TACIR")
    with pytest.raises(ValidationError, match="required when the message is commercial"):
        validation.check_iys(True, None)
    with pytest.raises(ValidationError, match="BIREYSEL or TACIR"):
        validation.check_iys(True, "HERKES")


def test_recipient_limit():
    validation.check_recipient_total(50_000)
    with pytest.raises(ValidationError, match="50000"):
        validation.check_recipient_total(50_001)


def test_order_id_and_paging():
    assert validation.check_order_id(" 123 ") == "123"
    with pytest.raises(ValidationError):
        validation.check_order_id("abc")
    with pytest.raises(ValidationError):
        validation.check_page(0, 10)
    with pytest.raises(ValidationError):
        validation.check_page(1, 1001)


def test_dates_and_range_split():
    assert validation.as_date("2026-01-31", "Europe/Istanbul", field="start") == dt.date(2026, 1, 31)
    # 22:30 UTC is already the next day in Istanbul
    assert validation.as_date(
        dt.datetime(2026, 1, 31, 22, 30, tzinfo=dt.UTC), "Europe/Istanbul", field="s"
    ) == dt.date(2026, 2, 1)
    with pytest.raises(ValidationError):
        validation.as_date("31/01/2026", "Europe/Istanbul", field="start")
    with pytest.raises(ValidationError):
        validation.check_range(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
    windows = validation.split_range(dt.date(2026, 1, 1), dt.date(2026, 1, 25))
    assert windows == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 10)),
        (dt.date(2026, 1, 11), dt.date(2026, 1, 20)),
        (dt.date(2026, 1, 21), dt.date(2026, 1, 25)),
    ]
    assert all((end - start).days < validation.MAX_REPORT_RANGE_DAYS for start, end in windows)
    assert validation.split_range(dt.date(2026, 1, 1), dt.date(2026, 1, 1)) == [(dt.date(2026, 1, 1),) * 2]


@pytest.mark.parametrize(
    ("status", "delivered", "undelivered", "phase"),
    [
        (113, 0, 0, DeliveryPhase.PENDING),
        (113, 1, 0, DeliveryPhase.SENT),
        (114, 2, 1, DeliveryPhase.COMPLETE),
        (115, 0, 3, DeliveryPhase.FAILED),
        (115, 0, 0, DeliveryPhase.CANCELLED),
    ],
)
def test_order_phases(status, delivered, undelivered, phase):
    order = Order(id="1", status=status, total=3, delivered=delivered, undelivered=undelivered)
    assert phase_of(order) is phase
    assert order.to_status().to_dict()["phase"] == phase.value


def test_future_order_in_progress_is_scheduled():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert phase_of(Order(id="1", status=113, total=2, waiting=2, send_at=later)) is DeliveryPhase.SCHEDULED
