"""The official ``iletiniz`` SDK works on the sandbox unchanged and makes the same jobs as our client."""

from __future__ import annotations

from typing import Any

import iletiniz
import pytest

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY


@pytest.fixture
def sdk(api_url: str) -> iletiniz.IletinizClient:
    return iletiniz.IletinizClient(api_key=ILETINIZ_API_KEY, base_url=api_url, max_retries=0)


def _jobs(state: Any) -> list[tuple[Any, ...]]:
    return [
        (j["to"], j["provider"], j["sender"], j["text"], j["template"], j["iys"], j["parts"])
        for j in state.snapshot()["jobs"]
    ]


def test_sdk_send_bulk_and_retrieve(sdk: iletiniz.IletinizClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.clock(speed=1)
    assert sdk.health.check() == {"ok": True, "db": "up"}
    sent = sdk.messages.send(
        {"to": "+905551234567", "body": "Merhaba", "sender": "ILETI", "provider": "netgsm"}
    )
    assert sent["status"] == "queued" and sent["to"] == "+905551234567" and sent["provider"] == "netgsm"
    bulk = sdk.messages.send_bulk(
        {"items": [{"to": "+905551234567", "body": "a"}, {"to": "+905551234568", "body": "b"}]}
    )
    assert bulk["total"] == 2 and bulk["sent"] == 2 and bulk["failed"] == 0
    assert all(r["status"] == "sent" and r["job_id"] for r in bulk["results"])
    job = sdk.messages.retrieve(sent["job_id"])
    assert job["status"] == "queued" and job["sent_at"] is None
    ileti_sandbox.admin.clock(advance=60)
    assert sdk.messages.status(sent["job_id"])["status"] == "delivered"
    assert sdk.messages.retrieve(sent["job_id"])["delivered_at"]


def test_sdk_errors(sdk: iletiniz.IletinizClient, api_url: str) -> None:
    with pytest.raises(iletiniz.IletinizNotFoundError) as nf:
        sdk.messages.retrieve("job_missing")
    assert nf.value.code == "not_found" and nf.value.request_id
    with pytest.raises(iletiniz.IletinizValidationError) as bad:
        sdk.messages.send({"to": "+905551234567", "body": "x", "sender": "NOPE"})
    assert bad.value.status == 422
    other = iletiniz.IletinizClient(api_key="iltz_test_unknown", base_url=api_url, max_retries=0)
    with pytest.raises(iletiniz.IletinizAuthenticationError):
        other.health.check()


def test_sdk_and_our_client_make_the_same_jobs(
    sdk: iletiniz.IletinizClient, client: IletinizClient, state: Any, ileti_sandbox: Any
) -> None:
    numbers = ["+905551234561", "+905551234562", "+905551234563"]
    sdk.messages.send(
        {"to": numbers[0], "body": "Tek", "sender": "MYSTORE", "provider": "netgsm", "iys": True}
    )
    sdk.messages.send({"to": numbers[0], "template": "otp", "variables": {"code": "42"}})
    sdk.messages.send_bulk({"sender": "ILETI", "items": [{"to": n, "body": "Çoklu ğüşiöç"} for n in numbers]})
    sdk.messages.send_bulk(
        {"template": "order_shipped", "items": [{"to": n, "variables": {"order": n[-1]}} for n in numbers]}
    )
    by_sdk = _jobs(state)
    sdk_requests = [r["body"] for r in ileti_sandbox.requests(service="iletiniz", method="POST")]
    ileti_sandbox.reset()

    client.send_message(numbers[0], "Tek", sender="MYSTORE", provider="netgsm", iys=True)
    client.send_message(numbers[0], template="otp", variables={"code": "42"})
    client.send_bulk(numbers, body="Çoklu ğüşiöç", sender="ILETI")
    client.send_bulk([(n, {"order": n[-1]}) for n in numbers], template="order_shipped")
    assert _jobs(state) == by_sdk
    ours = [r["body"] for r in ileti_sandbox.requests(service="iletiniz", method="POST")]
    assert ours == sdk_requests  # the very same JSON bodies


def test_bulk_answers_per_item_and_refuses_over_200(sdk: iletiniz.IletinizClient, state: Any) -> None:
    bulk = sdk.messages.send_bulk(
        {"items": [{"to": "+905551234567", "body": "ok"}, {"to": "12345678", "body": "bad number"}]}
    )
    assert (bulk["sent"], bulk["failed"]) == (1, 1)
    assert bulk["results"][1] == {
        "to": "12345678",
        "status": "failed",
        "error": {"code": "invalid_number", "message": "items[1].to: a valid phone number"},
    }
    assert len(state.snapshot()["jobs"]) == 1 and state.snapshot()["used"] == 1
    too_many = {"items": [{"to": "+905551234567", "body": "x"}] * 201}
    with pytest.raises(iletiniz.IletinizError):  # the SDK refuses it itself
        sdk.messages.send_bulk(too_many)


def test_sandbox_refuses_over_200_items(api_url: str) -> None:
    import requests

    answer = requests.post(
        api_url + "/v1/messages/bulk",
        json={"items": [{"to": "+905551234567", "body": "x"}] * 201},
        headers={"Authorization": f"Bearer {ILETINIZ_API_KEY}"},
        timeout=10,
    )
    assert answer.status_code == 422 and answer.json()["error"] == "validation_error"
    assert answer.headers["x-request-id"].startswith("req_")
