"""The GET send (``send-sms/get/``), as the vendor's page documents it."""

from __future__ import annotations

import logging

import requests
from lxml import etree

from airflow_provider_ileti.core.errors import DuplicateError
from airflow_provider_ileti.sandbox import credentials
from tests.integration.iletimerkezi.conftest import PREFIX, im_requests

VENDOR_SAMPLE = (
    "/send-sms/get/?key={key}&hash={hash}&text=Lorem%20ipsum%20dolor%20sit%20amet"
    "&receipents=5301234569,5301234570&sender=APITEST&iys=1&iysList=BIREYSEL"
)


def test_the_vendors_sample_url_works_with_sandbox_credentials(ileti_sandbox):
    url = (
        ileti_sandbox.url
        + PREFIX
        + VENDOR_SAMPLE.format(key=credentials.ILETIMERKEZI_KEY, hash=credentials.ILETIMERKEZI_HASH)
    )
    resp = requests.get(url, timeout=5)
    assert resp.status_code == 200
    assert resp.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(resp.content)
    assert [c.tag for c in root] == ["status", "order"]
    assert root.findtext("status/code") == "200"
    assert root.findtext("status/message") == "Operation Successful"
    assert root.findtext("order/id").isdigit()
    [order] = ileti_sandbox.admin.state("iletimerkezi")["orders"]
    assert order["total"] == 2 and order["iys_list"] == "BIREYSEL"
    entry = im_requests(ileti_sandbox, "/send-sms/get/")[0]
    assert entry["query"]["hash"] == "***" and entry["method"] == "GET"


def test_the_documented_error_answer(ileti_sandbox):
    url = ileti_sandbox.url + PREFIX + VENDOR_SAMPLE.format(key=credentials.ILETIMERKEZI_KEY, hash="wrong")
    resp = requests.get(url, timeout=5)
    assert resp.status_code == 401
    root = etree.fromstring(resp.content)
    assert [c.tag for c in root] == ["status"]
    assert (root.findtext("status/code"), root.findtext("status/message")) == (
        "401",
        "Membership information is incorrect",
    )


def test_client_get_send_keeps_the_hash_out_of_logs_and_errors(xml_client, ileti_sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    order_id = xml_client.send_via_get(
        "Lorem ipsum dolor", ["5301234569", "0530 123 45 70"], commercial=True, iys_list="BIREYSEL"
    )
    assert order_id.isdigit()
    entry = im_requests(ileti_sandbox, "/send-sms/get/")[-1]
    assert entry["query"]["text"] == "Lorem ipsum dolor"
    assert entry["query"]["receipents"] == "5301234569,5301234570"
    try:
        xml_client.send_via_get(
            "Lorem ipsum dolor", ["5301234569", "5301234570"], commercial=True, iys_list="BIREYSEL"
        )
    except DuplicateError as exc:
        error_text = str(exc)
    else:
        raise AssertionError("the same text to the same numbers within 10 minutes must be refused (451)")
    assert credentials.ILETIMERKEZI_HASH not in caplog.text
    assert credentials.ILETIMERKEZI_HASH not in error_text
    assert "send-sms/get/?key=***&hash=***" in caplog.text  # urllib3 DEBUG request line, redacted


def test_get_send_dropped_after_commit_is_ambiguous_without_the_url(xml_client, ileti_sandbox):
    import traceback

    from airflow_provider_ileti.core.errors import AmbiguousSendError

    ileti_sandbox.admin.add_fault(PREFIX + "/send-sms/get/", "drop_after_commit", times=1)
    try:
        xml_client.send_via_get("Merhaba", ["5555550001"])
    except AmbiguousSendError as exc:
        shown = "".join(traceback.format_exception(exc))
    else:
        raise AssertionError("a dropped GET send must be ambiguous")
    assert credentials.ILETIMERKEZI_HASH not in shown  # neither the message nor a chained requests error
    assert "1 recipient(s)" in shown
    assert len(im_requests(ileti_sandbox, "/send-sms/get/")) == 1
