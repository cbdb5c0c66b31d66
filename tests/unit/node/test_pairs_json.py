"""Node's prepared body: the {nr, msg} array written directly reads back as ``json.dumps`` of the dicts."""

from __future__ import annotations

import json

import pytest

from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.clients.node.pairs_json import pairs_json
from airflow_provider_ileti.core.encoded_json import EncodedJson
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

AWKWARD = [
    'Merhaba "Ayşe", yol: C:\\kampanya\\',
    "iki\nsatır\r\nve € { } [ ] ~ | ^",
    "emoji 😀 ve ğüşıöç ĞÜŞİÖÇ",
    "</script> & ' \u2028 \u2029 son",
]


def test_the_array_reads_back_as_the_dicts_it_stands_for() -> None:
    pairs = [(f"90555000000{i}", text) for i, text in enumerate(AWKWARD)]
    written = pairs_json(pairs)
    assert json.loads(written) == [{"nr": nr, "msg": msg} for nr, msg in pairs]
    assert written == json.dumps(
        [{"nr": nr, "msg": msg} for nr, msg in pairs], ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert pairs_json([]) == b"[]"


def test_an_encoded_member_is_added_as_it_is() -> None:
    body = EncodedJson.of({"type": 1}).with_encoded_member("numbers", b'[{"nr":"1","msg":"a"}]')
    assert json.loads(body) == {"type": 1, "numbers": [{"nr": "1", "msg": "a"}]}
    assert json.loads(EncodedJson.of({}).with_encoded_member("n", b"[]")) == {"n": []}


@pytest.mark.parametrize(
    "messages",
    [
        tuple(SmsMessage(text, (f"0555 000 00 0{i}",)) for i, text in enumerate(AWKWARD)),  # sendingType 2
        (SmsMessage("Herkese", ("05550000000", "05550000001")),),  # 1
        (SmsMessage("Tek", ("05550000000",)),),  # 0
    ],
)
def test_a_prepared_body_is_the_checked_body_without_its_key_and_date(
    messages: tuple[SmsMessage, ...],
) -> None:
    client = NodeClient("http://127.0.0.1:9/api", "user", "password", default_sender="SANDBOX")
    batch = SendBatch(messages=messages, title="t", idempotency_key="af.k.0")
    prepared = client.prepare_send(batch)
    assert isinstance(prepared.body, EncodedJson)
    expected = client._send_payload(batch)
    del expected["customID"]
    assert json.loads(prepared.body) == expected
