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
    <sendDateTime>{send_date} 12:00</sendDateTime>
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
#: A schedule the client accepts (from now on, at most a year ahead): 09:00 UTC is 12:00 in Istanbul.
LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)


def _shape(element) -> tuple:
    children = tuple(_shape(child) for child in element)
    text = (element.text or "").strip() if not children else ""
    return (element.tag, text, children)


def test_two_message_scheduled_order_matches_the_spec(xml_client, ileti_sandbox):
    send_at = LATER
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
    expected = etree.fromstring(EXPECTED.format(send_date=f"{LATER:%d/%m/%Y}").encode())
    assert _shape(sent) == _shape(expected)


def test_json_variant_is_the_same_tree(ileti_sandbox):
    from tests.integration.iletimerkezi.conftest import make_client

    client = make_client(ileti_sandbox, format="json")
    client.send_messages(
        [("Bir", ["5555550001", "5555550002"]), ("İki", ["5555550003"])], send_at=LATER.isoformat()
    )
    [entry] = im_requests(ileti_sandbox, "/send-sms/json")
    order = entry["body"]["request"]["order"]
    assert entry["body"]["request"]["authentication"] == {"key": "***", "hash": "***"}
    assert order == {
        "sender": "APITEST",
        "sendDateTime": f"{LATER:%d/%m/%Y} 12:00",
        "iys": "0",
        "message": [
            {"text": "Bir", "receipents": {"number": ["5555550001", "5555550002"]}},
            {"text": "İki", "receipents": {"number": ["5555550003"]}},
        ],
    }
