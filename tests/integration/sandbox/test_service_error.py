"""The service_error fault: a chosen code in the service's own envelope, before the handler runs."""

from __future__ import annotations

import pytest
import requests
from lxml import etree

NODE_AUTH = ("sandbox", "sandbox-password")
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def _create(url: str) -> requests.Response:
    body = {
        "type": 1,
        "sendingType": 0,
        "number": "905551234560",
        "sender": "SANDBOX",
        "title": "t",
        "content": "x",
        "encoding": 0,
    }
    return requests.post(f"{url}/node/sms/create", json=body, auth=NODE_AUTH, timeout=5)


def test_node_rest_answers_the_chosen_code_and_creates_nothing(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/node/sms/create", "service_error", code="SMS50", retry_after=0.3, times=1)
    refused = _create(ileti_sandbox.url)
    assert refused.status_code == 429
    assert refused.json() == {
        "err": {
            "status": 429,
            "code": "ERR_MULTI_REQUEST_NOT_PERMITTED",
            "message": "injected service error",
        },
        "data": None,
    }
    assert refused.headers["Retry-After"] == "1"
    assert ileti_sandbox.admin.state("node")["package_count"] == 0  # the handler never ran
    assert _create(ileti_sandbox.url).json()["err"] is None  # spent: the next one goes through
    assert ileti_sandbox.admin.state("node")["package_count"] == 1


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_the_node_client_reads_an_injected_code_on_both_wires(ileti_sandbox, protocol):
    from airflow_provider_ileti.clients.node.client import NodeClient
    from airflow_provider_ileti.core.errors import IletiError

    path = "/node/soap" if protocol == "soap" else "/node/user/credit"
    ileti_sandbox.admin.add_fault(path, "service_error", code="SMS44", message="closed hours", method="POST")
    conn = ileti_sandbox.connections()["node_sms_default"]
    client = NodeClient(conn["host"], conn["login"], conn["password"], protocol=protocol, timeout=5.0)
    try:
        with pytest.raises(IletiError, match="ERR_SMS_SENDING_TIME_LIMIT") as caught:
            client.get_credit()
    finally:
        client.close()
    assert getattr(caught.value, "code", None) == "SMS44"


def test_node_soap_answers_the_code_in_result_err(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/node/soap", "service_error", code="SMS50")
    envelope = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:sms="urn:x"><soapenv:Body>'
        "<sms:getUserCredit><username>sandbox</username><password>sandbox-password</password>"
        "</sms:getUserCredit></soapenv:Body></soapenv:Envelope>"
    )
    resp = requests.post(
        f"{ileti_sandbox.url}/node/soap",
        data=envelope.encode(),
        headers={"Content-Type": "text/xml"},
        timeout=5,
    )
    assert resp.status_code == 200  # Node's SOAP refusals ride in <result><err>, as real ones do
    body = etree.fromstring(resp.content).find(f"{{{SOAP_ENV}}}Body")[0]
    assert etree.QName(body).localname == "getUserCreditResponse"
    assert body.findtext("result/err/code") == "ERR_MULTI_REQUEST_NOT_PERMITTED"
    assert body.findtext("result/err/status") == "429" and body.find("result/data") is None
    assert "sandbox-password" not in str(ileti_sandbox.admin.requests(service="node"))


def test_node_soap_over_zeep_reads_the_injected_error(ileti_sandbox):
    import zeep

    ileti_sandbox.admin.add_fault("/node/soap", "service_error", code="SMS18", times=1, method="POST")
    session = requests.Session()
    session.auth = NODE_AUTH
    client = zeep.Client(f"{ileti_sandbox.url}/node/soap?wsdl", transport=zeep.Transport(session=session))
    refused = client.service.getUserCredit()
    assert (
        refused.data is None and refused.err.code == "ERR_USER_CREDIT_REQUIRED" and refused.err.status == 402
    )
    answered = client.service.getUserCredit()
    assert answered.err is None and answered.data.credit == 100_000


def test_iletimerkezi_answers_its_code_in_xml_and_json(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/iletimerkezi/v1/send-sms*", "service_error", code="455")
    xml = requests.post(f"{ileti_sandbox.url}/iletimerkezi/v1/send-sms", data=b"<request/>", timeout=5)
    assert xml.status_code == 455
    root = etree.fromstring(xml.content)
    assert root.findtext("status/code") == "455"
    assert root.findtext("status/message") == "Order not found or already being sent"
    as_json = requests.post(
        f"{ileti_sandbox.url}/iletimerkezi/v1/send-sms/json", json={"request": {}}, timeout=5
    )
    assert as_json.status_code == 455 and as_json.json()["response"]["status"]["code"] == 455


def test_iletiniz_and_wisecp_answer_in_their_own_shapes(ileti_sandbox):
    ileti_sandbox.admin.add_fault(
        "/iletiniz/v1/messages", "service_error", code="quota_exceeded", status=402, message="no quota"
    )
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/submit", "service_error", code="Insufficient balance.")
    iletiniz = requests.post(f"{ileti_sandbox.url}/iletiniz/v1/messages", json={}, timeout=5)
    assert iletiniz.status_code == 402
    assert iletiniz.json() == {"error": "quota_exceeded", "message": "no quota"}
    assert iletiniz.headers["x-request-id"].startswith("req_")
    wisecp = requests.post(f"{ileti_sandbox.url}/wisecp/api/sms/submit", json={}, timeout=5)
    assert wisecp.status_code == 200 and wisecp.json() == {
        "status": "error",
        "message": "Insufficient balance.",
    }
    assert (
        ileti_sandbox.admin.state("iletiniz")["jobs"] == []
        and ileti_sandbox.admin.state("wisecp")["reports"] == []
    )
