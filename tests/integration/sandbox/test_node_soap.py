"""The Node sandbox's SOAP side: zeep, given only the WSDL URL, calls every operation and gets typed answers;
the vendor's own sample envelopes work; malformed envelopes get SOAP faults."""

from __future__ import annotations

import pytest
import requests
import zeep
from lxml import etree
from requests.auth import HTTPBasicAuth
from test_node_support import AUTH, NodeApi
from zeep.transports import Transport

from airflow_provider_ileti.sandbox.services.node.state import INITIAL_CREDIT

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def _zeep(url: str, query: str) -> zeep.Client:
    session = requests.Session()
    session.auth = HTTPBasicAuth(*AUTH)
    return zeep.Client(f"{url}/node/soap?{query}", transport=Transport(session=session))


@pytest.fixture(params=["typed", "loose"])
def soap(ileti_sandbox, request) -> zeep.Client:
    """zeep on the typed WSDL and on the loose one (``?wsdl&loose``: every array item ``xsd:anyType``)."""
    return _zeep(ileti_sandbox.url, "wsdl&loose" if request.param == "loose" else "wsdl")


@pytest.fixture
def typed_soap(ileti_sandbox) -> zeep.Client:
    """zeep on the typed WSDL only: for tests of typed answers (the loose WSDL's items come back untyped)."""
    return _zeep(ileti_sandbox.url, "wsdl")


def _raw(url: str, action: str, inner: str, *, auth: tuple[str, str] | None = None) -> requests.Response:
    port = url.rsplit(":", 1)[1]
    envelope = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:sms="http://localhost:{port}/wsdl/sms">'
        f"<soapenv:Header/><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>"
    )
    return requests.post(
        f"{url}/node/soap",
        data=envelope.encode(),
        auth=auth,
        timeout=10,
        headers={"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": action},
    )


def test_wsdl_namespace_follows_the_host(ileti_sandbox):
    port = ileti_sandbox.url.rsplit(":", 1)[1]
    resp = requests.get(
        f"{ileti_sandbox.url}/node/soap?wsdl", headers={"Host": f"localhost:{port}"}, timeout=5
    )
    root = etree.fromstring(resp.content)
    assert root.get("targetNamespace") == f"http://localhost:{port}/wsdl/sms"
    address = root.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert address is not None and address.get("location") == f"http://localhost:{port}/node/soap"
    operations = {op.get("name") for op in root.iter("{http://schemas.xmlsoap.org/wsdl/}operation")}
    assert operations == {
        "sendOtp",
        "sendSms",
        "getSmsPackages",
        "getSmsPackageItems",
        "getSmsSenders",
        "cancelSmsPackage",
        "getUserCredit",
    }


def test_zeep_calls_every_operation_with_typed_answers(ileti_sandbox, typed_soap):
    service = typed_soap.service
    single = service.sendSms(
        type=1,
        sendingType=0,
        number="905551230001",
        sender="SANDBOX",
        title="T",
        content="Tekil",
        encoding=0,
        validity=60,
        customID="soap.1",
    )
    assert single.err is None and isinstance(single.data.pkgID, int)
    many = service.sendSms(
        type=1,
        sendingType=1,
        numbers={"item": [{"nr": "905551230002"}, {"nr": "905551230009"}]},
        sender="SANDBOX",
        title="T",
        content="Çoklu",
        encoding=1,
        periodicSettings={"periodType": 0, "amount": 1000, "interval": 1},
        pushSettings={"url": "https://example.invalid/hook"},
    )
    per_number = service.sendSms(
        type=1,
        sendingType=2,
        sender="SANDBOX",
        title="T",
        content="N-N",
        encoding=0,
        numbers={"item": [{"nr": "905551230003", "msg": "A"}, {"nr": "905551230004", "msg": "B"}]},
    )
    otp = service.sendOtp(
        number="905551230005", sender="SANDBOX", content="Kod 1", validity=3, commercial=False
    )
    assert otp.err is None and otp.data.pkgID == per_number.data.pkgID + 1

    packages = service.getSmsPackages(ids={"item": [single.data.pkgID, many.data.pkgID]})
    assert packages.err is None and packages.data.stats.totalRecord == 2
    first = packages.data.list.item[-1]
    assert (first.id, first.customID, first.senders.item, first.validity) == (
        single.data.pkgID,
        "soap.1",
        ["SANDBOX"],
        60,
    )
    assert first.statistics.rCount == 1 and first.isScheduled == 0 and isinstance(first.sendingDate, str)
    assert service.getSmsPackages(customIDs={"item": ["soap.1"]}).data.list.item[0].id == single.data.pkgID

    ileti_sandbox.admin.clock(advance=60)
    items = service.getSmsPackageItems(pkgID=many.data.pkgID, pageSize=10)
    assert items.data.stats.totalRecord == 2
    assert {(i.target, i.state) for i in items.data.list.item} == {("905551230002", 3), ("905551230009", 4)}
    texts = service.getSmsPackageItems(uuid=None, customID=None, pkgID=per_number.data.pkgID).data.list.item
    assert [t.msg for t in texts] == ["A", "B"]

    senders = service.getSmsSenders(status=1).data
    assert "SANDBOX" in [s.title for s in senders.list.item]

    credit = service.getUserCredit()
    assert credit.err is None and credit.data.credit == INITIAL_CREDIT - 6

    later = NodeApi(ileti_sandbox.url).send(sendingDate="2099-01-01 10:00")
    assert service.cancelSmsPackage(id=later).data.status == 1
    refused = service.cancelSmsPackage(id=single.data.pkgID)
    assert refused.data is None
    assert (refused.err.status, refused.err.code) == (409, "ERR_SMS_PKG_NOT_CHANGEABLE")


def test_zeep_takes_plain_strings_as_one_to_many_numbers(ileti_sandbox, soap):
    answer = soap.service.sendSms(
        type=1,
        sendingType=1,
        numbers={"item": ["905551230001", "905551230002"]},
        sender="SANDBOX",
        title="T",
        content="x",
        encoding=0,
    )
    assert answer.err is None
    items = NodeApi(ileti_sandbox.url).data("sms/list-item", {"pkgID": answer.data.pkgID})["list"]
    assert [i["target"] for i in items] == ["905551230001", "905551230002"]


def test_zeep_errors_come_back_typed_in_err(ileti_sandbox, soap):
    answer = soap.service.sendSms(type=1, sendingType=1, sender="SANDBOX", content="x")
    assert answer.data is None and answer.err.code == "ERR_BAD_REQUEST" and answer.err.status == 400
    assert soap.service.getSmsPackageItems(pkgID=1).err.code == "ERR_SMS_PKG_NOT_FOUND"
    soap.service.sendOtp(number="905551230001", sender="SANDBOX", content="k", customID="dup")
    assert (
        soap.service.sendOtp(number="905551230001", sender="SANDBOX", content="k", customID="dup").err.code
        == "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION"
    )


def test_auth_in_the_body_or_refused(ileti_sandbox):
    plain = zeep.Client(f"{ileti_sandbox.url}/node/soap?wsdl")
    assert plain.service.getUserCredit(username=AUTH[0], password=AUTH[1]).data.credit == INITIAL_CREDIT
    refused = plain.service.getUserCredit(username=AUTH[0], password="wrong")
    assert refused.data is None and (refused.err.status, refused.err.code) == (401, "ERR_USER_NOT_AUTHORIZED")
    assert plain.service.getUserCredit().err.status == 401


def test_the_vendors_sample_envelopes_work_unchanged(ileti_sandbox):
    body_auth = f"<username>{AUTH[0]}</username><password>{AUTH[1]}</password>"
    resp = _raw(
        ileti_sandbox.url,
        "sendSms",
        (
            f"<sms:sendSms>{body_auth}<type>1</type><sendingType>1</sendingType><title>Test message</title>"
            "<content>Test mesaji icerigidir. &gt; &amp; abc</content>"
            "<numbers><item>905511034554</item><item>905433404971</item></numbers><encoding>1</encoding>"
            "<sender>BASLIK</sender><periodicSettings><periodType>0</periodType><amount>1000</amount>"
            "<interval>1</interval></periodicSettings><sendingDate></sendingDate><validity>60</validity>"
            "<pushSettings><url>https://webhook.site/d1417d5d</url></pushSettings><commercial></commercial>"
            "</sms:sendSms>"
        ),
    )
    assert resp.status_code == 200
    result = etree.fromstring(resp.content).find(f"{{{SOAP_ENV}}}Body")[0].find("result")
    pkg_id = int(result.findtext("data/pkgID"))
    resp = _raw(
        ileti_sandbox.url,
        "getSmsPackages",
        (
            f"<sms:getSmsPackages>{body_auth}<ids><item>{pkg_id}</item></ids><keyword></keyword><sender></sender>"
            "<status></status><startDate></startDate><finishDate></finishDate><pageIndex></pageIndex>"
            "<pageSize></pageSize></sms:getSmsPackages>"
        ),
    )
    result = etree.fromstring(resp.content).find(f"{{{SOAP_ENV}}}Body")[0].find("result")
    err = result.find("err")  # as the vendor's sample: <err></err>, then <data>
    assert err is not None and len(err) == 0 and not (err.text or "").strip()
    assert [child.tag for child in result] == ["err", "data"]
    package = result.find("data/list/item")
    assert package.findtext("content") == "Test mesaji icerigidir. > & abc"
    assert package.findtext("senders/item") == "BASLIK" and package.findtext("statistics/rCount") == "2"
    assert AUTH[1] not in str(ileti_sandbox.requests(service="node"))  # the journal redacts <password>
    resp = _raw(ileti_sandbox.url, '"getUserCredit"', "<sms:getUserCredit/>", auth=AUTH)
    assert etree.fromstring(resp.content).findtext(".//data/credit") == str(INITIAL_CREDIT - 2)


@pytest.mark.parametrize(
    ("action", "body", "why"),
    [
        ("sendSms", b"not xml at all", "not XML"),
        ("sendSms", b"<a><b/></a>", "not an envelope"),
        ("sendSms", f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body/></s:Envelope>'.encode(), "empty body"),
        (
            "dropTables",
            f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><dropTables/></s:Body></s:Envelope>'.encode(),
            "unknown operation",
        ),
        (
            "sendOtp",
            f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><getUserCredit/></s:Body></s:Envelope>'.encode(),
            "action mismatch",
        ),
    ],
)
def test_malformed_requests_get_soap_faults(ileti_sandbox, action, body, why):
    resp = requests.post(
        f"{ileti_sandbox.url}/node/soap", data=body, headers={"SOAPAction": action}, auth=AUTH, timeout=5
    )
    assert resp.status_code == 500, why
    fault = etree.fromstring(resp.content).find(f".//{{{SOAP_ENV}}}Fault")
    assert fault is not None and fault.findtext("faultcode") == "soap:Client", why


def test_external_entities_are_not_resolved(ileti_sandbox, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><sendOtp><username>{AUTH[0]}</username>'
        f"<password>{AUTH[1]}</password><number>905551230001</number><sender>SANDBOX</sender>"
        "<content>&x;</content></sendOtp></s:Body></s:Envelope>"
    )
    resp = requests.post(
        f"{ileti_sandbox.url}/node/soap", data=body.encode(), headers={"SOAPAction": "sendOtp"}, timeout=5
    )
    assert "TOPSECRET" not in resp.text
    assert all(
        "TOPSECRET" not in str(p.get("content"))
        for p in ileti_sandbox.sandbox.services["node"].snapshot()["packages"]
    )


def test_maintenance_is_a_soap_fault_carrying_sms99(ileti_sandbox, soap):
    ileti_sandbox.admin.add_fault("/node/soap", "maintenance", times=1, method="POST")
    with pytest.raises(zeep.exceptions.Fault) as caught:
        soap.service.getUserCredit()
    assert "ERR_SYSTEM_MAINTENANCE" in caught.value.message
    assert caught.value.detail.findtext("err/code") == "ERR_SYSTEM_MAINTENANCE"
    assert soap.service.getUserCredit().data.credit == INITIAL_CREDIT


def test_soap_and_rest_share_one_account(ileti_sandbox, typed_soap):
    soap = typed_soap
    pkg_id = NodeApi(ileti_sandbox.url).send(customID="shared")
    assert soap.service.getSmsPackages(customIDs={"item": ["shared"]}).data.list.item[0].id == pkg_id
    assert (
        soap.service.sendOtp(number="905551230001", sender="SANDBOX", content="x", customID="shared").err.code
        == "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION"
    )


def test_the_loose_wsdl_declares_every_array_item_as_any_type(ileti_sandbox):
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    items: dict[str, dict[str, str]] = {}
    for query in ("wsdl", "wsdl&loose"):
        root = etree.fromstring(requests.get(f"{ileti_sandbox.url}/node/soap?{query}", timeout=5).content)
        items[query] = {
            t.get("name"): t.find(f"{xsd}sequence/{xsd}element").get("type")
            for t in root.iter(f"{xsd}complexType")
            if str(t.get("name", "")).startswith("ArrayOf")
        }
    assert items["wsdl"]["ArrayOfNumberItem"] == "tns:NumberItem"
    assert set(items["wsdl&loose"].values()) == {"xsd:anyType"}
    assert items["wsdl"].keys() == items["wsdl&loose"].keys()
    ileti_sandbox.set_state("node", loose_wsdl=True)  # the state option serves it without the query
    root = etree.fromstring(requests.get(f"{ileti_sandbox.url}/node/soap?wsdl", timeout=5).content)
    assert 'type="xsd:anyType"' in etree.tostring(root).decode()
