"""The SOAP front end: ``GET /node/soap?wsdl`` and ``POST /node/soap`` for the seven operations.

The request is parsed with a safe lxml parser (no entities, no network), turned into the same parameter
mapping REST gets (element local names; ``<item>`` children become lists; empty elements are absent, as the
vendor's samples send every optional field empty) and handed to the same functions. Auth: HTTP Basic, or
``<username>``/``<password>`` in the body. Answers are ``<tns:<op>Response><result><err/><data/></result>``
with HTTP 200 also for refusals: a success sends an empty ``<err></err>`` before ``data`` (as the vendor's
samples do; zeep reads it as ``None``), a refusal fills ``err`` and leaves ``data`` out, so zeep returns
either typed with the other ``None``;
a malformed envelope or an unknown operation gets a SOAP fault (HTTP 500).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from lxml import etree

from airflow_provider_ileti.sandbox.refusals import refuse
from airflow_provider_ileti.sandbox.services.node.codes import NodeError, auth_failure
from airflow_provider_ileti.sandbox.services.node.functions import SOAP_OPERATIONS, run
from airflow_provider_ileti.sandbox.services.node.rest import basic_auth, check_credentials
from airflow_provider_ileti.sandbox.services.node.schema import ARRAYS, OPERATIONS, SIMPLE, TYPES
from airflow_provider_ileti.sandbox.services.node.state import NodeState
from airflow_provider_ileti.sandbox.services.node.wsdl import namespace, render_wsdl

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NIL = f"{{{XSI}}}nil"


#: A SOAPAction naming another operation than the body's is refused with a SOAP fault. The document is
#: silent (it says only SOAPAction = the operation's name); SOAP 1.1 servers that dispatch by the header
#: (.NET ASMX, Axis) refuse a mismatch too, and a client that sends one is broken. An absent or empty
#: SOAPAction (``""``), a quoted one and a namespaced one (``http://host/wsdl/sms/sendSms``,
#: ``urn:sms#sendSms``, ``urn:sendSms``) are accepted: real stacks send all of these.
REFUSE_MISMATCHED_SOAP_ACTION = True


def soap_action_operation(header: str | None) -> str:
    """The operation a SOAPAction header names ('' when absent or empty): quotes and namespace dropped."""
    action = (header or "").strip().strip('"').strip()
    for separator in ("/", "#", ":"):
        action = action.rsplit(separator, 1)[-1]
    return action


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


class SoapFault(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _envelope(body_child: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "xsi": XSI})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    body.append(body_child)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def _serialise(parent: etree._Element, name: str, kind: str, value: Any) -> None:
    element = etree.SubElement(parent, name)
    if value is None:
        element.set(_NIL, "true")
    elif kind in ARRAYS:
        for entry in value:
            _serialise(element, "item", ARRAYS[kind], entry)
    elif kind in TYPES:
        for field, field_kind in TYPES[kind]:
            _serialise(element, field, field_kind, value.get(field))
    elif kind == "boolean":
        element.text = "true" if value else "false"
    else:
        assert kind in SIMPLE
        element.text = str(value)


def fault_body(code: str, message: str, err: NodeError | None = None) -> bytes:
    fault = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = code
    etree.SubElement(fault, "faultstring").text = message
    if err is not None:
        detail = etree.SubElement(fault, "detail")
        _serialise(detail, "err", "Err", err.to_err())
    return _envelope(fault)


def _fault(code: str, message: str) -> web.Response:
    return web.Response(body=fault_body(code, message), status=500, content_type="text/xml", charset="utf-8")


def _value(element: etree._Element) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        text = (element.text or "").strip()
        return text if text else None
    if all(etree.QName(c).localname == "item" for c in children):
        return [_value(c) for c in children]
    return {etree.QName(c).localname: _value(c) for c in children}


def answer(host: str, operation: str, data: dict[str, Any] | None, err: NodeError | None) -> web.Response:
    ns = namespace(host)
    response = etree.Element(f"{{{ns}}}{operation}Response", nsmap={"tns": ns})
    result = etree.SubElement(response, "result")
    if err is not None:
        _serialise(result, "err", "Err", err.to_err())
    else:
        etree.SubElement(result, "err").text = ""  # the vendor's samples: <err></err> before <data>
        _serialise(result, "data", OPERATIONS[operation][1], data)
    return web.Response(body=_envelope(response), content_type="text/xml", charset="utf-8")


def parse_operation(request: web.Request, raw: bytes) -> tuple[str, dict[str, Any]]:
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        raise SoapFault("soap:Client", f"the request is not XML: {exc}") from None
    if etree.QName(root).localname != "Envelope":
        raise SoapFault("soap:Client", "the request is not a SOAP envelope")
    body = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "Body"), None)
    call = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
    if call is None:
        raise SoapFault("soap:Client", "the envelope has no Body with an operation")
    operation = etree.QName(call).localname
    if operation not in SOAP_OPERATIONS:
        raise SoapFault("soap:Client", f"unknown operation {operation!r}")
    action = soap_action_operation(request.headers.get("SOAPAction"))
    if action and action != operation and REFUSE_MISMATCHED_SOAP_ACTION:
        raise SoapFault("soap:Client", f"SOAPAction {action!r} does not match the operation {operation!r}")
    params = _value(call)
    return operation, params if isinstance(params, dict) else {}


async def handle(request: web.Request, state: NodeState) -> web.StreamResponse:
    host = request.host
    if request.method == "GET":
        keys = {k.lower() for k in request.query}
        if "wsdl" in keys:
            location = f"{request.scheme}://{host}{request.path}"
            loose = "loose" in keys or state.loose_wsdl
            return web.Response(
                text=render_wsdl(host, location, loose=loose), content_type="text/xml", charset="utf-8"
            )
        return _fault("soap:Client", "GET serves only ?wsdl; POST a SOAP envelope")
    if request.method != "POST":
        return _fault("soap:Client", f"{request.method} is not allowed")
    try:
        operation, params = parse_operation(request, await request.read())
    except SoapFault as fault:
        refuse(request, fault.message)
        return _fault(fault.code, fault.message)
    username, password = params.pop("username", None), params.pop("password", None)
    found = basic_auth(request.headers.get("Authorization"))
    try:
        if not (found is not None and check_credentials(*found)) and not check_credentials(
            username, password
        ):
            raise auth_failure()
        data = run(SOAP_OPERATIONS[operation], state, params)
    except NodeError as exc:
        if exc.is_refusal:
            refuse(request, exc.message)
        return answer(host, operation, None, exc)
    return answer(host, operation, data, None)
