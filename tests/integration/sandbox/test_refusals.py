"""The refusal count: what the conformance suite reads to know that the sandbox refused nothing."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from airflow_provider_ileti.sandbox import credentials

pytestmark = pytest.mark.integration

AUTH = (credentials.NODE_USERNAME, credentials.NODE_PASSWORD)


def test_a_request_that_breaks_the_document_is_counted_with_its_reason(ileti_sandbox: Any) -> None:
    resp = requests.post(
        f"{ileti_sandbox.url}/node/sms/create", json={"sendingType": 1}, auth=AUTH, timeout=10
    )
    assert resp.status_code == 400 and resp.json()["err"]["code"] == "ERR_BAD_REQUEST"
    answer = ileti_sandbox.admin.refusals()
    assert answer["count"] == 1
    (refusal,) = answer["refusals"]
    assert refusal["service"] == "node" and refusal["path"] == "/node/sms/create"
    assert "type" in refusal["reason"]
    (entry,) = ileti_sandbox.requests(service="node")
    assert entry["extra"]["refusal"] == refusal["reason"]
    assert ileti_sandbox.refusals() == answer["refusals"]


def test_state_errors_and_good_requests_are_not_refusals_and_reset_clears_the_count(
    ileti_sandbox: Any,
) -> None:
    ok = requests.get(f"{ileti_sandbox.url}/node/user/credit", auth=AUTH, timeout=10)
    missing = requests.post(f"{ileti_sandbox.url}/node/sms/cancel", json={"id": 1}, auth=AUTH, timeout=10)
    wrong_password = requests.get(f"{ileti_sandbox.url}/node/user/credit", auth=("sandbox", "x"), timeout=10)
    assert (ok.status_code, missing.status_code, wrong_password.status_code) == (200, 404, 401)
    assert ileti_sandbox.admin.refusals()["count"] == 0
    requests.post(f"{ileti_sandbox.url}/node/sms/create", json={}, auth=AUTH, timeout=10)
    assert ileti_sandbox.admin.refusals()["count"] == 1
    ileti_sandbox.admin.reset()
    assert ileti_sandbox.admin.refusals() == {"count": 0, "refusals": []}
