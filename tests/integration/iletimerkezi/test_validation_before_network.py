"""Every validation rule fails before a request: the sandbox's journal stays empty."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from tests.integration.iletimerkezi.conftest import im_requests, make_client

CASES = {
    "sender_too_long": ({"sender": "ABCDEFGHIJKL"}, "sender"),
    "sender_turkish": ({"sender": "İLETİ"}, "sender"),
    "sender_missing": ({"sender": ""}, "sender"),
    "bad_number": ({"numbers": ["0555 555 00"]}, "messages[0].numbers[0]"),
    "landline": ({"numbers": ["0212 555 00 01"]}, "messages[0].numbers[0]"),
    "foreign_number": ({"numbers": ["+447911123456"]}, "messages[0].numbers[0]"),
    "no_numbers": ({"numbers": []}, "messages[0].numbers"),
    "empty_text": ({"text": " "}, "messages[0].text"),
    "eight_parts": ({"text": "a" * (153 * 7 + 1)}, "messages[0].text"),
    "iys_list_missing": ({"commercial": True}, "iys_list"),
    "iys_list_wrong": ({"commercial": True, "iys_list": "HERKES"}, "iys_list"),
    "bad_date": ({"send_at": "yarın öğlen"}, "send_at"),
    "control_character": ({"text": "zil\x07"}, "messages[0].text"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_send_rule_makes_no_request(case, ileti_sandbox):
    overrides, field = CASES[case]
    args = {"text": "Merhaba", "numbers": ["5555550001"], **overrides}
    client = make_client(ileti_sandbox)
    with pytest.raises(ValidationError) as info:
        client.send_sms(args.pop("text"), args.pop("numbers"), **args)
    assert info.value.field == field
    assert im_requests(ileti_sandbox) == []


def _batch(args: dict) -> SendBatch:
    return SendBatch(
        messages=(SmsMessage(args["text"], tuple(args["numbers"])),),
        sender=args.get("sender", "APITEST"),
        send_at=args.get("send_at"),
        commercial=args.get("commercial", False),
        iys_recipient_type=args.get("iys_list"),
    )


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_validate_send_refuses_with_no_request(case, fmt, ileti_sandbox):
    overrides, field = CASES[case]
    batch = _batch({"text": "Merhaba", "numbers": ["5555550001"], **overrides})
    client = make_client(ileti_sandbox, format=fmt)
    with pytest.raises(ValidationError) as info:
        client.validate_send(batch)
    assert info.value.field == field
    with pytest.raises(ValidationError) as again:
        client.send(batch)  # send runs the same checks
    assert again.value.field == field
    assert im_requests(ileti_sandbox) == []


def test_a_bad_number_in_the_fifth_chunk_stops_before_any_order(ileti_sandbox):
    """What the generic operator does: validate every chunk first, then send; chunk 5 fails -> 0 orders."""
    client = make_client(ileti_sandbox)
    chunks = [
        SendBatch(messages=(SmsMessage("Merhaba", (f"55555500{i:02d}",)),), sender="APITEST")
        for i in range(4)
    ]
    chunks.append(
        SendBatch(messages=(SmsMessage("Merhaba", ("5555550099", "+14155550100")),), sender="APITEST")
    )
    with pytest.raises(ValidationError) as info:
        for chunk in chunks:
            client.validate_send(chunk)
        for chunk in chunks:
            client.send(chunk)
    assert info.value.field == "messages[0].numbers[1]" and "14155550100" not in str(info.value)
    assert im_requests(ileti_sandbox) == []
    assert ileti_sandbox.admin.state("iletimerkezi")["orders"] == []
    for chunk in chunks[:4]:  # and a good batch that passed validate_send does go out
        client.validate_send(chunk)
    assert client.send(chunks[0]).reference.isdigit()
    assert len(im_requests(ileti_sandbox, "/send-sms")) == 1


def test_too_many_recipients_makes_no_request(ileti_sandbox):
    client = make_client(ileti_sandbox)
    batch = SendBatch(messages=(SmsMessage("Merhaba", ("5555550001",) * 50_001),), sender="APITEST")
    with pytest.raises(ValidationError, match="50000"):
        client.send(batch)
    assert im_requests(ileti_sandbox) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_order("abc"),
        lambda c: c.cancel_order("12a"),
        lambda c: list(c.iter_report("1", row_count=1001)),
        lambda c: list(c.iter_orders("2026-02-01", "2026-01-01")),
        lambda c: list(c.iter_orders("01/02/2026", "2026-02-02")),
        lambda c: list(c.iter_blacklist(start="2026-01-01T00:00:00Z")),
        lambda c: c.add_blacklist(["0212 555 00 01"]),
        lambda c: c.send_via_get("", ["5555550001"]),
    ],
    ids=[
        "order_id",
        "cancel_id",
        "row_count",
        "range_reversed",
        "date_format",
        "half_range",
        "blacklist_number",
        "get_empty_text",
    ],
)
def test_other_rules_make_no_request(call, ileti_sandbox):
    with pytest.raises(ValidationError):
        call(make_client(ileti_sandbox))
    assert im_requests(ileti_sandbox) == []
