"""The WISECP sandbox over raw HTTP: the public envelope, token check, and the shapes we chose."""

from __future__ import annotations

from typing import Any

import requests

from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services import wisecp as sandbox_wisecp


def _post(ileti_sandbox: Any, function: str, body: Any) -> requests.Response:
    return requests.post(f"{ileti_sandbox.url}{sandbox_wisecp.PREFIX}/{function}", json=body, timeout=5)


def test_submit_answers_with_the_public_shape(ileti_sandbox: Any) -> None:
    body = {"user_token": WISECP_TOKEN, "origin": "ILETI", "message": "hi", "numbers": ["+447400123456"]}
    resp = _post(ileti_sandbox, "submit", body)
    assert (resp.status_code, resp.json()) == (200, {"status": "successful", "report_id": 1001})


def test_errors_are_the_envelope_with_http_200(ileti_sandbox: Any) -> None:
    resp = _post(ileti_sandbox, "balance", {"user_token": "nope"})
    assert (resp.status_code, resp.json()) == (200, {"status": "error", "message": "Invalid user token."})


def test_the_token_is_redacted_in_the_journal(ileti_sandbox: Any) -> None:
    _post(ileti_sandbox, "balance", {"user_token": WISECP_TOKEN})
    [entry] = ileti_sandbox.requests(service="wisecp")
    assert entry["body"] == {"user_token": "***"}


def test_a_body_that_is_not_json_is_refused(ileti_sandbox: Any) -> None:
    resp = requests.post(
        f"{ileti_sandbox.url}{sandbox_wisecp.PREFIX}/balance", data="user_token=x", timeout=5
    )
    assert resp.json()["status"] == "error"


def test_an_unknown_function_is_404(ileti_sandbox: Any) -> None:
    resp = _post(ileti_sandbox, "send", {"user_token": WISECP_TOKEN})
    assert resp.status_code == 404
    assert resp.json()["status"] == "error"


def test_maintenance_is_503_with_the_envelope(ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.add_fault(f"{sandbox_wisecp.PREFIX}/*", "maintenance")
    resp = _post(ileti_sandbox, "prices", {"user_token": WISECP_TOKEN})
    assert resp.status_code == 503
    assert resp.json() == {"status": "error", "message": sandbox_wisecp.MAINTENANCE_MESSAGE}


def test_balance_and_prices_shapes(ileti_sandbox: Any) -> None:
    balance = _post(ileti_sandbox, "balance", {"user_token": WISECP_TOKEN}).json()
    prices = _post(ileti_sandbox, "prices", {"user_token": WISECP_TOKEN}).json()
    assert balance == {"status": "successful", "balance": 100.0, "currency": "EUR"}
    assert prices["currency"] == "EUR"
    assert prices["prices"]["DE"] == 0.1234


def test_numbers_must_be_international(ileti_sandbox: Any) -> None:
    body = {"user_token": WISECP_TOKEN, "origin": "ILETI", "message": "hi", "numbers": ["07400123456"]}
    assert "Invalid number" in _post(ileti_sandbox, "submit", body).json()["message"]


def test_state_snapshot_and_reset(ileti_sandbox: Any) -> None:
    body = {"user_token": WISECP_TOKEN, "origin": "ILETI", "message": "hi", "numbers": ["+4915123456780"]}
    _post(ileti_sandbox, "submit", body)
    state = ileti_sandbox.admin.state("wisecp")
    assert state["balance"] == round(100.0 - sandbox_wisecp.PRICES["DE"], 4)
    assert [(r["report_id"], r["recipients"], r["parts"]) for r in state["reports"]] == [(1001, 1, 1)]
    ileti_sandbox.admin.reset()
    assert ileti_sandbox.admin.state("wisecp") == {"balance": 100.0, "currency": "EUR", "reports": []}
