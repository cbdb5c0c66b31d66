"""The account webhook's report, parsed without leaking the number or the body."""

from __future__ import annotations

import json

import pytest

from airflow_provider_ileti.clients.iletimerkezi.webhook import parse_webhook
from airflow_provider_ileti.core.errors import ProtocolError

PAYLOAD = {
    "report": {
        "id": "77",
        "packet_id": "323223",
        "status": "delivered",
        "to": "+905551234567",
        "body": "Kod 4711",
    }
}


def test_parse_bytes_and_dict():
    report = parse_webhook(json.dumps(PAYLOAD).encode())
    assert (report.id, report.order_id, report.status, report.to) == (
        "77",
        "323223",
        "delivered",
        "+905551234567",
    )
    assert report.final and report.body == "Kod 4711"
    assert parse_webhook(PAYLOAD) == report
    assert not parse_webhook({"report": {**PAYLOAD["report"], "status": "accepted"}}).final


def test_repr_masks_the_number_and_hides_the_body():
    shown = repr(parse_webhook(PAYLOAD))
    assert "+905551234567" not in shown and "4711" not in shown and "***" in shown


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"report": {}}', json.dumps({"report": {**PAYLOAD["report"], "status": "lost"}})],
)
def test_bad_bodies(body):
    with pytest.raises(ProtocolError):
        parse_webhook(body)
