"""POST /_admin/state/{service}: account state set from another process, over HTTP, checked whole first."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from airflow_provider_ileti.sandbox.admin_client import SandboxAdminError
from airflow_provider_ileti.sandbox.services.node.validation import ZONE

NODE_AUTH = ("sandbox", "sandbox-password")


def _node_create(url: str, number: str = "905551234560") -> requests.Response:
    body = {"type": 1, "sendingType": 0, "number": number, "sender": "SANDBOX", "title": "t", "content": "hi"}
    body["encoding"] = 0  # required by the document
    return requests.post(f"{url}/node/sms/create", json=body, auth=NODE_AUTH, timeout=5)


def test_node_credit_set_over_http_is_what_the_service_answers(ileti_sandbox):
    snapshot = ileti_sandbox.admin.set_node_credit(1)
    assert snapshot["credit"] == 1
    credit = requests.get(f"{ileti_sandbox.url}/node/user/credit", auth=NODE_AUTH, timeout=5).json()
    assert credit["data"]["credit"] == 1
    assert _node_create(ileti_sandbox.url).json()["err"] is None
    refused = _node_create(ileti_sandbox.url)
    assert refused.status_code == 402 and refused.json()["err"]["code"] == "ERR_USER_CREDIT_REQUIRED"


def test_node_sending_hours_set_over_http_give_sms44_and_lift(ileti_sandbox):
    hour = datetime.now(UTC).astimezone(ZONE).hour
    closed = [(hour + 2) % 24, (hour + 3) % 24]
    assert ileti_sandbox.admin.set_node_sending_hours(*closed)["sending_hours"] == closed
    refused = _node_create(ileti_sandbox.url)
    assert refused.status_code == 403 and refused.json()["err"]["code"] == "ERR_SMS_SENDING_TIME_LIMIT"
    assert ileti_sandbox.admin.set_node_sending_hours(None)["sending_hours"] is None
    assert _node_create(ileti_sandbox.url).json()["err"] is None


def test_iletiniz_plan_set_over_http(ileti_sandbox):
    snapshot = ileti_sandbox.admin.set_iletiniz_plan(quota=50, used=45)
    assert (snapshot["plan_active"], snapshot["quota"], snapshot["used"]) == (True, 50, 45)
    headers = {"Authorization": "Bearer iltz_test_sandbox0key"}
    account = requests.get(f"{ileti_sandbox.url}/iletiniz/v1/account", headers=headers, timeout=5).json()
    assert "45" in str(account) and "50" in str(account)
    # a field alone keeps the others: the plan stays active, the quota stays
    snapshot = ileti_sandbox.set_state("iletiniz", used=0)
    assert (snapshot["plan_active"], snapshot["quota"], snapshot["used"]) == (True, 50, 0)
    assert ileti_sandbox.admin.set_iletiniz_plan(active=None)["plan_active"] is None


def test_wisecp_balance_set_over_http(ileti_sandbox):
    assert ileti_sandbox.admin.set_wisecp_balance(0.5)["balance"] == 0.5
    resp = requests.post(
        f"{ileti_sandbox.url}/wisecp/api/sms/balance", json={"user_token": "sandbox-token"}, timeout=5
    )
    assert resp.json()["balance"] == 0.5


def test_iletimerkezi_credits_and_totals_set_over_http(ileti_sandbox):
    from airflow_provider_ileti.sandbox.credentials import ILETIMERKEZI_HASH, ILETIMERKEZI_KEY

    snapshot = ileti_sandbox.set_state("iletimerkezi", credits=3, omit_totals=True)
    assert (snapshot["credits"], snapshot["omit_totals"]) == (3, True)
    body = {"request": {"authentication": {"key": ILETIMERKEZI_KEY, "hash": ILETIMERKEZI_HASH}}}
    answer = requests.post(f"{ileti_sandbox.url}/iletimerkezi/v1/get-balance/json", json=body, timeout=5)
    assert answer.json()["response"]["balance"]["sms"] in (3, "3")
    assert ileti_sandbox.set_state("iletimerkezi", omit_totals=False)["omit_totals"] is False


@pytest.mark.parametrize(
    ("service", "body", "words"),
    [
        ("node", {"credit": -1}, ("credit", "-1", ">= 0")),
        ("node", {"credit": "lots"}, ("credit", "lots", "integer")),
        ("node", {"credit": True}, ("credit", "True", "integer")),
        ("node", {"credit": 5, "sending_hours": [9, 24]}, ("sending_hours[1]", "24", "0..23")),
        ("node", {"sending_hours": [9]}, ("sending_hours", "[start, end]")),
        ("node", {"balance": 5}, ("balance", "credit, sending_hours")),
        ("node", {}, ("body", "credit")),
        ("iletiniz", {"plan_active": "yes"}, ("plan_active", "yes")),
        ("iletiniz", {"quota": 1.5}, ("quota", "1.5", "integer")),
        ("wisecp", {"balance": float("nan")}, ("balance", "finite")),
        ("wisecp", {"balance": -2}, ("balance", ">= 0")),
        ("iletimerkezi", {"balance": 5}, ("balance", "credits, omit_totals")),
        ("iletimerkezi", {"omit_totals": 1}, ("omit_totals", "1", "true or false")),
    ],
)
def test_bad_state_payload_is_a_clear_400_and_changes_nothing(ileti_sandbox, service, body, words):
    before = ileti_sandbox.admin.state(service)
    raw = json.dumps(body)  # allows NaN, as a careless client might send it
    resp = requests.post(f"{ileti_sandbox.url}/_admin/state/{service}", data=raw, timeout=5)
    assert resp.status_code == 400 and resp.json()["error"] == "bad_state"
    for word in words:
        assert word in resp.json()["message"]
    assert ileti_sandbox.admin.state(service) == before


def test_state_body_that_is_not_a_json_object_is_refused(ileti_sandbox):
    for raw, word in ((b"credit=5", "not JSON"), (b"[1, 2]", "must be a JSON object")):
        resp = requests.post(
            f"{ileti_sandbox.url}/_admin/state/node",
            data=raw,
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        assert resp.status_code == 400 and word in resp.json()["message"]
    assert ileti_sandbox.admin.state("node")["credit"] == 100_000


def test_unknown_service_is_404_and_the_client_raises_with_the_reason(ileti_sandbox):
    resp = requests.post(f"{ileti_sandbox.url}/_admin/state/nope", json={"credit": 1}, timeout=5)
    assert resp.status_code == 404
    with pytest.raises(SandboxAdminError, match="credit=-5: must be >= 0"):
        ileti_sandbox.admin.set_node_credit(-5)


def test_reset_undoes_state_set_over_http(ileti_sandbox):
    ileti_sandbox.admin.set_node_credit(3)
    ileti_sandbox.admin.set_wisecp_balance(1)
    ileti_sandbox.admin.reset()
    assert ileti_sandbox.admin.state("node")["credit"] == 100_000
    assert ileti_sandbox.admin.state("wisecp")["balance"] == 100.0
