"""The WSDL (document/literal) served at ``GET /node/soap?wsdl``, with its XSD built from ``schema.py``.

The target namespace is ``http://{host}:{port}/wsdl/sms`` as in the vendor's samples, taken from the
request's ``Host`` so it follows the address the client used; the service address is ``/node/soap`` on it.
Every operation: request element ``tns:<op>`` (username, password and the REST parameters, unqualified),
answer element ``tns:<op>Response`` holding ``<result>`` = ``<err>`` + ``<data>``; ``soapAction`` = the name.

Two flavours: the typed WSDL (every array's ``<item>`` has its type: ``tns:NumberItem``, ``xsd:string`` …)
and the loose one (every ``<item>`` is ``xsd:anyType``), as a service whose WSDL is generated from untyped
code may declare it. The document shows only sample envelopes, not its WSDL, so a client must write the
samples' shapes under either. The loose one is served for ``?wsdl&loose`` or while the Node state's
``loose_wsdl`` is set (admin ``POST /_admin/state/node {"loose_wsdl": true}``).
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from airflow_provider_ileti.sandbox.services.node.schema import (
    ARRAYS,
    OPERATIONS,
    SIMPLE,
    TYPES,
    request_fields,
    result_type,
)


def namespace(host: str) -> str:
    return f"http://{host}/wsdl/sms"


def _ref(type_name: str) -> str:
    return f"xsd:{type_name}" if type_name in SIMPLE else f"tns:{type_name}"


def _sequence(fields: list[tuple[str, str]]) -> str:
    return "".join(
        f'<xsd:element name="{name}" type="{_ref(kind)}" minOccurs="0" nillable="true"/>'
        for name, kind in fields
    )


#: The item type every array declares in the loose WSDL.
LOOSE_ITEM_TYPE = "xsd:anyType"


def _types(loose: bool) -> str:
    parts = [
        f'<xsd:complexType name="{name}"><xsd:sequence>{_sequence(fields)}</xsd:sequence></xsd:complexType>'
        for name, fields in TYPES.items()
    ]
    parts += [
        f'<xsd:complexType name="{name}"><xsd:sequence><xsd:element name="item" '
        f'type="{LOOSE_ITEM_TYPE if loose else _ref(item)}" '
        f'minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>'
        for name, item in ARRAYS.items()
    ]
    for operation, (_fields, data_type) in OPERATIONS.items():
        parts.append(
            f'<xsd:complexType name="{result_type(operation)}"><xsd:sequence>'
            f'<xsd:element name="err" type="tns:Err" minOccurs="0" nillable="true"/>'
            f'<xsd:element name="data" type="tns:{data_type}" minOccurs="0" nillable="true"/>'
            f"</xsd:sequence></xsd:complexType>"
        )
        parts.append(
            f'<xsd:element name="{operation}"><xsd:complexType><xsd:sequence>'
            f"{_sequence(request_fields(operation))}</xsd:sequence></xsd:complexType></xsd:element>"
        )
        parts.append(
            f'<xsd:element name="{operation}Response"><xsd:complexType><xsd:sequence>'
            f'<xsd:element name="result" type="tns:{result_type(operation)}"/>'
            f"</xsd:sequence></xsd:complexType></xsd:element>"
        )
    return "".join(parts)


def render_wsdl(host: str, location: str, *, loose: bool = False) -> str:
    ns = namespace(host)
    messages = "".join(
        f'<message name="{op}Request"><part name="parameters" element="tns:{op}"/></message>'
        f'<message name="{op}Response"><part name="parameters" element="tns:{op}Response"/></message>'
        for op in OPERATIONS
    )
    port_ops = "".join(
        f'<operation name="{op}"><input message="tns:{op}Request"/>'
        f'<output message="tns:{op}Response"/></operation>'
        for op in OPERATIONS
    )
    binding_ops = "".join(
        f'<operation name="{op}"><soap:operation soapAction="{op}" style="document"/>'
        f'<input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>'
        for op in OPERATIONS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:tns={quoteattr(ns)} targetNamespace={quoteattr(ns)} name="SmsService">'
        f'<types><xsd:schema targetNamespace={quoteattr(ns)} elementFormDefault="unqualified">'
        f"{_types(loose)}</xsd:schema></types>"
        f"{messages}"
        f'<portType name="SmsPortType">{port_ops}</portType>'
        '<binding name="SmsBinding" type="tns:SmsPortType">'
        '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f"{binding_ops}</binding>"
        '<service name="SmsService"><port name="SmsPort" binding="tns:SmsBinding">'
        f"<soap:address location={quoteattr(location)}/></port></service>"
        "</definitions>"
    )
