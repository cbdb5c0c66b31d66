"""The WISECP sandbox takes exactly the client API's fields (the seed) and counts every refusal.

A refusal is ``{"status": "error", "message"}`` naming the field; a wrong token, a country without a price,
pre-approval, the balance and an unknown report are state errors and are not counted.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services.wisecp import PREFIX

TOKEN = {"user_token": WISECP_TOKEN}
SUBMIT = {**TOKEN, "origin": "ILETI", "message": "Hello", "numbers": ["+447400123456"]}


@pytest.fixture
def api(ileti_sandbox: Any) -> str:
    return ileti_sandbox.url + PREFIX


def _post(api: str, function: str, body: Any) -> dict[str, Any]:
    response = requests.post(f"{api}/{function}", json=body, timeout=10)
    return dict(response.json())


@pytest.mark.parametrize(
    ("function", "body", "named"),
    [
        ("submit", {**SUBMIT, "schedule": "tomorrow"}, "schedule"),
        ("submit", {k: v for k, v in SUBMIT.items() if k != "origin"}, "origin"),
        ("submit", {**SUBMIT, "message": ""}, "message"),
        ("submit", {**SUBMIT, "numbers": "+447400123456"}, "numbers"),  # the document shows a list
        ("submit", {**SUBMIT, "numbers": ["07400123456"]}, "numbers[0]"),
        ("submit", {**SUBMIT, "origin": "ABCDEFGHIJKL"}, "origin"),
        ("submit", {**SUBMIT, "numbers": ["+12025550123"]}, "origin"),  # US takes numeric sender IDs only
        ("report", {**TOKEN}, "report_id"),
        ("report", {**TOKEN, "report_id": "abc"}, "report_id"),
        ("report", {**TOKEN, "report_id": 1001, "page": 2}, "page"),
        ("balance", {**TOKEN, "currency": "EUR"}, "currency"),
        ("prices", {**TOKEN, "country": "US"}, "country"),
        ("balance", {}, "user_token"),
    ],
)
def test_a_request_outside_the_document_is_refused_named_and_counted(
    ileti_sandbox: Any, api: str, function: str, body: dict[str, Any], named: str
) -> None:
    answer = _post(api, function, body)
    assert answer["status"] == "error" and named.split("[")[0] in answer["message"]
    (refusal,) = ileti_sandbox.refusals()
    assert refusal["service"] == "wisecp" and refusal["reason"].startswith(named)


def test_an_unknown_function_and_an_unparsable_body_are_refused(ileti_sandbox: Any, api: str) -> None:
    assert requests.post(f"{api}/send", json=TOKEN, timeout=10).status_code == 404
    requests.post(f"{api}/balance", data="{", timeout=10)
    assert [r["reason"].split(":")[0] for r in ileti_sandbox.refusals()] == ["function", "body"]


def test_state_errors_are_not_refusals(ileti_sandbox: Any, api: str) -> None:
    assert _post(api, "balance", {"user_token": "wrong"})["status"] == "error"
    assert _post(api, "report", {**TOKEN, "report_id": 999999})["status"] == "error"
    assert _post(api, "submit", {**SUBMIT, "numbers": ["+819012345678"]})["status"] == "error"  # no price
    ileti_sandbox.sandbox.services["wisecp"].set_balance(0)
    assert _post(api, "submit", SUBMIT)["status"] == "error"
    assert ileti_sandbox.refusals() == []


def test_every_documented_call_passes_uncounted(ileti_sandbox: Any, api: str) -> None:
    report_id = _post(api, "submit", SUBMIT)["report_id"]
    for function, body in [
        ("report", {**TOKEN, "report_id": report_id}),
        ("balance", TOKEN),
        ("prices", TOKEN),
    ]:
        assert _post(api, function, body)["status"] == "successful"
    assert _post(api, "report", {**TOKEN, "report_id": str(report_id)})["status"] == "successful"
    assert ileti_sandbox.refusals() == []
