"""The İletiniz sandbox is as strict as the SDK's documents: unknown and missing fields refused, and counted.

Refused answers are HTTP 400/422 ``{"error", "message"}`` naming the field; each is counted at
``/_admin/refusals``. State errors (quota, unknown job, auth) are not refusals.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY, ILETINIZ_CLIENT_ID
from airflow_provider_ileti.sandbox.services.iletiniz import PREFIX

AUTH = {"Authorization": f"Bearer {ILETINIZ_API_KEY}"}
PHONE = "+905551234567"


@pytest.fixture
def api(ileti_sandbox: Any) -> str:
    return ileti_sandbox.url + PREFIX


@pytest.mark.parametrize(
    ("path", "body", "status", "named"),
    [
        ("/v1/messages", {"to": PHONE, "body": "x", "callback": "https://x"}, 422, "callback"),
        ("/v1/messages", {"to": PHONE, "text": "x"}, 422, "text"),  # unknown, and then body missing
        ("/v1/messages", {"body": "x"}, 422, "to"),
        ("/v1/messages", {"to": PHONE}, 422, "body"),
        ("/v1/messages", {"to": PHONE, "body": "x", "iys": "1"}, 422, "iys"),
        ("/v1/messages", {"to": PHONE, "body": "x", "variables": {"a": 1}}, 422, "variables"),
        ("/v1/messages", {"to": PHONE, "body": "", "template": "otp", "variables": {"code": 1}}, 422, "body"),
        ("/v1/messages", {"to": PHONE, "body": "x" * 1601}, 422, "body"),
        ("/v1/messages/bulk", {"items": [{"to": PHONE, "body": "x"}], "body": "x"}, 422, "body"),
        ("/v1/messages/bulk", {"items": []}, 422, "items"),
        ("/v1/messages/bulk", {"provider": "netgsm"}, 422, "items"),
        ("/v1/messages/bulk", {"items": [{"to": PHONE, "body": "x", "sender": "A"}]}, 422, "items[0].sender"),
        ("/v1/messages/bulk", {"items": [{"body": "x"}]}, 422, "items[0].to"),
    ],
)
def test_a_request_the_document_forbids_is_refused_named_and_counted(
    ileti_sandbox: Any, api: str, path: str, body: dict[str, Any], status: int, named: str
) -> None:
    response = requests.post(api + path, json=body, headers=AUTH, timeout=10)
    assert response.status_code == status
    answer = response.json()
    assert set(answer) >= {"error", "message"} and named in answer["message"]
    (refusal,) = ileti_sandbox.refusals()
    assert refusal["service"] == "iletiniz" and refusal["reason"].startswith(named)
    assert ileti_sandbox.sandbox.services["iletiniz"].snapshot()["jobs"] == []


def test_a_bad_bulk_item_fails_alone_and_is_counted(ileti_sandbox: Any, api: str) -> None:
    body = {"items": [{"to": PHONE, "body": "ok"}, {"to": "+90 555", "body": "x"}]}
    answer = requests.post(api + "/v1/messages/bulk", json=body, headers=AUTH, timeout=10).json()
    assert (answer["sent"], answer["failed"]) == (1, 1)
    assert [r["reason"] for r in ileti_sandbox.refusals()] == ["items[1].to: a valid phone number"]


@pytest.mark.parametrize("path", ["/v1/account?verbose=1", "/v1/senders?all=1", "/v1/health?x=1"])
def test_an_unknown_query_parameter_is_refused(ileti_sandbox: Any, api: str, path: str) -> None:
    response = requests.get(api + path, headers=AUTH, timeout=10)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert len(ileti_sandbox.refusals()) == 1


def test_an_unparsable_body_is_refused(ileti_sandbox: Any, api: str) -> None:
    response = requests.post(api + "/v1/messages", data="{", headers=AUTH, timeout=10)
    assert response.status_code == 400 and "body" in response.json()["message"]
    assert len(ileti_sandbox.refusals()) == 1


def test_the_token_endpoint_refuses_unknown_and_missing_fields(ileti_sandbox: Any, api: str) -> None:
    extra = {
        "code": "c",
        "code_verifier": "v" * 43,
        "client_id": ILETINIZ_CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:1/cb",
        "client_secret": "s",
    }
    response = requests.post(api + "/connect/token", data=extra, timeout=10)
    assert response.status_code == 400 and "client_secret" in response.json()["message"]
    missing = requests.post(api + "/connect/token", data={"code": "c", "client_id": "x"}, timeout=10)
    assert missing.status_code == 400 and "code_verifier" in missing.json()["message"]
    assert [r["reason"] for r in ileti_sandbox.refusals()] == [
        "client_secret: unknown field",
        "code_verifier: required",
    ]


def test_state_errors_are_not_refusals(ileti_sandbox: Any, api: str) -> None:
    state = ileti_sandbox.sandbox.services["iletiniz"]
    assert requests.get(api + "/v1/messages/job_nope", headers=AUTH, timeout=10).status_code == 404
    assert requests.get(api + "/v1/account", timeout=10).status_code == 401
    state.set_plan(quota=0, used=0)
    body = {"to": PHONE, "body": "x"}
    assert requests.post(api + "/v1/messages", json=body, headers=AUTH, timeout=10).status_code == 402
    assert ileti_sandbox.refusals() == []


def test_every_shape_the_official_sdk_sends_is_accepted_and_not_counted(ileti_sandbox: Any, api: str) -> None:
    bodies = [
        ("/v1/messages", {"to": PHONE, "body": "Merhaba!"}),
        ("/v1/messages", {"to": PHONE, "body": "x", "sender": "MYSTORE", "provider": "netgsm", "iys": True}),
        ("/v1/messages", {"to": PHONE, "template": "otp", "variables": {"code": 4821}}),
        ("/v1/messages", {"to": "8409353994", "body": "Merhaba!", "provider": "telegram"}),
        ("/v1/messages/bulk", {"items": [{"to": PHONE, "body": "1"}, {"to": "+905552222222", "body": "2"}]}),
        (
            "/v1/messages/bulk",
            {"template": "order_shipped", "iys": False, "items": [{"to": PHONE, "variables": {"order": 7}}]},
        ),
    ]
    for path, body in bodies:
        response = requests.post(api + path, json=body, headers=AUTH, timeout=10)
        assert response.status_code == 201, response.text
    for path in ("/v1/account", "/v1/senders", "/v1/health"):
        assert requests.get(api + path, headers=AUTH, timeout=10).status_code == 200
    assert ileti_sandbox.refusals() == []
