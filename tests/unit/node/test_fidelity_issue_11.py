"""Issue #11 (fidelity), the client's side: what goes on the wire is what the vendor's document asks for.

Every test here failed on the code before its fix, except where the docstring says the rule already held
(kept as a pin so it cannot come back).
"""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter

from airflow_provider_ileti.clients.http.aio import AsyncHttpSession
from airflow_provider_ileti.clients.http.settings import HttpSettings
from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient
from airflow_provider_ileti.clients.node.client import many_to_many_content
from airflow_provider_ileti.clients.node.rest import RestTransport
from airflow_provider_ileti.core.errors import NotFoundError, ServiceError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .support import Scripted, client

A, B = "05555550001", "05555550002"


# -- 1. N-N carries content ---------------------------------------------------------------------------
def test_n_n_create_sms_sends_content_the_document_requires() -> None:
    t = Scripted({"pkgID": 1})
    client(t).create_sms(sending_type=2, messages=[(A, "bir"), (B, "iki")])
    payload = t.calls[0][1]
    assert payload["content"] == many_to_many_content(["bir", "iki"]) == "bir"


def test_n_n_send_of_a_batch_sends_content() -> None:
    t = Scripted({"pkgID": 1})
    client(t).send(SendBatch(messages=(SmsMessage("bir", (A,)), SmsMessage("iki", (B,)))))
    assert t.calls[0][1]["content"] == "bir"


def test_n_n_content_given_by_the_caller_is_sent_as_given() -> None:
    t = Scripted({"pkgID": 1})
    client(t).create_sms(sending_type=2, messages=[(A, "bir")], content="kampanya")
    assert t.calls[0][1]["content"] == "kampanya"


# -- 3. inquiry-number sends only documented fields ---------------------------------------------------
def test_inquiry_number_sends_no_page_fields_by_default() -> None:
    t = Scripted({"stats": {"totalRecord": 1}, "list": [{"pkgID": 7, "msg": "x"}]})
    records = list(client(t).inquiry_number(A, sender="BASLIK"))
    assert [r.pkg_id for r in records] == [7]
    assert len(t.calls) == 1
    assert set(t.calls[0][1]) == {"gsm", "sender"}


def test_inquiry_number_pages_only_when_asked() -> None:
    t = Scripted(
        {"stats": {"totalRecord": 11}, "list": [{"pkgID": i} for i in range(10)]},
        {"stats": {"totalRecord": 11}, "list": [{"pkgID": 10}]},
    )
    records = list(client(t).inquiry_number(A, paged=True, page_size=10))
    assert len(records) == 11
    assert [(p["pageIndex"], p["pageSize"]) for _, p in t.calls] == [(0, 10), (1, 10)]


def test_inquiry_number_page_size_without_paged_is_refused() -> None:
    t = Scripted()
    with pytest.raises(Exception, match="paged"):
        client(t).inquiry_number(A, page_size=10)
    assert t.calls == []


# -- 10. the N-N encoding carries every text ----------------------------------------------------------
def test_n_n_encoding_carries_every_text_not_only_the_first() -> None:
    """Held before the fix (the client took the widest of every text's cheapest encoding); pinned."""
    t = Scripted({"pkgID": 1})
    client(t).send(
        SendBatch(messages=(SmsMessage("Merhaba Ali", (A,)), SmsMessage("Merhaba Şükrü, ğ", (B,))))
    )
    assert t.calls[0][1]["encoding"] == 1


def test_n_n_encoding_also_carries_the_callers_content() -> None:
    t = Scripted({"pkgID": 1})
    client(t).create_sms(sending_type=2, messages=[(A, "bir")], content="çok özel ş")
    assert t.calls[0][1]["encoding"] == 1


def test_n_n_encoding_widens_to_ucs2_for_any_text_outside_the_turkish_table() -> None:
    t = Scripted({"pkgID": 1})
    client(t).create_sms(sending_type=2, messages=[(A, "bir"), (B, "iki ş"), (A, "üç 😀")])
    assert t.calls[0][1]["encoding"] == 2


# -- 7. an err in the body is an error whatever the HTTP status ---------------------------------------
class _Answer(BaseAdapter):
    def __init__(self, body: Any, status: int = 200) -> None:
        super().__init__()
        self.body, self.status = body, status

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        resp = requests.Response()
        resp.status_code = self.status
        resp.raw = urllib3.HTTPResponse(
            body=io.BytesIO(json.dumps(self.body).encode()), status=self.status, preload_content=False
        )
        resp.headers["Content-Type"] = "application/json"
        resp.request, resp.url = request, str(request.url)
        return resp

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        ({"status": 404, "code": "ERR_SMS_PKG_NOT_FOUND", "message": "yok"}, NotFoundError),
        ("SMS06", NotFoundError),
        ({"message": "something the document does not name"}, ServiceError),
    ],
)
def test_rest_err_with_http_200_is_an_error(err: Any, expected: type[Exception]) -> None:
    """Held before (``read_envelope`` reads ``err`` first); pinned for REST with a real requests session."""
    transport = RestTransport("http://panel.test", "u", "p")
    transport.http.session.mount("http://", _Answer({"err": err, "data": {"pkgID": 1}}))
    with pytest.raises(expected):
        transport.call("sms/create", {})


def test_async_status_err_with_http_200_is_an_error() -> None:
    """Held before; pinned for the trigger's client."""

    async def run() -> None:
        status = AsyncNodeStatusClient("http://panel.test", "u", "p")
        await status._http.aclose()
        status._http = AsyncHttpSession(
            HttpSettings(),
            service="node",
            client=httpx.AsyncClient(
                transport=httpx.MockTransport(
                    lambda _r: httpx.Response(
                        200, json={"err": "ERR_SMS_PKG_NOT_FOUND", "data": {"list": []}}
                    )
                )
            ),
        )
        try:
            with pytest.raises(NotFoundError, match="ERR_SMS_PKG_NOT_FOUND"):
                await status.get_statuses(["1"])
        finally:
            await status.aclose()

    asyncio.run(run())


# -- an explicit encoding must carry every text (the strict sandbox refuses it; so does the client) ----
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.create_sms(sending_type=0, number=A, content="Tek kişi", encoding=0), "content"),
        (
            lambda c: c.create_sms(sending_type=2, messages=[(A, "bir"), (B, "iki ş")], encoding=0),
            "messages[1].text",
        ),
        (lambda c: c.create_otp(A, "Kod 😀", encoding=1), "content"),
        (lambda c: c.create_kvkk(A, "Ayşe", "Y", "FIRST_NAME SHORT_LINK", encoding=0), "first_name"),
    ],
)
def test_an_explicit_encoding_that_cannot_carry_a_text_is_refused_before_the_network(
    call: Any, field: str
) -> None:
    from .support import NoNetwork

    with pytest.raises(Exception) as info:
        call(client(NoNetwork()))
    assert getattr(info.value, "field", None) == field
    assert "cannot be sent with encoding" in str(info.value)


def test_otp_and_kvkk_leave_encoding_out_unless_the_default_cannot_carry_the_text() -> None:
    t = Scripted({"pkgID": 1}, {"pkgID": 2}, {"pkgID": 3})
    c = client(t)
    c.create_otp(A, "Kod 1234")
    c.create_otp(A, "Kodunuz şudur 1234")
    c.create_kvkk(A, "Ayşe", "Yılmaz", "Merhaba FIRST_NAME LAST_NAME SHORT_LINK")
    assert "encoding" not in t.calls[0][1]
    assert t.calls[1][1]["encoding"] == 1 and t.calls[2][1]["encoding"] == 1


def test_set_blacklist_always_sends_return_invalids() -> None:
    t = Scripted({"status": 1}, {"status": 1})
    c = client(t)
    c.set_blacklist(True, gsms=[A])
    c.set_blacklist(True, gsms=[A], return_invalids=True)
    assert [p["returnInvalids"] for _, p in t.calls] == [False, True]
