"""The İleti Merkezi sandbox takes each method's request tree as the vendor shows it, and counts refusals.

An element the page does not name is 400 (its "wrongly written tag"); a missing or bad field answers its own
code (459, 454, 452, 468, 469, 457, 422) with the field named. 401, 402, 450, 451, 455 (no such order),
456 and a black-listed number (452) are state errors, not refusals. The official SDKs' shapes pass.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from airflow_provider_ileti.sandbox import credentials

AUTH = {"key": credentials.ILETIMERKEZI_KEY, "hash": credentials.ILETIMERKEZI_HASH}
MESSAGE = {"text": "Merhaba", "receipents": {"number": ["5555550001"]}}
ORDER = {"sender": "APITEST", "sendDateTime": "", "iys": "0", "message": MESSAGE}


def _post(ileti_sandbox: Any, method: str, request: dict[str, Any]) -> dict[str, Any]:
    url = f"{ileti_sandbox.url}/iletimerkezi/v1/{method}/json"
    body = json.dumps({"request": {"authentication": AUTH, **request}})
    answer = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10).json()
    return dict(answer["response"])


@pytest.mark.parametrize(
    ("method", "request_tree", "code", "named"),
    [
        ("send-sms", {"order": {**ORDER, "priority": "high"}}, 400, "order.priority"),
        (
            "send-sms",
            {"order": {**ORDER, "message": {**MESSAGE, "unicode": "1"}}},
            400,
            "order.message.unicode",
        ),
        ("send-sms", {"order": {k: v for k, v in ORDER.items() if k != "iys"}}, 468, "order.iys"),
        ("send-sms", {"order": {**ORDER, "iys": "1"}}, 469, "order.iysList"),
        ("send-sms", {"order": {**ORDER, "sender": ""}}, 459, "order.sender"),
        (
            "send-sms",
            {"order": {**ORDER, "message": {"receipents": MESSAGE["receipents"]}}},
            454,
            "order.message.text",
        ),
        (
            "send-sms",
            {"order": {**ORDER, "message": {"text": "x", "receipents": {"number": ["123"]}}}},
            452,
            "number",
        ),
        ("send-sms", {"order": {**ORDER, "sendDateTime": "2030-01-01 10:00"}}, 457, "order.sendDateTime"),
        ("get-report", {"order": {"page": "1"}}, 422, "order.id"),
        ("get-report", {"order": {"id": "1", "rowCount": "5000"}}, 422, "rowCount"),
        ("cancel-order", {"order": {"id": "1", "reason": "x"}}, 400, "order.reason"),
        ("get-balance", {"balance": {}}, 400, "balance"),
        ("add-blacklist", {"blacklist": {}}, 452, "blacklist.number"),
    ],
)
def test_a_request_outside_the_document_is_refused_named_and_counted(
    ileti_sandbox: Any, method: str, request_tree: dict[str, Any], code: int, named: str
) -> None:
    status = _post(ileti_sandbox, method, request_tree)["status"]
    assert int(status["code"]) == code and named in status["message"]
    (refusal,) = ileti_sandbox.refusals()
    assert refusal["service"] == "iletimerkezi" and named in refusal["reason"]


def test_an_unknown_method_an_unknown_get_parameter_and_bad_xml_are_refused(ileti_sandbox: Any) -> None:
    base = f"{ileti_sandbox.url}/iletimerkezi/v1"
    assert requests.post(f"{base}/send-smss", data="<request/>", timeout=10).status_code == 404
    assert requests.post(f"{base}/get-balance", data="<request>", timeout=10).status_code == 400
    query = {**AUTH, "text": "x", "receipents": "5555550001", "sender": "APITEST", "iys": "0", "unicode": "1"}
    assert requests.get(f"{base}/send-sms/get/", params=query, timeout=10).status_code == 400
    assert [r["reason"].split(":")[0] for r in ileti_sandbox.refusals()] == ["method", "body", "unicode"]


def test_state_errors_are_not_refusals(ileti_sandbox: Any) -> None:
    assert int(_post(ileti_sandbox, "get-report", {"order": {"id": "1"}})["status"]["code"]) == 455
    assert (
        int(_post(ileti_sandbox, "send-sms", {"order": {**ORDER, "sender": "NOPE"}})["status"]["code"]) == 450
    )
    assert int(_post(ileti_sandbox, "send-sms", {"order": ORDER})["status"]["code"]) == 200
    assert int(_post(ileti_sandbox, "send-sms", {"order": ORDER})["status"]["code"]) == 451
    ileti_sandbox.admin.iletimerkezi_credits(0) if hasattr(
        ileti_sandbox.admin, "iletimerkezi_credits"
    ) else None
    assert ileti_sandbox.refusals() == []


def test_the_official_sdk_shapes_pass_uncounted(ileti_sandbox: Any) -> None:
    # iletimerkezi-python: iysList is always sent (BIREYSEL), also with iys 0, and sendDateTime ''.
    sdk = {"sender": "APITEST", "sendDateTime": "", "iys": "0", "iysList": "BIREYSEL", "message": MESSAGE}
    answer = _post(ileti_sandbox, "send-sms", {"order": sdk})
    assert int(answer["status"]["code"]) == 200
    # the JSON page's own samples: sendDateTime [] and ["23/04/2030 09:00"]
    for when in ([], ["23/04/2030 09:00"]):
        order = {**ORDER, "sendDateTime": when, "message": {**MESSAGE, "text": f"Örnek {when}"}}
        assert int(_post(ileti_sandbox, "send-sms", {"order": order})["status"]["code"]) == 200
    order_id = answer["order"]["id"]
    report = {"order": {"id": int(order_id), "page": 1, "rowCount": 1000}}  # the SDK sends numbers
    assert int(_post(ileti_sandbox, "get-report", report)["status"]["code"]) == 200
    assert int(_post(ileti_sandbox, "get-balance", {})["status"]["code"]) == 200
    assert ileti_sandbox.refusals() == []
