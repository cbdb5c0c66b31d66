"""The request journal: headers (redacted), repeated query keys, a bound on its size, redaction per format."""

from __future__ import annotations

import pytest
import requests

from airflow_provider_ileti.sandbox.journal import Journal, parse_body, redact_text


def test_headers_are_recorded_with_secrets_redacted(ileti_sandbox):
    headers = {
        "Authorization": "Bearer iltz_live_s3cret",
        "Cookie": "session=s3cret-cookie",
        "X-Api-Key": "s3cret-key",
        "X-Auth-Token": "s3cret-token",
        "X-Trace": "trace-1",
    }
    requests.get(f"{ileti_sandbox.url}/iletiniz/v1/account", headers=headers, timeout=5)
    entry = ileti_sandbox.admin.requests(service="iletiniz")[-1]
    assert entry["headers"]["Authorization"] == "Bearer ***"
    assert entry["headers"]["Cookie"] == "***"
    assert entry["headers"]["X-Api-Key"] == "***" and entry["headers"]["X-Auth-Token"] == "***"
    assert entry["headers"]["X-Trace"] == "trace-1"
    assert "s3cret" not in str(entry)


def test_basic_auth_keeps_only_its_scheme(ileti_sandbox):
    requests.get(f"{ileti_sandbox.url}/node/user/credit", auth=("sandbox", "sandbox-password"), timeout=5)
    entry = ileti_sandbox.requests(service="node")[-1]
    assert entry["headers"]["Authorization"] == "Basic ***"


def test_repeated_query_keys_are_all_kept(ileti_sandbox):
    requests.get(
        f"{ileti_sandbox.url}/node/sms/list",
        params=[("ids", "1"), ("ids", "2"), ("pageSize", "10"), ("password", "p4ss")],
        auth=("sandbox", "sandbox-password"),
        timeout=5,
    )
    query = ileti_sandbox.admin.requests(path="/node/sms/list")[-1]["query"]
    assert query == {"ids": ["1", "2"], "pageSize": "10", "password": "***"}


def test_the_journal_keeps_only_the_newest_entries():
    journal = Journal(maxlen=3)
    for n in range(5):
        journal.add(time="t", service="node", method="GET", path=f"/node/{n}", query={}, body=None)
    entries = journal.entries()
    assert [e.path for e in entries] == ["/node/2", "/node/3", "/node/4"]
    assert [e.seq for e in entries] == [3, 4, 5]  # seq keeps counting: the gap shows what was dropped
    with pytest.raises(ValueError, match="journal size=0"):
        Journal(maxlen=0)


def test_a_server_started_with_a_journal_size_keeps_that_many():
    from airflow_provider_ileti.sandbox.admin_client import SandboxAdmin
    from airflow_provider_ileti.sandbox.server import SandboxServer

    with SandboxServer(journal_size=2) as server:
        for n in range(4):
            requests.get(f"{server.url}/wisecp/{n}", timeout=5)
        assert [e["path"] for e in SandboxAdmin(server.url).requests()] == ["/wisecp/2", "/wisecp/3"]


@pytest.mark.parametrize(
    "xml",
    [
        "<password><![CDATA[s3cret]]></password>",
        '<password xsi:type="xsd:string">s3cret</password>',
        '<sms:password xmlns:sms="urn:x">s3cret</sms:password>',
        "<PASSWORD>\n  s3cret\n</PASSWORD>",
        "<key><![CDATA[s3c<r>et]]></key>",
        "<hash>s3cret</hash >",
    ],
)
def test_xml_secrets_are_redacted_in_every_spelling(xml):
    text = redact_text(
        f"<?xml version='1.0'?><request><username>me</username>{xml}<keyword>k</keyword></request>"
    )
    assert "s3c" not in text
    assert "<username>me</username>" in text and "<keyword>k</keyword>" in text


def test_the_redactor_follows_the_body_not_only_the_content_type():
    # JSON sent as text/plain is still read as JSON
    assert parse_body("text/plain", b'{"api_key": "s3cret", "n": 1}') == {"api_key": "***", "n": 1}
    # XML sent under a JSON type is redacted as XML
    xml = parse_body(
        "application/json", b"<request><authentication><key>s3cret</key></authentication></request>"
    )
    assert xml == "<request><authentication><key>***</key></authentication></request>"
    # JSON that does not parse still loses its secrets
    assert "s3cret" not in parse_body("application/json", b'{"password": "s3cret", "n": ')
    # a query-like body with no content type
    assert parse_body("", b"user=me&password=s3cret&n=1") == "user=me&password=***&n=1"
    # a form keeps its fields
    form = parse_body("application/x-www-form-urlencoded", b"code=s3cret&state=x")
    assert form == {"code": "***", "state": "x"}


def test_soap_body_password_never_reaches_the_journal(ileti_sandbox):
    envelope = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sms="urn:x"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><sms:getUserCredit><username>sandbox</username>"
        '<password xsi:type="xsd:string"><![CDATA[sandbox-password]]></password>'
        "</sms:getUserCredit></soapenv:Body></soapenv:Envelope>"
    )
    resp = requests.post(
        f"{ileti_sandbox.url}/node/soap",
        data=envelope.encode(),
        headers={"Content-Type": "text/xml", "SOAPAction": "getUserCredit"},
        timeout=5,
    )
    assert resp.status_code == 200
    assert "sandbox-password" not in str(ileti_sandbox.admin.requests(service="node"))
