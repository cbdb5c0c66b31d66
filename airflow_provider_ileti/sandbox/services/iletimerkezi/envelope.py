"""İleti Merkezi's envelopes in the sandbox: ``<request>``/``<response>`` XML and the same tree as JSON.

Written separately from the client's codec on purpose: a sandbox that shared the client's code could not
catch the client's mistakes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from lxml import etree

#: Written by hand: the vendor's samples use double quotes, lxml would write single ones.
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class BadRequest(Exception):
    """The body cannot be read (code 400)."""


def _to_tree(element: Any) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        value = _to_tree(child)
        if child.tag in out:
            if not isinstance(out[child.tag], list):
                out[child.tag] = [out[child.tag]]
            out[child.tag].append(value)
        else:
            out[child.tag] = value
    return out


def parse_request(body: bytes, as_json: bool) -> dict[str, Any]:
    """The ``request`` tree of a POST body; ``BadRequest`` when it cannot be read."""
    if not body.strip():
        raise BadRequest("empty body")
    if as_json:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise BadRequest("not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
            raise BadRequest('no "request" object')
        request: dict[str, Any] = data["request"]
        return request
    if _DTD.search(body):
        raise BadRequest("DTDs are not accepted")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise BadRequest("not well-formed XML") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or next(root.iter(etree.Entity), None) is not None:
        raise BadRequest("DTDs are not accepted")  # in any encoding, not only where the bytes are ASCII
    if root.tag != "request":
        raise BadRequest("root element must be <request>")
    tree = _to_tree(root)
    return tree if isinstance(tree, dict) else {}


def listed(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _append(parent: Any, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _append(parent, name, item)
        return
    element = etree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    elif value is not None:
        element.text = str(value)


def respond(code: int, message: str, body: dict[str, Any] | None = None, *, as_json: bool) -> web.Response:
    """``status{code, message}`` + ``body``; the HTTP status mirrors the code, as the real service does."""
    if as_json:
        payload = {"response": {"status": {"code": code, "message": message}, **(body or {})}}
        return web.Response(
            status=code,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            content_type="application/json",
        )
    root = etree.Element("response")
    _append(root, "status", {"code": code, "message": message})
    for key, value in (body or {}).items():
        _append(root, key, value)
    xml = XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return web.Response(status=code, body=xml, content_type="text/xml", charset="utf-8")


class MaintenanceResponse(web.Response):
    """503 "under maintenance" in the envelope the request's path asks for: JSON under ``.../json``, XML
    elsewhere, as every other answer. The sandbox's fault middleware builds the response before it knows
    the path, so the body is chosen in ``prepare``, when aiohttp hands the request over."""

    def __init__(self, message: str) -> None:
        super().__init__(status=503)
        self._message = message

    async def prepare(self, request: web.BaseRequest) -> Any:
        as_json = request.path.rstrip("/").endswith("/json")
        chosen = respond(503, self._message, as_json=as_json)
        self.body = chosen.body
        self.content_type = chosen.content_type
        if chosen.charset:
            self.charset = chosen.charset
        return await super().prepare(request)
