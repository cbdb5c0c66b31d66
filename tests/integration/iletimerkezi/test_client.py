"""Every client function against the sandbox, over real HTTP, in XML and JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    InsufficientCreditError,
    NotChangeableError,
    NotFoundError,
    ServiceError,
)
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.core.protocol import SmsClient
from airflow_provider_ileti.sandbox import credentials
from tests.integration.iletimerkezi.conftest import PREFIX, im_requests, make_client


def test_implements_the_protocol(client):
    assert isinstance(client, SmsClient)
    assert client.supports_idempotency is False
    assert client.max_recipients_per_send == 50_000
    assert client.find_sent(["x"]) == {}


def test_send_one_text_to_many_numbers_and_report(client, ileti_sandbox):
    order_id = client.send_sms("Merhaba", ["0555 555 00 01", "+90 532 111 22 39", "5051234568"])
    assert order_id.isdigit()
    path = "/send-sms/json" if client.format == "json" else "/send-sms"
    assert len(im_requests(ileti_sandbox, path)) == 1
    first = client.get_order(order_id)
    assert (first.status, first.total, first.waiting) == (113, 3, 3)
    ileti_sandbox.admin.clock(advance=30)
    lines = {line.number: line.status for line in client.iter_report(order_id)}
    assert lines == {"+905555550001": 111, "+905321112239": 112, "+905051234568": 110}  # 8: times out later
    ileti_sandbox.admin.clock(advance=400)
    order = client.get_order(order_id)
    assert (order.status, order.delivered, order.undelivered, order.waiting) == (114, 1, 2, 0)
    assert order.sender == "APITEST" and order.submit_at is not None


def test_several_messages_in_one_order(client, ileti_sandbox):
    order_id = client.send_messages([("Bir", ["5555550001", "5555550002"]), ("İki", ["5555550003"])])
    ileti_sandbox.admin.clock(advance=30)
    assert client.get_order(order_id).total == 3
    state = ileti_sandbox.admin.state("iletimerkezi")
    assert [o["texts"] for o in state["orders"]] == [2]


def test_report_pages_are_fetched_lazily(client, ileti_sandbox):
    numbers = [f"555555{i:04d}" for i in range(0, 25, 2)]  # 13 numbers, none ending in 8/9... mostly
    order_id = client.send_sms("Sayfa", numbers)
    ileti_sandbox.admin.clock(advance=30)
    report_path = "/get-report/json" if client.format == "json" else "/get-report"
    before = len(im_requests(ileti_sandbox, report_path))
    lines = client.iter_report(order_id, row_count=5)
    assert len(im_requests(ileti_sandbox, report_path)) == before  # nothing until iterated
    first = next(lines)
    assert first.number == "+905555550000"
    assert len(im_requests(ileti_sandbox, report_path)) == before + 1
    rest = list(lines)
    assert len(rest) == 12
    assert len(im_requests(ileti_sandbox, report_path)) == before + 3  # ceil(13 / 5) pages


def test_schedule_cancel_and_statuses(client, ileti_sandbox):
    send_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    order_id = client.send_sms("Yarın", ["5555550001"], send_at=send_at)
    [status] = client.get_statuses([order_id])
    assert status.phase is DeliveryPhase.SCHEDULED
    client.cancel(order_id)
    [status] = client.get_statuses([order_id])
    assert status.phase is DeliveryPhase.CANCELLED and status.raw_state == "115"
    client.cancel(order_id)  # already cancelled: nothing to do, no error (a retried cancel is safe)


def test_cancel_whose_answer_was_lost_is_retried_and_succeeds(xml_client, ileti_sandbox):
    send_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    order_id = xml_client.send_sms("Yarın", ["5555550001"], send_at=send_at)
    ileti_sandbox.admin.add_fault(PREFIX + "/cancel-order", "drop_after_commit", times=1)
    xml_client.cancel_order(order_id)
    assert [e["status"] for e in im_requests(ileti_sandbox, "/cancel-order")] == [200, 455]
    assert xml_client.get_status(order_id).phase is DeliveryPhase.CANCELLED


def test_cancel_of_an_order_already_going_is_refused(client):
    order_id = client.send_sms("Şimdi", ["5555550001"])
    with pytest.raises(NotChangeableError) as info:
        client.cancel_order(order_id)
    assert info.value.code == "455"


def test_unknown_order(client):
    with pytest.raises(NotFoundError) as info:
        client.get_order("999999999")
    assert info.value.code == "455" and info.value.http_status == 455


def test_schedule_is_sent_on_the_turkish_wall_clock_without_seconds(client, ileti_sandbox):
    # within the window the client allows (from now on, at most a year ahead); 12:30 in Istanbul (UTC+3)
    day = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    send_at = day.replace(hour=9, minute=30, second=45, microsecond=0)
    client.send_sms("Plan", ["5555550001"], send_at=send_at)
    body = im_requests(ileti_sandbox)[-1]["body"]
    assert f"{day:%d/%m/%Y} 12:30" in str(body) and "12:30:45" not in str(body)
    [order] = ileti_sandbox.admin.state("iletimerkezi")["orders"]
    assert order["scheduled"] is True and order["send_at"].startswith(f"{day:%Y-%m-%d}T09:30:00")


def test_statuses_of_sent_and_failed_orders(client, ileti_sandbox):
    ok = client.send_sms("Tamam", ["5555550001", "5555550002"])
    bad = client.send_sms("Olmadı", ["5555550009"])
    ileti_sandbox.admin.clock(advance=30)
    by_ref = {s.reference: s for s in client.get_statuses([ok, bad])}
    assert by_ref[ok].phase is DeliveryPhase.COMPLETE and by_ref[ok].delivered == 2
    assert by_ref[bad].phase is DeliveryPhase.FAILED and by_ref[bad].undelivered == 1


def test_balance_decreases_by_segments_and_refunds_undelivered(client, ileti_sandbox):
    start = client.get_balance().credits
    long_text = "x" * 200  # two parts
    client.send_sms(long_text, ["5555550001", "5555550009"])
    assert client.get_balance().credits == start - 4
    ileti_sandbox.admin.clock(advance=30)
    after = client.get_balance()
    assert after.credits == start - 2  # the undelivered number's two parts are given back
    assert after.amount is not None and after.currency == "TRY"


def test_insufficient_balance(client, ileti_sandbox):
    ileti_sandbox.sandbox.services["iletimerkezi"].initial_credits = 1
    with pytest.raises(InsufficientCreditError) as info:
        client.send_sms("Pahalı", ["5555550001", "5555550002"])
    assert info.value.code == "402"


def test_senders(client):
    assert "APITEST" in client.list_senders()


def test_unapproved_sender_is_450(client):
    with pytest.raises(ServiceError, match="not approved") as info:
        client.send_sms("Merhaba", ["5555550001"], sender="NOPE")
    assert info.value.code == "450"


def test_commercial_message_carries_iys(client, ileti_sandbox):
    client.send_sms("Kampanya", ["5555550001"], commercial=True, iys_list="BIREYSEL")
    [order] = ileti_sandbox.admin.state("iletimerkezi")["orders"]
    assert (order["iys"], order["iys_list"]) == (1, "BIREYSEL")
    client.send_sms("Bilgi", ["5555550001"])
    assert ileti_sandbox.admin.state("iletimerkezi")["orders"][1]["iys"] == 0


def test_orders_in_a_date_range_split_into_10_day_requests(client, ileti_sandbox):
    ids = {client.send_sms(f"Rapor {i}", ["5555550001"]) for i in range(3)}
    today = dt.datetime.now(dt.UTC).date()
    before = len(im_requests(ileti_sandbox, "/get-reports/json"))
    found = list(client.iter_orders(today - dt.timedelta(days=24), today + dt.timedelta(days=1)))
    assert {o.id for o in found} == ids
    assert len(im_requests(ileti_sandbox, "/get-reports/json")) - before == 3  # 26 days: 10 + 10 + 6


def test_orders_are_paged(client, ileti_sandbox, monkeypatch):
    from airflow_provider_ileti.clients.iletimerkezi import wire
    from airflow_provider_ileti.sandbox.services.iletimerkezi import handlers

    monkeypatch.setattr(handlers, "REPORTS_PAGE_SIZE", 2)
    monkeypatch.setattr(wire, "REPORTS_PAGE_SIZE", 2)
    ids = {client.send_sms(f"Sayfa {i}", ["5555550001"]) for i in range(5)}
    today = dt.datetime.now(dt.UTC).date()
    assert {o.id for o in client.iter_orders(today, today + dt.timedelta(days=1))} == ids
    assert len(im_requests(ileti_sandbox, "/get-reports/json")) == 3


def test_blacklist_add_list_delete(client, ileti_sandbox):
    assert list(client.iter_blacklist()) == []
    assert client.add_blacklist(["0555 555 00 01", "+905555550002"]) == 2
    assert sorted(client.iter_blacklist()) == ["5555550001", "5555550002"]
    assert sorted(client.iter_blacklist(row_count=1)) == ["5555550001", "5555550002"]
    with pytest.raises(ServiceError) as info:
        client.send_sms("Engelli", ["5555550001"])
    assert info.value.code == "452"
    now = dt.datetime.now(dt.UTC)
    assert (
        len(list(client.iter_blacklist(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))))
        == 2
    )
    client.delete_blacklist(["5555550001"])
    assert list(client.iter_blacklist()) == ["5555550002"]


def test_wrong_credentials(ileti_sandbox):
    bad = make_client(ileti_sandbox, api_hash="0" * 64)
    with pytest.raises(AuthenticationError) as info:
        bad.get_balance()
    assert info.value.code == "401" and "0" * 64 not in str(info.value)


def test_secret_instead_of_hash_and_old_username_password(ileti_sandbox):
    from_secret = make_client(ileti_sandbox, api_hash=None, api_secret=credentials.ILETIMERKEZI_SECRET)
    assert from_secret.get_balance().credits is not None
    from airflow_provider_ileti.sandbox.services.iletimerkezi import LEGACY_PASSWORD, LEGACY_USERNAME

    old = IletiMerkeziClient(ileti_sandbox.url + PREFIX, username=LEGACY_USERNAME, password=LEGACY_PASSWORD)
    assert old.get_balance().credits is not None
    assert LEGACY_PASSWORD not in str(ileti_sandbox.requests(service="iletimerkezi"))


def test_send_batch_gives_a_receipt(client, ileti_sandbox):
    batch = SendBatch(
        messages=(SmsMessage("Bir", ("5555550001",)), SmsMessage("İki", ("5555550002", "5555550003"))),
        sender="APITEST",
        idempotency_key="af-key",
    )
    receipt = client.send(batch)
    assert receipt.service == "iletimerkezi" and receipt.recipients == 3 and receipt.reference.isdigit()
    assert receipt.idempotency_key == "af-key" and receipt.replayed is False


def test_unknown_method_is_404(xml_client):
    with pytest.raises(ServiceError, match="no such API method") as info:
        xml_client._call("get-nothing", {"authentication": xml_client._auth})
    assert info.value.code == "404"


def test_blacklist_numbers_per_request_is_one_knob(client, ileti_sandbox, monkeypatch):
    monkeypatch.setattr(
        "airflow_provider_ileti.clients.iletimerkezi.client.BLACKLIST_NUMBERS_PER_REQUEST", 50
    )
    client.add_blacklist(["5555550001", "5555550002", "5555550003"])
    path = "/add-blacklist/json" if client.format == "json" else "/add-blacklist"
    assert len(im_requests(ileti_sandbox, path)) == 1
    assert sorted(client.iter_blacklist()) == ["5555550001", "5555550002", "5555550003"]


# -- paging when the answer leaves the total empty ------------------------------------------------------
def _omit_totals(ileti_sandbox) -> None:
    ileti_sandbox.sandbox.services["iletimerkezi"].omit_totals = True
    assert ileti_sandbox.admin.state("iletimerkezi")["omit_totals"] is True


@pytest.mark.parametrize(("count", "pages"), [(13, 3), (10, 3), (4, 1)])
def test_report_keeps_paging_while_pages_are_full_when_total_is_empty(client, ileti_sandbox, count, pages):
    """13 lines by 5: 5, 5, 3 (short, last); 10 by 5: 5, 5, then an empty page ends it; 4: one short page."""
    numbers = [f"555555{i:04d}" for i in range(0, 2 * count, 2)]
    order_id = client.send_sms("Sayfa", numbers)
    ileti_sandbox.admin.clock(advance=30)
    _omit_totals(ileti_sandbox)
    assert client.get_order(order_id).total == 0  # the answer really has no total
    report_path = "/get-report/json" if client.format == "json" else "/get-report"
    before = len(im_requests(ileti_sandbox, report_path))
    lines = list(client.iter_report(order_id, row_count=5))
    assert sorted(line.number for line in lines) == sorted("+90" + n for n in numbers)
    assert len(im_requests(ileti_sandbox, report_path)) - before == pages


def test_report_with_a_total_still_stops_by_the_total(client, ileti_sandbox):
    """With a total, 10 lines by 5 take exactly 2 requests (no probing for an empty third page)."""
    order_id = client.send_sms("Sayfa", [f"555555{i:04d}" for i in range(0, 20, 2)])
    ileti_sandbox.admin.clock(advance=30)
    report_path = "/get-report/json" if client.format == "json" else "/get-report"
    before = len(im_requests(ileti_sandbox, report_path))
    assert len(list(client.iter_report(order_id, row_count=5))) == 10
    assert len(im_requests(ileti_sandbox, report_path)) - before == 2


def test_blacklist_and_orders_keep_paging_when_count_is_empty(client, ileti_sandbox, monkeypatch):
    from airflow_provider_ileti.clients.iletimerkezi import wire
    from airflow_provider_ileti.sandbox.services.iletimerkezi import handlers

    client.add_blacklist(["5555550001", "5555550002", "5555550003"])
    monkeypatch.setattr(handlers, "REPORTS_PAGE_SIZE", 2)
    monkeypatch.setattr(wire, "REPORTS_PAGE_SIZE", 2)
    ids = {client.send_sms(f"Sayfa {i}", ["5555550005"]) for i in range(3)}
    _omit_totals(ileti_sandbox)
    assert sorted(client.iter_blacklist(row_count=2)) == ["5555550001", "5555550002", "5555550003"]
    today = dt.datetime.now(dt.UTC).date()
    assert {o.id for o in client.iter_orders(today, today + dt.timedelta(days=1))} == ids
    assert len(im_requests(ileti_sandbox, "/get-reports/json")) == 2  # 2 + 1 (short page ends it)
