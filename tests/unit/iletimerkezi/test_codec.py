"""Hostile and broken answers become a clear ProtocolError and read no file."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.iletimerkezi import codec
from airflow_provider_ileti.core.errors import ProtocolError

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<response><status><code>200</code><message>&lol4;</message></status></response>"""


def xxe(path: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{path}">]>'
        "<response><status><code>200</code><message>&x;</message></status></response>"
    ).encode()


def test_external_entity_is_refused_and_the_file_is_not_read(tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("FILE-CONTENT-MARKER")
    with pytest.raises(ProtocolError, match="DTD") as info:
        codec.parse_xml(xxe(str(secret_file)))
    assert "FILE-CONTENT-MARKER" not in str(info.value)


def test_billion_laughs_is_refused():
    with pytest.raises(ProtocolError, match="DTD"):
        codec.parse_xml(BILLION_LAUGHS)


def test_html_error_page_is_refused():
    with pytest.raises(ProtocolError):
        codec.parse_xml(
            b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad</h1><br></body></html>"
        )
    with pytest.raises(ProtocolError, match="<html>"):
        codec.parse_xml(b"<html><body>Error</body></html>")


def test_truncated_body_is_refused():
    with pytest.raises(ProtocolError, match="well-formed"):
        codec.parse_xml(b'<?xml version="1.0"?><response><status><code>200</code><mess')
    with pytest.raises(ProtocolError, match="JSON"):
        codec.parse_json(b'{"response": {"status": {"code": 20')


def test_empty_body_is_refused():
    with pytest.raises(ProtocolError, match="empty"):
        codec.parse_xml(b"")
    with pytest.raises(ProtocolError, match="empty"):
        codec.parse_json(b"  ")


def test_xml_and_json_read_to_the_same_tree():
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b"<response><status><code>200</code><message>ok</message></status>"
        b"<senders><sender>A</sender><sender>B</sender></senders></response>"
    )
    tree = codec.parse_xml(xml)
    assert tree == {"status": {"code": "200", "message": "ok"}, "senders": {"sender": ["A", "B"]}}
    json_tree = codec.parse_json(
        b'{"response": {"status": {"code": 200}, "senders": {"sender": ["A", "B"]}}}'
    )
    assert codec.as_list(json_tree["senders"]["sender"]) == codec.as_list(tree["senders"]["sender"])


def test_request_xml_escapes_text_and_refuses_control_characters():
    body = codec.to_xml({"order": {"message": {"text": "a < b & c"}}})
    assert b"a &lt; b &amp; c" in body
    from airflow_provider_ileti.core.errors import ValidationError

    with pytest.raises(ValidationError, match="XML cannot carry"):
        codec.to_xml({"order": {"message": {"text": "bell\x07"}}})


# -- hostile documents in any encoding (the byte search for "<!DOCTYPE" sees only ASCII-like ones) ------
def _encoded(doc: str, encoding: str) -> bytes:
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    return doc.replace('<?xml version="1.0"?>', declaration).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_external_entity_is_refused_in_every_encoding(tmp_path, encoding):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("FILE-CONTENT-MARKER")
    body = _encoded(xxe(str(secret_file)).decode(), encoding)
    with pytest.raises(ProtocolError, match="DTD") as info:
        codec.parse_xml(body)
    assert "FILE-CONTENT-MARKER" not in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_billion_laughs_is_refused_in_every_encoding(encoding):
    with pytest.raises(ProtocolError, match="DTD"):
        codec.parse_xml(_encoded(BILLION_LAUGHS.decode(), encoding))


def test_a_bare_doctype_is_refused_in_utf16():
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE response><response><status><code>200</code>'
    with pytest.raises(ProtocolError, match="DTD"):
        codec.parse_xml((body + "</status></response>").encode("utf-16"))


def test_a_clean_utf16_answer_is_still_read():
    body = '<?xml version="1.0" encoding="UTF-16"?><response><status><code>200</code></status></response>'
    assert codec.parse_xml(body.encode("utf-16")) == {"status": {"code": "200"}}


def test_an_entity_node_is_never_read_as_a_blank_value():
    """Past the document checks, a leftover entity reference still refuses rather than reading as ''."""
    from lxml import etree

    root = etree.fromstring(
        b'<!DOCTYPE r [<!ENTITY x "v">]><response><sms>&x;</sms></response>', parser=codec._safe_parser()
    )
    with pytest.raises(ProtocolError, match="DTD"):
        codec._element_to_tree(root)


# -- the parser's own settings ------------------------------------------------------------------------
def test_parse_xml_builds_its_parser_with_the_safe_settings(monkeypatch):
    from lxml import etree

    seen: list[dict] = []
    real = etree.XMLParser

    def spy(**kwargs):
        seen.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(codec.etree, "XMLParser", spy)
    codec.parse_xml(b"<response><status><code>200</code></status></response>")
    assert len(seen) == 1
    options = seen[0]
    assert options["resolve_entities"] is False
    assert options["no_network"] is True
    assert options["load_dtd"] is False
    assert options["huge_tree"] is False


def test_the_safe_parser_leaves_entities_unresolved(tmp_path):
    """Parsed directly (past parse_xml's refusals), no entity is expanded and no file is read."""
    from lxml import etree

    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("FILE-CONTENT-MARKER")
    body = (
        f'<!DOCTYPE r [<!ENTITY inner "EXPANDED"><!ENTITY outer SYSTEM "file://{secret_file}">]>'
        "<response><a>&inner;</a><b>&outer;</b></response>"
    ).encode()
    root = etree.fromstring(body, parser=codec._safe_parser())
    text = "".join(root.itertext())
    assert "EXPANDED" not in text and "FILE-CONTENT-MARKER" not in text
    assert len(list(root.iter(etree.Entity))) == 2


def test_the_safe_parser_keeps_libxml2_depth_limit():
    """Without huge_tree libxml2 refuses nesting deeper than 256 (a cheap guard against runaway input)."""
    deep = b"<response>" + b"<a>" * 300 + b"x" + b"</a>" * 300 + b"</response>"
    with pytest.raises(ProtocolError, match="well-formed"):
        codec.parse_xml(deep)
