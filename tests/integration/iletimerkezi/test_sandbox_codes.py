"""The sandbox answers raw requests with the service's codes, mirrored in the HTTP status.

The client validates before sending, so these go around it with plain ``requests``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from lxml import etree

from airflow_provider_ileti.sandbox import credentials
from tests.integration.iletimerkezi.conftest import PREFIX

AUTH = (
    f"<authentication><key>{credentials.ILETIMERKEZI_KEY}</key>"
    f"<hash>{credentials.ILETIMERKEZI_HASH}</hash></authentication>"
)


def order(sender="APITEST", iys="<iys>0</iys>", text="Merhaba", numbers=("5555550001",), date="", extra=""):
    nums = "".join(f"<number>{n}</number>" for n in numbers)
    return (
        f"<request>{AUTH}<order><sender>{sender}</sender><sendDateTime>{date}</sendDateTime>{iys}{extra}"
        f"<message><text>{text}</text><receipents>{nums}</receipents></message></order></request>"
    )


def post(ileti_sandbox, path: str, body: str) -> tuple[int, str]:
    resp = requests.post(ileti_sandbox.url + PREFIX + path, data=body.encode(), timeout=5)
    code = etree.fromstring(resp.content).findtext("status/code")
    assert str(resp.status_code) == code  # the HTTP status mirrors status.code
    return resp.status_code, code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("<request><unclosed>", 400),
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><request/>', 400),
        ("<request><authentication><key>x</key><hash>y</hash></authentication></request>", 401),
        (order(sender=""), 459),
        (order(sender="ABCDEFGHIJKL"), 460),
        (order(sender="İLETİ"), 460),
        (order(sender="NOTAPPROVED"), 450),
        (order(iys=""), 468),
        (order(iys="<iys>1</iys>"), 469),
        (order(iys="<iys>1</iys><iysList>HERKES</iysList>"), 422),
        (order(text=""), 454),
        (order(text="a" * (153 * 7 + 1)), 453),
        (order(numbers=("12345",)), 452),
        (order(numbers=()), 452),
        (order(date="2030-01-01 10:00"), 457),
    ],
)
def test_send_codes(ileti_sandbox, body, code):
    assert post(ileti_sandbox, "/send-sms", body)[0] == code
    assert ileti_sandbox.admin.state("iletimerkezi")["orders"] == []


def test_send_date_with_seconds_goes_at_once(ileti_sandbox):
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%d/%m/%Y %H:%M")
    assert post(ileti_sandbox, "/send-sms", order(date=later + ":00"))[0] == 200
    assert post(ileti_sandbox, "/send-sms", order(date=later, text="Planlı"))[0] == 200
    first, second = ileti_sandbox.admin.state("iletimerkezi")["orders"]
    assert first["scheduled"] is False and second["scheduled"] is True


def test_unknown_method_and_xml_get_reports_are_404(ileti_sandbox):
    assert post(ileti_sandbox, "/no-such-method", f"<request>{AUTH}</request>")[0] == 404
    assert post(ileti_sandbox, "/get-reports", f"<request>{AUTH}</request>")[0] == 404


def test_date_range_over_10_days_is_458(ileti_sandbox):
    body = {
        "request": {
            "authentication": {"key": credentials.ILETIMERKEZI_KEY, "hash": credentials.ILETIMERKEZI_HASH},
            "filter": {"start": "2026-01-01", "end": "2026-01-12"},
            "page": 1,
        }
    }
    resp = requests.post(ileti_sandbox.url + PREFIX + "/get-reports/json", data=json.dumps(body), timeout=5)
    assert resp.status_code == 458 and resp.json()["response"]["status"]["code"] == 458
    body["request"]["filter"]["end"] = "2026-01-11"
    resp = requests.post(ileti_sandbox.url + PREFIX + "/get-reports/json", data=json.dumps(body), timeout=5)
    assert resp.status_code == 200 and resp.json()["response"]["count"] == 0


def test_maintenance_answers_503_in_the_services_envelope(ileti_sandbox):
    ileti_sandbox.admin.add_fault(PREFIX + "/get-balance", "maintenance")
    assert post(ileti_sandbox, "/get-balance", f"<request>{AUTH}</request>")[0] == 503


@pytest.mark.parametrize(
    ("path", "as_json"),
    [
        ("/get-balance", False),
        ("/get-balance/json", True),
        ("/send-sms/json", True),
        ("/get-reports/json", True),
    ],
)
def test_maintenance_is_in_the_format_of_the_path(ileti_sandbox, path, as_json):
    ileti_sandbox.admin.add_fault(PREFIX + path, "maintenance")
    resp = requests.post(ileti_sandbox.url + PREFIX + path, data=b"{}", timeout=5)
    assert resp.status_code == 503
    if as_json:
        assert resp.headers["Content-Type"].startswith("application/json")
        status = resp.json()["response"]["status"]
        assert status["code"] == 503 and "unavailable" in status["message"]
    else:
        assert resp.headers["Content-Type"].startswith("text/xml")
        root = etree.fromstring(resp.content)
        assert root.tag == "response" and root.findtext("status/code") == "503"


def test_maintenance_on_the_get_send_is_xml(ileti_sandbox):
    ileti_sandbox.admin.add_fault(PREFIX + "/send-sms/get/", "maintenance", method="GET")
    resp = requests.get(ileti_sandbox.url + PREFIX + "/send-sms/get/", timeout=5)
    assert resp.status_code == 503 and etree.fromstring(resp.content).findtext("status/code") == "503"


def test_json_client_reads_maintenance_as_transient(ileti_sandbox):
    """The JSON client now gets a JSON 503 it can read: the vendor's meaning, not 'unreadable body'."""
    from airflow_provider_ileti.core.errors import TransientError
    from tests.integration.iletimerkezi.conftest import make_client

    ileti_sandbox.admin.add_fault(PREFIX + "/get-balance/json", "maintenance")
    client = make_client(ileti_sandbox, format="json", retries=0)
    with pytest.raises(TransientError, match="temporarily unavailable") as info:
        client.get_balance()
    assert 'service said: "Service temporarily unavailable"' in str(info.value)
    client.close()
