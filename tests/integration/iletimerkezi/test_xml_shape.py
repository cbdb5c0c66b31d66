"""The XML the client sends for a two-message scheduled order is, element for element, the spec's shape."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from tests.integration.iletimerkezi.conftest import im_requests

#: The shape in spec/other-apis.md: <order><sender/><sendDateTime/><iys/><iysList/><message><text/>
#: <receipents><number/>…</receipents></message>…</order>, inside <request> with <authentication>.
EXPECTED = """<request>
  <authentication><key>***</key><hash>***</hash></authentication>
  <order>
    <sender>APITEST</sender>
    <sendDateTime>15/01/2030 12:00</sendDateTime>
    <iys>1</iys>
    <iysList>BIREYSEL</iysList>
    <message>
      <text>Test Mesajı Bir</text>
      <receipents><number>5555550001</number><number>5555550002</number></receipents>
    </message>
    <message>
      <text>Test Mesajı İki</text>
      <receipents><number>5555550003</number><number>5555550004</number></receipents>
    </message>
  </order>
</request>"""


def _shape(element) -> tuple:
    children = tuple(_shape(child) for child in element)
    text = (element.text or "").strip() if not children else ""
    return (element.tag, text, children)


def test_two_message_scheduled_order_matches_the_spec(xml_client, ileti_sandbox):
    send_at = dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)  # 12:00 in Istanbul
    xml_client.send_messages(
        [
            ("Test Mesajı Bir", ["0555 555 00 01", "0555 555 00 02"]),
            ("Test Mesajı İki", ["05555550003", "5555550004"]),
        ],
        send_at=send_at,
        commercial=True,
        iys_list="BIREYSEL",
    )
    [entry] = im_requests(ileti_sandbox, "/send-sms")
    sent = etree.fromstring(entry["body"].encode())  # the journal's copy, key and hash redacted
    expected = etree.fromstring(EXPECTED.encode())
    assert _shape(sent) == _shape(expected)


def test_json_variant_is_the_same_tree(ileti_sandbox):
    from tests.integration.iletimerkezi.conftest import make_client

    client = make_client(ileti_sandbox, format="json")
    client.send_messages(
        [("Bir", ["5555550001", "5555550002"]), ("İki", ["5555550003"])], send_at="2030-01-15T09:00:00Z"
    )
    [entry] = im_requests(ileti_sandbox, "/send-sms/json")
    order = entry["body"]["request"]["order"]
    assert entry["body"]["request"]["authentication"] == {"key": "***", "hash": "***"}
    assert order == {
        "sender": "APITEST",
        "sendDateTime": "15/01/2030 12:00",
        "iys": "0",
        "message": [
            {"text": "Bir", "receipents": {"number": ["5555550001", "5555550002"]}},
            {"text": "İki", "receipents": {"number": ["5555550003"]}},
        ],
    }
