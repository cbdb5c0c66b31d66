"""The exact request bodies of an N-N package on each wire (issue #11): REST JSON, and SOAP XML under the
typed and the loose WSDL, in the shape of the vendor's own N-N sample (seed lines ~385-420)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from airflow_provider_ileti.clients.node.client import NodeClient

from .conftest import node_requests

pytestmark = pytest.mark.integration

A, B = "05555550001", "05555550002"
TEXTS = ("Merhaba Ali", "Merhaba Şükrü, ğ")


def _send(node: NodeClient) -> int:
    return node.create_sms(
        sending_type=2, messages=[(A, TEXTS[0]), (B, TEXTS[1])], title="NN", custom_id="nn-wire"
    )


def _tree(element: etree._Element) -> Any:
    """An element as (name, text) or (name, [children]); attributes are checked apart."""
    children = [c for c in element if isinstance(c.tag, str)]
    name = etree.QName(element).localname
    if children:
        return (name, [_tree(c) for c in children])
    return (name, element.text)


def test_n_n_rest_body_is_exactly_the_documents_fields(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    _send(make_node("rest"))
    (request,) = node_requests(ileti_sandbox, "/sms/create")
    assert request["body"] == {
        "type": 1,
        "sendingType": 2,
        "numbers": [{"nr": "905555550001", "msg": TEXTS[0]}, {"nr": "905555550002", "msg": TEXTS[1]}],
        "sender": "SANDBOX",
        "title": "NN",
        "content": TEXTS[0],
        "encoding": 1,  # "ş", "ğ" of the second text: the Turkish table, not 0 from the first text
        "customID": "nn-wire",
    }
    assert ileti_sandbox.refusals() == []


def test_n_n_soap_body_is_the_vendors_sample_shape(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any, soap_wsdl: str
) -> None:
    pkg = _send(make_node("soap"))
    (body,) = [str(r["body"]) for r in node_requests(ileti_sandbox, "/soap") if r["method"] == "POST"]
    root = etree.fromstring(body.encode())
    call = root.find("{*}Body")[0]
    assert etree.QName(call).localname == "sendSms"
    assert _tree(call)[1] == [
        ("type", "1"),
        ("sendingType", "2"),
        (
            "numbers",
            [
                ("item", [("nr", "905555550001"), ("msg", TEXTS[0])]),
                ("item", [("nr", "905555550002"), ("msg", TEXTS[1])]),
            ],
        ),
        ("sender", "SANDBOX"),
        ("title", "NN"),
        ("content", TEXTS[0]),
        ("encoding", "1"),
        ("customID", "nn-wire"),
    ], soap_wsdl
    # no xsi:type or other attributes on the items: the sample's plain <item><nr/><msg/></item>
    assert all(not item.attrib for item in call.iter("item")), body
    state = ileti_sandbox.sandbox.services["node"]
    assert state.packages[pkg].texts() == list(TEXTS)
    assert ileti_sandbox.refusals() == []
