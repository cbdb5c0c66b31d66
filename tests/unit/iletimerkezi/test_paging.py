"""Paging rules with a canned answer: the spec's total rule, full pages when the total is empty, and a
service that ignores ``page`` cannot make the client loop for ever."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.http import Answer
from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient, _more_pages
from airflow_provider_ileti.core.errors import ProtocolError


class SamePageForEver:
    """An ``HttpSession`` stand-in answering every request with the same full page, whatever page is asked."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.requests = 0

    def request(self, method: str, url: str, *, what: str, **kwargs: object) -> Answer:
        self.requests += 1
        return Answer(status=200, headers={"Content-Type": "text/xml"}, body=self.body, what=what)

    def close(self) -> None:
        return None


def _client(session: SamePageForEver) -> IletiMerkeziClient:
    return IletiMerkeziClient("http://127.0.0.1:9/v1", key="k", api_hash="h", session=session)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("page", "row_count", "got", "total", "more"),
    [
        (1, 5, 5, 13, True),
        (3, 5, 3, 13, False),
        (2, 5, 5, 10, False),  # with a total: exactly ceil(total / rowCount) pages
        (1, 5, 5, 0, True),  # total empty: a full page may have more behind it
        (2, 5, 3, 0, False),  # a short page is the last
        (2, 5, 0, 0, False),
        (1, 5, 0, 13, False),  # an empty page always ends it
    ],
)
def test_more_pages(page, row_count, got, total, more):
    assert _more_pages(page, row_count, got, total) is more


def test_a_report_that_ignores_page_stops_after_50000_lines():
    lines = "".join(
        f"<message><number>+90555555{i:04d}</number><status>111</status></message>" for i in range(1000)
    )
    body = (
        "<response><status><code>200</code></status><order><id>7</id><status>114</status>"
        f"<total></total>{lines}</order></response>"
    ).encode()
    session = SamePageForEver(body)
    seen = 0
    with pytest.raises(ProtocolError, match="keeps returning full pages past 50000"):
        for _ in _client(session).iter_report("7", row_count=1000):
            seen += 1
    assert session.requests == 50 and seen == 50_000


def test_a_blacklist_that_ignores_page_stops_at_the_repeat():
    body = b"<response><status><code>200</code></status><blacklist><count></count><number>5555550001</number>"
    session = SamePageForEver(body + b"<number>5555550002</number></blacklist></response>")
    with pytest.raises(ProtocolError, match="page 2 repeats page 1"):
        list(_client(session).iter_blacklist(row_count=2))
    assert session.requests == 2
