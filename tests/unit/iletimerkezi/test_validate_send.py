"""``validate_send``: every rule one İleti Merkezi batch can be checked against, with no network at all.

The client's session is a spy that fails the test on any request, so "no request" is proven, not assumed.
"""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage


class NoNetwork:
    """An ``HttpSession`` stand-in that records and refuses every request."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def request(self, method: str, url: str, **kwargs: object) -> None:
        self.calls.append((method, url))
        raise AssertionError("validate_send must not make a request")

    def close(self) -> None:
        return None


@pytest.fixture
def session() -> NoNetwork:
    return NoNetwork()


@pytest.fixture
def client(session) -> IletiMerkeziClient:
    return IletiMerkeziClient(
        "http://127.0.0.1:9/v1", key="k", api_hash="h", default_sender="APITEST", session=session
    )


def batch(**overrides: object) -> SendBatch:
    default = (SmsMessage("Merhaba", ("5555550001", "0532 555 00 02")),)
    messages = overrides.pop("messages", default)
    return SendBatch(messages=messages, **overrides)  # type: ignore[arg-type]


def test_a_good_batch_passes_with_no_request(client, session):
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    good = batch(
        messages=(SmsMessage("Bir", ("+905555550001",)), SmsMessage("İki", ("905325550002", "5055550003"))),
        sender="APITEST",
        send_at=future,
        commercial=True,
        iys_recipient_type="TACIR",
    )
    assert client.validate_send(good) is None
    assert session.calls == []


RULES = {
    # numbers
    "foreign number": (
        {"messages": (SmsMessage("Merhaba", ("5555550001", "+447911123456")),)},
        "messages[0].numbers[1]",
        "Turkish mobile numbers only",
    ),
    "landline": (
        {"messages": (SmsMessage("Merhaba", ("02125550001",)),)},
        "messages[0].numbers[0]",
        "mobile",
    ),
    "not a number": ({"messages": (SmsMessage("Merhaba", ("abc",)),)}, "messages[0].numbers[0]", "number"),
    "no numbers": ({"messages": (SmsMessage("Merhaba", ()),)}, "messages[0].numbers", "at least one"),
    "bad number in the second text": (
        {"messages": (SmsMessage("Bir", ("5555550001",)), SmsMessage("İki", ("0555 555",)))},
        "messages[1].numbers[0]",
        "not a valid number",
    ),
    "over 50,000 recipients": (
        {"messages": (SmsMessage("Merhaba", ("5555550001",) * 50_001),)},
        "numbers",
        "at most 50000",
    ),
    # texts
    "no messages": ({"messages": ()}, "messages", "at least one message"),
    "empty text": ({"messages": (SmsMessage("  ", ("5555550001",)),)}, "messages[0].text", "non-empty"),
    "eight parts": (
        {"messages": (SmsMessage("a" * (153 * 7 + 1), ("5555550001",)),)},
        "messages[0].text",
        "at most 7 SMS",
    ),
    "eight parts in UCS-2": (
        {"messages": (SmsMessage("✓" * (67 * 7 + 1), ("5555550001",)),)},
        "messages[0].text",
        "at most 7 SMS",
    ),
    "control character": (
        {"messages": (SmsMessage("zil\x07", ("5555550001",)),)},
        "messages[0].text",
        r"U\+0007 at position 3",
    ),
    # sender
    "sender too long": ({"sender": "ABCDEFGHIJKL"}, "sender", "at most 11"),
    "sender with Turkish letters": ({"sender": "İLETİ"}, "sender", "Turkish letters"),
    "sender with outer spaces": ({"sender": "APITEST "}, "sender", "spaces"),
    "sender not ASCII": ({"sender": "ÆBC"}, "sender", "ASCII"),
    # İYS
    "commercial without iysList": ({"commercial": True}, "iys_list", "required"),
    "commercial with a bad iysList": (
        {"commercial": True, "iys_recipient_type": "HERKES"},
        "iys_list",
        "TACIR",
    ),
    "iysList without commercial": ({"iys_recipient_type": "BIREYSEL"}, "iys_list", "only for commercial"),
    # dates
    "send date not a date": ({"send_at": "yarın öğlen"}, "send_at", "ISO 8601"),
}


@pytest.mark.parametrize("case", sorted(RULES))
def test_each_rule_fails_with_no_request(case, client, session):
    overrides, field, rule = RULES[case]
    with pytest.raises(ValidationError, match=rule) as info:
        client.validate_send(batch(**overrides))
    assert info.value.field == field
    assert session.calls == []


def test_no_sender_and_no_default_sender(session):
    client = IletiMerkeziClient("http://127.0.0.1:9/v1", key="k", api_hash="h", session=session)
    with pytest.raises(ValidationError, match="required") as info:
        client.validate_send(batch())
    assert info.value.field == "sender" and session.calls == []


def test_a_refused_number_is_masked_in_the_error(client):
    with pytest.raises(ValidationError) as info:
        client.validate_send(batch(messages=(SmsMessage("Merhaba", ("+447911123456",)),)))
    assert "447911123456" not in str(info.value) and "***3456" in str(info.value)


def test_a_refused_text_is_not_in_the_error(client):
    with pytest.raises(ValidationError) as info:
        client.validate_send(batch(messages=(SmsMessage("Gizli kod 123456\x07", ("5555550001",)),)))
    assert "123456" not in str(info.value) and "Gizli" not in str(info.value)


def test_not_a_batch(client):
    with pytest.raises(ValidationError, match="SendBatch"):
        client.validate_send({"messages": []})  # type: ignore[arg-type]


@pytest.mark.parametrize("case", sorted(RULES))
def test_send_refuses_with_the_same_error_before_any_request(case, client, session):
    """send() runs the very same checks: same field, same rule, still no request."""
    overrides, field, _ = RULES[case]
    with pytest.raises(ValidationError) as by_validate:
        client.validate_send(batch(**overrides))
    with pytest.raises(ValidationError) as by_send:
        client.send(batch(**overrides))
    assert (by_send.value.field, by_send.value.rule) == (by_validate.value.field, by_validate.value.rule)
    assert session.calls == []


def test_send_and_validate_share_one_function(client, monkeypatch):
    seen: list[str] = []

    def spy(b: SendBatch):
        seen.append("checked")
        raise ValidationError("spy", None, "stop here")

    monkeypatch.setattr(client, "_prepare_batch", spy)
    with pytest.raises(ValidationError, match="stop here"):
        client.validate_send(batch())
    with pytest.raises(ValidationError, match="stop here"):
        client.send(batch())
    assert seen == ["checked", "checked"]


def test_the_client_is_a_validating_sms_client(client):
    """The generic send operator finds ``validate_send`` through this protocol (and calls it per chunk)."""
    from airflow_provider_ileti.core.protocol import ValidatingSmsClient

    assert isinstance(client, ValidatingSmsClient)
    client.validate_send(request=batch())  # the protocol's parameter name
