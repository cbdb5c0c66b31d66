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
