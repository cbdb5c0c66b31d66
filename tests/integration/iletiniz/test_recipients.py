"""``to``: 1-64 characters as the official SDK checks; a phone number, or a handle on a channel like Telegram.

The SDK's README sends to a Telegram chat id (``8409353994``, groups ``-1001234567890``) or ``@username``;
an earlier reading of 7-32 characters (phone numbers only) was wrong.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY

AUTH = {"Authorization": f"Bearer {ILETINIZ_API_KEY}"}


@pytest.mark.parametrize("to", ["@ab", "@kullanici_adi", "8409353994", "-1001234567890", "@" + "a" * 63])
def test_a_telegram_handle_goes_out_as_given(client: IletinizClient, ileti_sandbox: Any, to: str) -> None:
    job = client.send_message(to, "Merhaba!", provider="telegram")
    assert job.to == to and job.job_id
    assert client.get_job(job.job_id)["to"] == to
    assert ileti_sandbox.refusals() == []


def test_a_bulk_send_takes_handles_too(client: IletinizClient, ileti_sandbox: Any) -> None:
    result = client.send_bulk([("@ayse", "Merhaba"), ("-1001234567890", "Grup")], provider="telegram")
    assert [r.to for r in result.results] == ["@ayse", "-1001234567890"] and not result.failed
    assert ileti_sandbox.refusals() == []


@pytest.mark.parametrize("to", ["", "@" + "a" * 64, "a b", "@bad-name"])
def test_the_client_refuses_a_to_outside_the_rule_before_any_request(
    client: IletinizClient, ileti_sandbox: Any, to: str
) -> None:
    with pytest.raises(ValidationError, match="to"):
        client.send_message(to, "Merhaba!", provider="telegram")
    assert ileti_sandbox.requests(service="iletiniz") == []


def test_an_sms_batch_still_takes_phone_numbers_only(client: IletinizClient) -> None:
    with pytest.raises(ValidationError):
        client.validate_send(SendBatch(messages=(SmsMessage("x", ("@ayse",)),)))


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"to": "@" + "a" * 64, "body": "x", "provider": "telegram"}, "to"),
        ({"to": "@ayse", "body": "x", "provider": "netgsm"}, "to"),  # an SMS provider needs a phone number
        ({"to": "+90 555", "body": "x"}, "to"),
    ],
)
def test_the_sandbox_refuses_a_to_the_channel_cannot_take(
    ileti_sandbox: Any, api_url: str, body: dict[str, Any], named: str
) -> None:
    response = requests.post(api_url + "/v1/messages", json=body, headers=AUTH, timeout=10)
    assert response.status_code == 422 and named in response.json()["message"]
    (refusal,) = ileti_sandbox.refusals()
    assert refusal["reason"].startswith(named)
