"""Bad input that used to reach the service (issue #13, point 6) is refused before any request leaves.

Four kinds, each on every service it applies to, through the generic ``validate_send``/``send`` (what the
operators' first pass and their chunks call), through the clients' own functions, and for a few through the
generic ``SendSmsOperator``:

1. a ``send_at`` in the past (İleti Merkezi sends it at once) or years ahead (2999 was taken);
2. a text of 20,000-200,000 characters (131+ SMS parts) on Node and WISECP;
3. NUL, other C0 controls, TAB, DEL, C1 controls, lone surrogates and non-characters in a text;
4. an option the service cannot honour (validity, push URL, title, İYS) — it used to be dropped.

Each test asserts a ``ValidationError`` naming the field (the operator: an ``AirflowFailException`` that
names it), a text shown by its size only, and that the sandbox journal holds no request for that service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from tests.unit.operators.support import FakeStateStore, make_context

pytestmark = pytest.mark.integration

#: connection id -> (service name in the sandbox journal, a number that service accepts)
CONNECTIONS: dict[str, tuple[str, str]] = {
    "node_sms_default": ("node", "05555550001"),
    "node_sms_soap": ("node", "05555550001"),
    "iletimerkezi_default": ("iletimerkezi", "5555550001"),
    "iletimerkezi_json": ("iletimerkezi", "5555550001"),
    "iletiniz_default": ("iletiniz", "+905551230001"),
    "wisecp_default": ("wisecp", "+447400120000"),
}
NODE = ("node_sms_default", "node_sms_soap")
IM = ("iletimerkezi_default", "iletimerkezi_json")
SCHEDULING = NODE + IM
EVERY = tuple(CONNECTIONS)

#: The field a single-message batch's text is refused under, per service.
TEXT_FIELD = {
    "node": "content",
    "iletimerkezi": "messages[0].text",
    "iletiniz": "items[0].body",
    "wisecp": "messages[0].text",
}

LONG_20K = "a" * 20_000  # 131 GSM parts
LONG_200K = "ş" * 200_000  # 2,703 Turkish-table parts
#: bad characters, each inside an otherwise good text
CONTROLS = {
    "NUL": "Merhaba\x00dünya",
    "BEL": "zil\x07",
    "TAB": "Ad\tSoyad",
    "ESC": "renk \x1b[31m",
    "FF": "sayfa\x0c",
    "DEL": "sil\x7f",
    "C1 NEL": "satır\x85sonu",
    "C1 CSI": "renk \x9b31m",
    "lone surrogate": "emoji \ud83d yarım",
    "noncharacter": "ters \ufffe",
}
#: characters İleti Merkezi refused already (its XML rule): pinned below, not counted as new
IM_ALREADY_REFUSED = {"NUL", "BEL", "ESC", "FF", "lone surrogate", "noncharacter"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Case(NamedTuple):
    id: str
    conn_id: str
    field: str
    #: (client, number) -> the call that must be refused
    call: Callable[[Any, str], Any]


def _batch(number: str, text: str = "Merhaba", **options: Any) -> SendBatch:
    return SendBatch(messages=(SmsMessage(text, (number,)),), **options)


def _generic(text: str = "Merhaba", **options: Any) -> Callable[[Any, str], Any]:
    """The generic protocol: ``validate_send`` (the operators' first pass) must refuse, and ``send`` called
    alone must refuse the same field; the ``send`` error is the one the test reads."""

    def call(client: Any, number: str) -> Any:
        batch = _batch(number, text, **options)
        errors: list[ValidationError] = []
        for function in (client.validate_send, client.send):
            try:
                function(batch)
            except ValidationError as exc:
                errors.append(exc)
            else:
                pytest.fail(f"{function.__name__} accepted the batch")
        assert errors[0].field == errors[1].field
        raise errors[1]

    return call


def _cases() -> list[Case]:
    cases: list[Case] = []
    # 1. send_at: past, far ahead — on every service that schedules (the others refuse send_at outright)
    for conn in SCHEDULING:
        cases += [
            Case(f"send_at past/{conn}", conn, "send_at", _generic(send_at=_now() - dt.timedelta(hours=1))),
            Case(
                f"send_at yesterday/{conn}", conn, "send_at", _generic(send_at=_now() - dt.timedelta(days=1))
            ),
            Case(
                f"send_at 2999/{conn}",
                conn,
                "send_at",
                _generic(send_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC)),
            ),
            Case(
                f"send_at 400 days/{conn}", conn, "send_at", _generic(send_at=_now() + dt.timedelta(days=400))
            ),
        ]
    for conn in NODE:
        cases += [
            Case(
                f"create_sms sending_date past/{conn}",
                conn,
                "sending_date",
                lambda c, n: c.create_sms(
                    sending_type=1, numbers=[n], content="x", sending_date=_now() - dt.timedelta(hours=2)
                ),
            ),
            Case(
                f"create_sms sending_date 2999/{conn}",
                conn,
                "sending_date",
                lambda c, n: c.create_sms(
                    sending_type=1, numbers=[n], content="x", sending_date="2999-01-01T09:00Z"
                ),
            ),
        ]
    for conn in IM:
        cases.append(
            Case(
                f"send_sms send_at past/{conn}",
                conn,
                "send_at",
                lambda c, n: c.send_sms("x", [n], send_at=_now() - dt.timedelta(hours=2)),
            )
        )
    # 2. texts of 131+ parts — Node and WISECP took them
    for conn in NODE + ("wisecp_default",):
        service = CONNECTIONS[conn][0]
        for name, text in (("20k", LONG_20K), ("200k", LONG_200K)):
            cases.append(Case(f"text {name}/{conn}", conn, TEXT_FIELD[service], _generic(text=text)))
    for conn in NODE:
        cases += [
            Case(
                f"N-N text 20k/{conn}",
                conn,
                "messages[1].text",
                lambda c, n: c.send(
                    SendBatch(messages=(SmsMessage("kısa", (n,)), SmsMessage(LONG_20K, ("05555550002",))))
                ),
            ),
            Case(f"create_otp 20k/{conn}", conn, "content", lambda c, n: c.create_otp(n, LONG_20K)),
            Case(
                f"create_sms 200k/{conn}",
                conn,
                "content",
                lambda c, n: c.create_sms(sending_type=1, numbers=[n], content=LONG_200K),
            ),
        ]
    cases.append(Case("submit 20k/wisecp", "wisecp_default", "message", lambda c, n: c.submit([n], LONG_20K)))
    # 3. control characters, on every service's texts
    for conn in EVERY:
        service = CONNECTIONS[conn][0]
        for name, text in CONTROLS.items():
            if service == "iletimerkezi" and name in IM_ALREADY_REFUSED:
                continue
            cases.append(Case(f"{name}/{conn}", conn, TEXT_FIELD[service], _generic(text=text)))
    for conn in NODE:
        cases += [
            Case(f"create_otp NUL/{conn}", conn, "content", lambda c, n: c.create_otp(n, "Kod\x00 1234")),
            Case(
                f"create_kvkk ESC/{conn}",
                conn,
                "content",
                lambda c, n: c.create_kvkk(n, "Ayşe", "Yılmaz", "Merhaba \x1b SHORT_LINK"),
            ),
            Case(
                f"create_kvkk name NUL/{conn}",
                conn,
                "first_name",
                lambda c, n: c.create_kvkk(n, "Ay\x00şe", "Yılmaz", "Merhaba SHORT_LINK"),
            ),
            Case(
                f"N-N text DEL/{conn}",
                conn,
                "messages[0].text",
                lambda c, n: c.create_sms(sending_type=2, messages=[(n, "sil\x7f")]),
            ),
        ]
    cases += [
        Case(
            "send_message NUL/iletiniz", "iletiniz_default", "body", lambda c, n: c.send_message(n, "a\x00b")
        ),
        Case(
            "send_bulk TAB/iletiniz",
            "iletiniz_default",
            "items[0].body",
            lambda c, n: c.send_bulk([(n, "Ad\tSoyad")]),
        ),
        Case(
            "template variable NUL/iletiniz",
            "iletiniz_default",
            "variables.code",
            lambda c, n: c.send_message(n, template="otp", variables={"code": "12\x0034"}),
        ),
        Case(
            "bulk template variable C1/iletiniz",
            "iletiniz_default",
            "items[0].variables.name",
            lambda c, n: c.send_bulk([(n, {"name": "Ali\x9b"})], template="hello"),
        ),
        Case(
            "template key BEL/iletiniz",
            "iletiniz_default",
            "template",
            lambda c, n: c.send_message(n, template="otp\x07"),
        ),
        Case("submit NUL/wisecp", "wisecp_default", "message", lambda c, n: c.submit([n], "a\x00b")),
        Case("submit surrogate/wisecp", "wisecp_default", "message", lambda c, n: c.submit([n], "a\udc00b")),
    ]
    for conn in IM:
        cases += [
            Case(f"send_sms TAB/{conn}", conn, "messages[0].text", lambda c, n: c.send_sms("a\tb", [n])),
            Case(
                f"send_via_get DEL/{conn}",
                conn,
                "messages[0].text",
                lambda c, n: c.send_via_get("a\x7fb", [n]),
            ),
        ]
    # 4. options the service cannot honour
    unhonoured = {
        "iletimerkezi": {
            "validity_minutes": {"validity_minutes": 60},
            "push_url": {"push_url": "https://example.invalid/dlr?token=s3cret"},
            "title": {"title": "Kampanya"},
        },
        "iletiniz": {"title": {"title": "Kampanya"}},
        "wisecp": {
            "title": {"title": "Kampanya"},
            "commercial": {"commercial": True},
            "iys_recipient_type": {"iys_recipient_type": "TACIR"},
        },
    }
    for conn in EVERY:
        for option, kwargs in unhonoured.get(CONNECTIONS[conn][0], {}).items():
            cases.append(Case(f"option {option}/{conn}", conn, option, _generic(**kwargs)))
    cases.append(
        Case(
            "option commercial with a list/wisecp",
            "wisecp_default",
            "commercial",
            _generic(commercial=True, iys_recipient_type="BIREYSEL"),
        )
    )
    return cases


CASES = _cases()


def _client(conn_id: str) -> Any:
    from airflow_provider_ileti.hooks.registry import get_sms_hook

    return get_sms_hook(conn_id).get_client()


@pytest.fixture(autouse=True)
def _fresh_wsdl() -> Any:
    """The Node SOAP client caches the WSDL per URL and process; the sandbox's port is per session."""
    from airflow_provider_ileti.clients.node import soap

    soap.clear_wsdl_cache()
    yield
    soap.clear_wsdl_cache()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_before_any_request(case: Case, ileti_sandbox_env: Any) -> None:
    service, number = CONNECTIONS[case.conn_id]
    client = _client(case.conn_id)
    with pytest.raises(ValidationError) as info:
        case.call(client, number)
    error = info.value
    assert error.field == case.field, str(error)
    assert error.service == service
    for text in (LONG_20K, LONG_200K, *CONTROLS.values()):
        assert text[:12] not in str(error)  # a text is shown by its size, never its words
    assert "s3cret" not in str(error)
    assert ileti_sandbox_env.requests(service=service) == []


#: Bad input some services refused already; pinned so that the shared rules keep it so.
PINS = [
    Case(
        "8 parts/iletimerkezi", "iletimerkezi_default", "messages[0].text", _generic(text="a" * (153 * 7 + 1))
    ),
    Case("1601 characters/iletiniz", "iletiniz_default", "items[0].body", _generic(text="a" * 1601)),
    *[
        Case(f"{name}/iletimerkezi", "iletimerkezi_json", "messages[0].text", _generic(text=CONTROLS[name]))
        for name in sorted(IM_ALREADY_REFUSED)
    ],
    *[
        Case(f"option {option}/{conn}", conn, option, _generic(**{option: value}))
        for conn in ("iletiniz_default", "wisecp_default")
        for option, value in (
            ("send_at", dt.datetime.now(dt.UTC) + dt.timedelta(days=1)),
            ("validity_minutes", 60),
            ("push_url", "https://example.invalid/dlr"),
        )
    ],
]


@pytest.mark.parametrize("case", PINS, ids=[c.id for c in PINS])
def test_bad_input_refused_before_stays_refused(case: Case, ileti_sandbox_env: Any) -> None:
    service, number = CONNECTIONS[case.conn_id]
    with pytest.raises(ValidationError) as info:
        case.call(_client(case.conn_id), number)
    assert info.value.field == case.field
    assert ileti_sandbox_env.requests(service=service) == []


# -- the generic operator: its first pass (validate_send) stops the task before chunk 0 ---------------------
OPERATOR_CASES = {
    "send_at yesterday on Node": ("node_sms_default", {"send_at": "{past}"}, "send_at"),
    "send_at 2999 on İleti Merkezi": ("iletimerkezi_default", {"send_at": "2999-01-01T09:00:00Z"}, "send_at"),
    "20,000 characters on WISECP": ("wisecp_default", {"message": LONG_20K}, "messages[0].text"),
    "NUL on Node SOAP": ("node_sms_soap", {"message": "Merhaba\x00"}, "content"),
    "TAB on İletiniz": ("iletiniz_default", {"message": "Ad\tSoyad"}, "items[0].body"),
    "validity on İleti Merkezi": ("iletimerkezi_json", {"validity": 60}, "validity_minutes"),
    "title on İletiniz": ("iletiniz_default", {"title": "Kampanya"}, "title"),
    "commercial on WISECP": (
        "wisecp_default",
        {"commercial": True, "iys_recipient_type": "BIREYSEL"},
        "commercial",
    ),
}


@pytest.mark.parametrize("case", list(OPERATOR_CASES))
def test_send_operator_fails_before_any_request(case: str, ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    conn_id, overrides, field = OPERATOR_CASES[case]
    service, number = CONNECTIONS[conn_id]
    kwargs: dict[str, Any] = {"message": "Merhaba", "recipients": [number, number[:-1] + "2"], **overrides}
    if kwargs.get("send_at") == "{past}":
        kwargs["send_at"] = (_now() - dt.timedelta(days=1)).isoformat()
    task = SendSmsOperator(task_id="send", conn_id=conn_id, chunk_size=1, **kwargs)
    with pytest.raises(AirflowFailException) as info:
        task.execute(make_context(store=FakeStateStore()))
    assert f"{field}=" in str(info.value)
    assert "Merhaba\x00" not in str(info.value) and "Ad\tSoyad" not in str(info.value)
    assert ileti_sandbox_env.requests(service=service) == []
