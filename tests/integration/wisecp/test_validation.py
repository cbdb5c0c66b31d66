"""Bad input is refused before any request: each rule, and the sandbox saw nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.client import MAX_RECIPIENTS_PER_SUBMIT, WisecpClient
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

GB = "+44 7400 123456"


def _batch(**kwargs: Any) -> SendBatch:
    return SendBatch(messages=(SmsMessage("hi", (GB,)),), **kwargs)


CASES: dict[str, tuple[str, Callable[[WisecpClient], object]]] = {
    "empty message": ("message", lambda c: c.submit([GB], "")),
    "blank message": ("message", lambda c: c.submit([GB], "   ")),
    "no numbers": ("numbers", lambda c: c.submit([], "hi")),
    "bad number": ("numbers[1]", lambda c: c.submit([GB, "12345"], "hi")),
    "turkish landline": ("numbers[0]", lambda c: c.submit(["0212 555 00 01"], "hi")),
    "too many numbers": ("numbers", lambda c: c.submit([GB] * (MAX_RECIPIENTS_PER_SUBMIT + 1), "hi")),
    "sender with turkish letters": ("sender", lambda c: c.submit([GB], "hi", origin="İLETİ")),
    "sender too long": ("sender", lambda c: c.submit([GB], "hi", origin="ABCDEFGHIJKL")),
    "numeric sender too long": ("sender", lambda c: c.submit([GB], "hi", origin="1234567890123456")),
    "send_at": ("send_at", lambda c: c.send(_batch(send_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)))),
    "validity": ("validity_minutes", lambda c: c.send(_batch(validity_minutes=60))),
    "push_url": ("push_url", lambda c: c.send(_batch(push_url="https://example.com/dlr"))),
    "batch without numbers": ("messages", lambda c: c.send(SendBatch(messages=(SmsMessage("hi", ()),)))),
    "batch with empty text": (
        "messages[0].text",
        lambda c: c.send(SendBatch(messages=(SmsMessage("", (GB,)),))),
    ),
    "batch with a bad number": (
        "messages[1].numbers[0]",
        lambda c: c.send(SendBatch(messages=(SmsMessage("a", (GB,)), SmsMessage("b", ("0555",))))),
    ),
    "report id not digits": ("report_id", lambda c: c.report("12; DROP")),
    "empty status reference": ("references", lambda c: c.get_statuses([""])),
    "estimate for an unpriced country": (
        "numbers[0]",
        lambda c: c.estimate_cost(["+53 5 3123456"], "hi", prices={}),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_before_any_request(case: str, client: WisecpClient, ileti_sandbox: Any) -> None:
    field, call = CASES[case]
    with pytest.raises(ValidationError) as info:
        call(client)
    assert info.value.field == field
    assert ileti_sandbox.requests(service="wisecp") == []


def test_a_sender_is_required_when_the_connection_has_none(api_url: str, ileti_sandbox: Any) -> None:
    client = WisecpClient(api_url, "t")
    with pytest.raises(ValidationError) as info:
        client.submit([GB], "hi")
    assert info.value.field == "sender"
    assert ileti_sandbox.requests(service="wisecp") == []


def test_a_token_is_required() -> None:
    with pytest.raises(ValidationError) as info:
        WisecpClient("http://127.0.0.1:1/x", "")
    assert info.value.field == "user_token"


def test_a_numeric_sender_is_accepted(client: WisecpClient, ileti_sandbox: Any) -> None:
    client.submit([GB], "hi", origin="+447400000001")
    assert ileti_sandbox.requests(path="/wisecp/api/sms/submit")[0]["body"]["origin"] == "+447400000001"
