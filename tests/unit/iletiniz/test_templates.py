"""İletiniz server-side templates: every rule checked before the network, as tables (rule -> field named)."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient, _bulk_items, _content
from airflow_provider_ileti.clients.iletiniz.templates import (
    TEMPLATE_TEXT_PREFIX,
    check_template_key,
    check_variables,
    decode_template_text,
    encode_template_text,
    row_variables,
)
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

KEY = "iltz_test_unit0key"
PHONE = "+905551234567"

#: (template key, accepted?)
TEMPLATE_KEYS = [
    ("order_shipped", True),
    ("kampanya.2026-12", True),
    ("a", True),
    ("x" * 64, True),
    ("x" * 65, False),
    ("", False),
    (" ", False),
    ("order shipped", False),
    ("_order", False),
    ("sipariş", False),
    ("otp\x00", False),
    (None, False),
    (42, False),
]


@pytest.mark.parametrize(("key", "ok"), TEMPLATE_KEYS)
def test_a_template_key_follows_the_key_rule(key: Any, ok: bool) -> None:
    if ok:
        assert check_template_key(key) == key
    else:
        with pytest.raises(ValidationError) as caught:
            check_template_key(key)
        assert caught.value.field == "template"


#: (variables, field named in the error, or None when accepted)
VARIABLE_CASES: list[tuple[Any, str | None]] = [
    ({"order": "A-17", "amount": 12, "rate": 2.5}, None),
    ({"name": ""}, None),
    ({}, None),
    ({"amount": decimal.Decimal("12.50")}, None),
    (["order", "A-17"], "variables"),
    ("order=A-17", "variables"),
    ({"order": None}, "variables.order"),
    ({"order": True}, "variables.order"),
    ({"order": ["A", "B"]}, "variables.order"),
    ({"order": {"id": 1}}, "variables.order"),
    ({"order": float("nan")}, "variables.order"),
    ({"order": decimal.Decimal("Infinity")}, "variables.order"),
    ({"order": "A\x0017"}, "variables.order"),
    ({"order": "x" * 1601}, "variables.order"),
    ({"first name": "Ali"}, "variables.first name"),
    ({"1st": "Ali"}, "variables.1st"),
    ({7: "Ali"}, "variables"),
]


@pytest.mark.parametrize(("values", "field"), VARIABLE_CASES)
def test_variables_are_a_mapping_of_names_to_texts_or_numbers(values: Any, field: str | None) -> None:
    if field is None:
        checked = check_variables(values)
        assert set(checked) == set(values)
        return
    with pytest.raises(ValidationError) as caught:
        check_variables(values)
    assert caught.value.field == field


def test_an_error_shows_a_values_size_or_type_never_its_words() -> None:
    with pytest.raises(ValidationError) as caught:
        check_variables({"name": "Ayşe Yılmaz\x00"})
    assert "Ayşe" not in str(caught.value) and "chars" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        check_variables({"code": [905551234567]})
    assert "905551234567" not in str(caught.value)


def test_a_decimal_goes_out_as_its_exact_text() -> None:
    assert check_variables({"amount": decimal.Decimal("0.10")}) == {"amount": "0.10"}


def test_the_template_text_round_trips_and_is_canonical() -> None:
    text = encode_template_text("campaign", {"name": "Şükrü", "code": "K1", "discount": 20})
    assert text.startswith(TEMPLATE_TEXT_PREFIX) and text[0] == "\x00"
    assert text == encode_template_text("campaign", {"discount": 20, "code": "K1", "name": "Şükrü"})
    assert decode_template_text(text) == ("campaign", {"name": "Şükrü", "code": "K1", "discount": 20})
    assert decode_template_text("Merhaba") is None


#: (row fields, options, field named in the error, or the variables when accepted)
ROW_CASES: list[tuple[dict[str, Any], dict[str, Any], Any]] = [
    ({"phone": PHONE, "variables": {"order": "A1"}}, {}, {"order": "A1"}),
    ({"phone": PHONE, "variables": '{"order": "A1"}'}, {}, {"order": "A1"}),
    ({"phone": PHONE}, {"shared": {"code": "K1"}}, {"code": "K1"}),
    (
        {"phone": PHONE, "variables": {"code": "OWN"}},
        {"shared": {"code": "K1", "discount": 20}},
        {"code": "OWN", "discount": 20},
    ),
    (
        {"phone": PHONE, "name": "Ali", "order": 7},
        {"columns": ("name", "order")},
        {"name": "Ali", "order": 7},
    ),
    ({"phone": PHONE, "name": "Ali"}, {"columns": ("name", "order")}, "recipients[3] (+90555***4567).order"),
    ({"phone": PHONE, "name": None}, {"columns": ("name",)}, "recipients[3] (+90555***4567).name"),
    ({"phone": PHONE, "variables": "{not json"}, {}, "recipients[3] (+90555***4567).variables"),
    ({"phone": PHONE, "variables": ["A1"]}, {}, "recipients[3] (+90555***4567).variables"),
    ({"phone": PHONE, "variables": {"order": None}}, {}, "recipients[3] (+90555***4567).variables.order"),
    ({"phone": PHONE, "variables": {}}, {"required": ("order",)}, "recipients[3] (+90555***4567).variables"),
    ({"phone": PHONE}, {"required": ("order",)}, "recipients[3] (+90555***4567).variables"),
    (
        {"phone": PHONE, "kv": {"order": "A1"}},
        {"variables_field": "kv", "required": ("order",)},
        {"order": "A1"},
    ),
]


@pytest.mark.parametrize(("fields", "options", "expected"), ROW_CASES)
def test_a_rows_variables_are_present_and_checked_and_the_error_masks_its_number(
    fields: dict[str, Any], options: dict[str, Any], expected: Any
) -> None:
    if isinstance(expected, dict):
        assert row_variables(fields, where="recipients[3]", **options) == expected
        return
    with pytest.raises(ValidationError) as caught:
        row_variables(fields, where="recipients[3]", **options)
    assert caught.value.field == expected
    assert "905551234567" not in str(caught.value)


def test_a_single_template_message_is_checked_like_a_text() -> None:
    assert _content(None, "otp", {"code": 4821}, "body") == {"template": "otp", "variables": {"code": 4821}}
    assert _content(None, "otp", None, "body") == {"template": "otp"}
    for body, template, variables, field in [
        ("x", "otp", None, "body"),
        (None, "bad key", None, "template"),
        (None, "otp", {"code": None}, "variables.code"),
        (None, "otp", "code=1", "variables"),
        ("x", None, {"code": 1}, "variables"),
    ]:
        with pytest.raises(ValidationError) as caught:
            _content(body, template, variables, "body")
        assert caught.value.field == field


def test_bulk_template_items_are_each_checked_and_named() -> None:
    items = [(PHONE, {"order": "A1"}), ("+905551234568", {"order": ["A2"]})]
    with pytest.raises(ValidationError) as caught:
        _bulk_items(items, None, "order_shipped")
    assert caught.value.field == "items[1].variables.order"
    assert _bulk_items([(PHONE, {})], None, "otp") == [{"to": PHONE}]


def _batch(*messages: tuple[str, tuple[str, ...]]) -> SendBatch:
    return SendBatch(messages=tuple(SmsMessage(text, numbers) for text, numbers in messages))


def test_a_batch_of_template_messages_is_validated_without_a_request() -> None:
    client = IletinizClient("http://127.0.0.1:9", KEY, retries=0)
    a = encode_template_text("order_shipped", {"order": "A1"})
    b = encode_template_text("otp", {"code": 1})
    client.validate_send(_batch((a, (PHONE,)), (a, ("+905551234568",))))
    cases = [
        (_batch((a, (PHONE,)), ("Merhaba", ("+905551234568",))), "items[1].body"),
        (_batch((a, (PHONE,)), (b, ("+905551234568",))), "items[1].template"),
        (_batch((encode_template_text("bad key", {}), (PHONE,))), "template"),
        (_batch((encode_template_text("otp", {"code": [1]}), (PHONE,))), "items[0].variables.code"),
    ]
    for batch, field in cases:
        with pytest.raises(ValidationError) as caught:
            client.validate_send(batch)
        assert caught.value.field == field
    client.close()


def _other_clients() -> list[Any]:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
    from airflow_provider_ileti.clients.wisecp.client import WisecpClient

    return [
        IletiMerkeziClient("http://127.0.0.1:9", key="k", api_hash="h", retries=0),
        WisecpClient("http://127.0.0.1:9", "token", default_sender="ILETI", retries=0),
    ]


@pytest.mark.parametrize("client", _other_clients(), ids=["iletimerkezi", "wisecp"])
def test_another_service_refuses_a_template_message_instead_of_sending_its_json(client: Any) -> None:
    text = encode_template_text("otp", {"code": 1})
    batch = SendBatch(messages=(SmsMessage(text, (PHONE,)),), sender="ILETI")
    with pytest.raises(ValidationError, match="U\\+0000"):
        client.validate_send(batch)
    client.close()


def test_a_quota_estimate_of_template_messages_asks_for_credits_instead_of_counting_json() -> None:
    from airflow_provider_ileti.clients.iletiniz.answers import QuotaEstimate

    batch = SendBatch(messages=(SmsMessage(encode_template_text("otp", {"code": 1}), (PHONE,)),))
    with pytest.raises(ValidationError, match="plan the credits"):
        QuotaEstimate.of(batch)
    assert QuotaEstimate.of(3).needed == 3
