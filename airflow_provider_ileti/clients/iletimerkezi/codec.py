"""İleti Merkezi's two envelopes, XML and JSON, as one tree of dicts and lists.

A request is built once as a plain tree (``{"authentication": {...}, "order": {...}}``; a list means a
repeated element, e.g. ``message`` or ``number``) and written either as ``<request>...</request>`` or as
``{"request": {...}}``. Answers come back as the same kind of tree, so the client reads both formats with
one piece of code.

Answers are parsed defensively, in two steps. The parser itself resolves no entities, loads no DTD, reads
no network and keeps libxml2's size and depth limits (no ``huge_tree``). Then any document that declares a
DOCTYPE or still holds an entity reference is refused, whatever its encoding: a byte search for
``<!DOCTYPE`` only sees ASCII-compatible encodings, and a UTF-16 XXE or "billion laughs" slipped past one
(its unresolved entity quietly became an empty value). The byte search stays as a fast first refusal. A
hostile or broken answer becomes a clear ``ProtocolError``, never a file read and never a silent blank.
The size of an answer is bounded before it gets here, by the HTTP layer's ``max_answer_bytes`` (counted
decompressed, while reading): one cap for every client.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from airflow_provider_ileti.clients.iletimerkezi import SERVICE
from airflow_provider_ileti.core.errors import ProtocolError, ValidationError

Tree = dict[str, Any]

#: Fast first refusal for ASCII-compatible encodings; ``_refuse_dtd`` decides for every encoding.
_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


#: The parser's settings, in one place so a test can hold them to account.
SAFE_PARSER_OPTIONS: Mapping[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_DTD_REFUSED = "answer declares a DTD or entities (refused: the service never sends one)"


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(**SAFE_PARSER_OPTIONS)


def _refuse_dtd(root: etree._Element) -> None:
    """``ProtocolError`` for a parsed document with a DOCTYPE, a DTD or any entity reference.

    Checked on the parsed tree, so the encoding (UTF-16, UTF-32…) cannot hide it from us.
    """
    docinfo = root.getroottree().docinfo
    declared = (
        docinfo.doctype
        or docinfo.internalDTD is not None
        or docinfo.externalDTD is not None
        or docinfo.system_url
        or docinfo.public_id
    )
    if declared or next(root.iter(etree.Entity), None) is not None:
        raise ProtocolError(_DTD_REFUSED, service=SERVICE)


# -- writing ------------------------------------------------------------------------------------------------
def _append(parent: etree._Element, name: str, value: Any) -> None:
    if isinstance(value, list | tuple):
        for item in value:
            _append(parent, name, item)
        return
    element = etree.SubElement(parent, name)
    if isinstance(value, Mapping):
        for child_name, child in value.items():
            _append(element, child_name, child)
    elif value is not None:
        try:
            element.text = str(value)
        except ValueError as exc:  # control characters XML 1.0 cannot carry
            raise ValidationError(
                name, value, "contains characters XML cannot carry", service=SERVICE
            ) from exc


def to_xml(tree: Tree) -> bytes:
    """``<request>`` + the tree, UTF-8 with an XML declaration."""
    root = etree.Element("request")
    for name, value in tree.items():
        _append(root, name, value)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + bytes(etree.tostring(root, encoding="UTF-8"))


def to_json(tree: Tree) -> bytes:
    return json.dumps({"request": tree}, ensure_ascii=False).encode("utf-8")


# -- reading ------------------------------------------------------------------------------------------------
def _element_to_tree(element: etree._Element) -> Any:
    if any(isinstance(c, etree._Entity) for c in element):  # never read as a blank value
        raise ProtocolError(_DTD_REFUSED, service=SERVICE)
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return (element.text or "").strip()
    result: dict[str, Any] = {}
    for child in children:
        value = _element_to_tree(child)
        if child.tag in result:
            existing = result[child.tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                result[child.tag] = [existing, value]
        else:
            result[child.tag] = value
    return result


def parse_xml(body: bytes) -> Tree:
    """The ``<response>`` document as a tree; ``ProtocolError`` for anything else."""
    if not body or not body.strip():
        raise ProtocolError("empty answer where an XML <response> was expected", service=SERVICE)
    if _DTD_MARKERS.search(body):
        raise ProtocolError(_DTD_REFUSED, service=SERVICE)
    try:
        root = etree.fromstring(body, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(
            f"answer is not well-formed XML (truncated or not XML at all): {exc.msg}", service=SERVICE
        ) from None
    if root is not None:
        _refuse_dtd(root)
    if root is None or root.tag != "response":
        tag = getattr(root, "tag", None)
        raise ProtocolError(f"expected an XML <response> document, got <{tag}>", service=SERVICE)
    tree = _element_to_tree(root)
    return tree if isinstance(tree, dict) else {}


def parse_json(body: bytes) -> Tree:
    """The JSON ``{"response": {...}}`` document as a tree; ``ProtocolError`` for anything else."""
    if not body or not body.strip():
        raise ProtocolError("empty answer where a JSON response was expected", service=SERVICE)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(
            "answer is not valid JSON (truncated, or an HTML error page)", service=SERVICE
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("response"), dict):
        raise ProtocolError('expected a JSON object with a "response" member', service=SERVICE)
    return dict(data["response"])


def section(tree: Tree, name: str) -> Tree:
    """A child element that holds others (``status``, ``balance``…), or ``{}`` when absent or empty."""
    value = tree.get(name)
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A repeated element: XML gives one value or a list, JSON a list or a single value, absent is empty."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


def as_int(value: Any, default: int = 0) -> int:
    if value in (None, "", [], {}):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise ProtocolError(
            f"expected a whole number in the answer, got {str(value)[:20]!r}", service=SERVICE
        ) from None


def as_float(value: Any, default: float | None = None) -> float | None:
    if value in (None, "", [], {}):
        return default
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ProtocolError(
            f"expected a number in the answer, got {str(value)[:20]!r}", service=SERVICE
        ) from None


def text_of(value: Any) -> str | None:
    if value in (None, "", [], {}):
        return None
    return str(value)
