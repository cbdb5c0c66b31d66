"""Issue #11: the Node sandbox is as strict as the vendor's document, over REST and SOAP.

Every unmarked field is required, an unnamed field is refused, a text the declared encoding cannot carry is
refused; each refusal is SMS00 naming the field and is counted at ``/_admin/refusals``. The SOAPAction rule
(``REFUSE_MISMATCHED_SOAP_ACTION``) accepts what real SOAP stacks send.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from lxml import etree
from test_node_support import AUTH, NodeApi

from airflow_provider_ileti.sandbox.services.node.fields import FIELDS
from airflow_provider_ileti.sandbox.services.node.functions import FUNCTIONS, SOAP_OPERATIONS

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CREATE = {
    "type": 1,
    "sendingType": 1,
    "numbers": ["905551230001"],
    "sender": "SANDBOX",
    "title": "t",
    "content": "x",
    "encoding": 0,
}


def _refused(ileti_sandbox: Any, path: str, body: dict[str, Any], named: str) -> str:
    status, err = NodeApi(ileti_sandbox.url).error(path, body)
    assert (status, err["code"]) == (400, "ERR_BAD_REQUEST"), err
    assert err["message"].startswith(named), err["message"]
    (refusal,) = ileti_sandbox.refusals()
    assert refusal["service"] == "node" and refusal["reason"] == err["message"]
    assert ileti_sandbox.sandbox.services["node"].snapshot()["package_count"] == 0
    return str(err["message"])


def test_every_function_is_declared() -> None:
    assert set(FIELDS) == set(FUNCTIONS)


@pytest.mark.parametrize("path", sorted(p for p, f in FIELDS.items() if f.required))
def test_every_required_field_of_every_function_is_required(ileti_sandbox: Any, path: str) -> None:
    first = FIELDS[path].required[0]
    message = _refused(ileti_sandbox, path, {}, first)
    assert message == f"{first} is required by /{path}"


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_a_field_the_document_does_not_name_is_refused_by_every_function(
    ileti_sandbox: Any, path: str
) -> None:
    message = _refused(ileti_sandbox, path, {"pageNumber": 1}, "pageNumber")
    assert message == f"pageNumber is not a field of /{path}"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param({k: v for k, v in CREATE.items() if k != "title"}, "title is required", id="title"),
        pytest.param(
            {k: v for k, v in CREATE.items() if k != "encoding"}, "encoding is required", id="encoding"
        ),
        pytest.param(
            {
                **{k: v for k, v in CREATE.items() if k != "content"},
                "sendingType": 2,
                "numbers": [{"nr": "905551230001", "msg": "bir"}],
            },
            "content is required",
            id="N-N content",
        ),
        pytest.param(
            {**CREATE, "pushSettings": {"url": "https://x.test", "secret": "s"}},
            "pushSettings.secret",
            id="nested unknown",
        ),
        pytest.param({**CREATE, "pushSettings": {"method": "POST"}}, "pushSettings.method", id="nested url"),
        pytest.param(
            {**CREATE, "periodicSettings": {"interval": 1, "amount": 1000}},
            "periodicSettings.periodType is required",
            id="periodType",
        ),
        pytest.param(
            {
                **CREATE,
                "sendingType": 2,
                "numbers": [{"nr": "905551230001", "msg": "bir", "name": "Ali"}],
            },
            "numbers[0].name is not a field",
            id="item unknown",
        ),
        pytest.param(
            {**CREATE, "content": "şeker"},
            "content: character 'ş' cannot be sent with encoding 0",
            id="content encoding",
        ),
        pytest.param(
            {
                **CREATE,
                "sendingType": 2,
                "content": "Merhaba",
                "numbers": [
                    {"nr": "905551230001", "msg": "Merhaba Ali"},
                    {"nr": "905551230002", "msg": "Merhaba Şükrü, ğ"},
                ],
            },
            "numbers[1].msg: character 'Ş' cannot be sent with encoding 0",
            id="N-N second text encoding",
        ),
        pytest.param(
            {**CREATE, "content": "😀", "encoding": 1}, "content: character '😀'", id="emoji in Turkish"
        ),
    ],
)
def test_sms_create_refusals_name_the_field(ileti_sandbox: Any, body: dict[str, Any], named: str) -> None:
    _refused(ileti_sandbox, "sms/create", body, named)


def test_an_otp_without_encoding_is_held_to_the_default_encoding(ileti_sandbox: Any) -> None:
    body = {"number": "905551230001", "sender": "SANDBOX", "content": "Kodunuz: 1234 ş"}
    _refused(ileti_sandbox, "sms/create-otp", body, "content: character 'ş' cannot be sent with encoding 0")
    assert NodeApi(ileti_sandbox.url).data("sms/create-otp", {**body, "encoding": 1})["pkgID"]


def test_kvkk_names_are_checked_against_the_encoding(ileti_sandbox: Any) -> None:
    body = {
        "number": {"nr": "905551230002", "cfs": {"FIRST_NAME": "Ayşe", "LAST_NAME": "Yılmaz"}},
        "sender": "SANDBOX",
        "content": "Merhaba FIRST_NAME LAST_NAME SHORT_LINK",
    }
    _refused(ileti_sandbox, "sms/create-kvkk", body, "content (with number.cfs filled in): character 'ş'")


def test_a_text_the_encoding_carries_costs_its_parts_in_that_encoding(ileti_sandbox: Any) -> None:
    api = NodeApi(ileti_sandbox.url)
    pkg = api.send(content="ş" * 80, encoding=1)  # 160 septets in the Turkish table: 2 parts
    assert api.package(pkg)["statistics"]["total"] == 2
    assert ileti_sandbox.refusals() == []


def test_set_blacklist_requires_return_invalids(ileti_sandbox: Any) -> None:
    _refused(
        ileti_sandbox, "contact/set-blacklist", {"status": True, "gsms": ["905551230001"]}, "returnInvalids"
    )


def test_get_parameters_are_held_to_the_same_fields(ileti_sandbox: Any) -> None:
    status, err = NodeApi(ileti_sandbox.url).error("sms/list", {"page": 2}, method="GET")
    assert (status, err["message"]) == (400, "page is not a field of /sms/list")
    assert (
        NodeApi(ileti_sandbox.url).get("sms/list", {"ids[]": ["1", "2"], "pageSize": 10}).status_code == 200
    )


# -- SOAP ---------------------------------------------------------------------------------------------
def _soap(url: str, inner: str, *, action: str | None = None) -> requests.Response:
    port = url.rsplit(":", 1)[1]
    envelope = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:sms="http://localhost:{port}/wsdl/sms">'
        f"<soapenv:Header/><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>"
    )
    headers = {"Content-Type": "text/xml;charset=UTF-8"}
    if action is not None:
        headers["SOAPAction"] = action
    return requests.post(f"{url}/node/soap", data=envelope.encode(), auth=AUTH, headers=headers, timeout=10)


def _err(resp: requests.Response) -> str | None:
    assert resp.status_code == 200, resp.text
    result = etree.fromstring(resp.content).find(f"{{{SOAP_ENV}}}Body")[0].find("result")
    return result.findtext("err/message")


def test_the_vendors_n_n_sample_envelope_works_unchanged(ileti_sandbox: Any) -> None:
    """Seed lines ~385-420: content beside the per-number texts, optional fields sent empty."""
    resp = _soap(
        ileti_sandbox.url,
        f"<sms:sendSms><username>{AUTH[0]}</username><password>{AUTH[1]}</password><type>1</type>"
        "<sendingType>2</sendingType><title>Test message</title>"
        "<content>Test mesaji icerigidir, dikkate almayiniz.</content><numbers>"
        "<item><nr>905511034554</nr><msg>A kisisine ozel mesaj.</msg></item>"
        "<item><nr>905433404971</nr><msg>B kisisine ozel mesaj.</msg></item></numbers>"
        "<encoding>1</encoding><sender>BASLIK</sender><periodicSettings><periodType>0</periodType>"
        "<amount>1000</amount><interval>1</interval></periodicSettings><sendingDate></sendingDate>"
        "<validity>60</validity><pushSettings><url>https://webhook.site/d1417d5d</url></pushSettings>"
        "<commercial></commercial></sms:sendSms>",
        action="sendSms",
    )
    assert _err(resp) is None
    assert ileti_sandbox.refusals() == []


@pytest.mark.parametrize("operation", sorted(SOAP_OPERATIONS))
def test_soap_refuses_an_unnamed_field_and_a_missing_required_one(ileti_sandbox: Any, operation: str) -> None:
    path = SOAP_OPERATIONS[operation].path
    resp = _soap(ileti_sandbox.url, f"<sms:{operation}><pageNumber>1</pageNumber></sms:{operation}>")
    assert _err(resp) == f"pageNumber is not a field of /{path}"
    required = FIELDS[path].required
    if required:
        resp = _soap(ileti_sandbox.url, f"<sms:{operation}><{required[0]}></{required[0]}></sms:{operation}>")
        assert _err(resp) == f"{required[0]} is required by /{path}"  # empty is absent
    assert len(ileti_sandbox.refusals()) == (2 if required else 1)


@pytest.mark.parametrize(
    "action",
    [
        None,
        "",
        '""',
        '"getUserCredit"',
        "http://localhost/wsdl/sms/getUserCredit",
        "urn:sms#getUserCredit",
        "urn:getUserCredit",
    ],
)
def test_soap_action_absent_empty_quoted_or_namespaced_is_accepted(
    ileti_sandbox: Any, action: str | None
) -> None:
    resp = _soap(ileti_sandbox.url, "<sms:getUserCredit/>", action=action)
    assert _err(resp) is None
    assert ileti_sandbox.refusals() == []


def test_soap_action_naming_another_operation_is_a_counted_fault(ileti_sandbox: Any) -> None:
    resp = _soap(ileti_sandbox.url, "<sms:getUserCredit/>", action='"sendSms"')
    assert resp.status_code == 500
    assert "does not match the operation" in etree.fromstring(resp.content).findtext(".//faultstring")
    assert len(ileti_sandbox.refusals()) == 1


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            b'{"type":1,"sendingType":1,"numbers":["905551230001"],"sender":"SANDBOX","title":"t",'
            b'"content":"x","encoding":0,"customID":"a","customID":"b"}',
            "customID",
        ),
        (
            b'{"type":1,"sendingType":2,"numbers":[{"nr":"905551230001","nr":"905551230002","msg":"x"}],'
            b'"sender":"SANDBOX","title":"t","content":"x","encoding":0}',
            "nr",
        ),
    ],
)
def test_a_name_given_twice_in_one_object_is_refused(ileti_sandbox: Any, body: bytes, named: str) -> None:
    """JSON readers disagree on which of two same-named members counts (RFC 8259 §4): a body that repeats
    one (a prepared send whose customID was added twice) is refused, not read one way or the other."""
    resp = NodeApi(ileti_sandbox.url).session.post(
        f"{ileti_sandbox.url}/node/sms/create",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    err = resp.json()["err"]
    assert (resp.status_code, err["code"]) == (400, "ERR_BAD_REQUEST"), err
    assert err["message"] == f"the body names {named!r} twice in one object"
    assert ileti_sandbox.sandbox.services["node"].snapshot()["package_count"] == 0
