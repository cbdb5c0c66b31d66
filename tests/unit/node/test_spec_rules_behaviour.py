"""What the spec's rules let through, and what the client reports back: the accepting side of the rules in
``validation_cases.py``, answers taken as the server gave them, and SMS44 not retried."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from airflow_provider_ileti.clients.node import validation as v
from airflow_provider_ileti.clients.node.codes import NodeTransientError, error_for
from airflow_provider_ileti.clients.node.models import BlacklistResult, Contact, IysSettings, PeriodicSettings
from airflow_provider_ileti.core.errors import ServiceError, TransientError, ValidationError

from .support import NoNetwork, Scripted, client

OK = "05555550001"
TC_A, TC_B = "10000000146", "12345678950"


def _created(t: Scripted) -> dict[str, Any]:
    ((function, payload),) = t.calls
    assert function == "sms/create"
    return payload


@pytest.mark.parametrize("tc_id", [TC_A, TC_B, "28401736540"])
def test_national_id_checksums(tc_id: str) -> None:
    assert v.national_id(tc_id) == tc_id


def test_sms_type_2_sends_national_ids_as_given_on_every_sending_type() -> None:
    t = Scripted({"pkgID": 1}, {"pkgID": 2}, {"pkgID": 3})
    c = client(t)
    c.create_sms(sms_type=2, sending_type=0, number=TC_A, content="x")
    c.create_sms(sms_type=2, sending_type=1, numbers=[TC_A, TC_B], content="x")
    c.create_sms(sms_type=2, sending_type=2, messages=[(TC_A, "a"), (TC_B, "b")])
    (_, one), (_, many), (_, pairs) = t.calls
    assert (one["type"], one["number"]) == (2, TC_A)
    assert many["numbers"] == [TC_A, TC_B]
    assert pairs["numbers"] == [{"nr": TC_A, "msg": "a"}, {"nr": TC_B, "msg": "b"}]


def test_a_refused_national_id_is_masked_in_the_error() -> None:
    with pytest.raises(ValidationError) as info:
        client(NoNetwork()).create_sms(sms_type=2, sending_type=1, numbers=["10000000147"], content="x")
    assert "1000000014" not in str(info.value) and info.value.value == "***47"


def test_a_phone_number_is_still_a_phone_number_on_other_types() -> None:
    t = Scripted({"pkgID": 1})
    client(t).create_sms(sms_type=1, sending_type=1, numbers=["0555 555 00 01"], content="x")
    assert _created(t)["numbers"] == ["905555550001"]


def test_hs_karar_is_allowed_on_an_update() -> None:
    t = Scripted({"status": 1})
    client(t).update_contact("uuid-1", OK, iys=IysSettings(recipient_type=0, source=v.IYS_SOURCE_HS_KARAR))
    ((function, payload),) = t.calls
    assert function == "contact/update" and payload["iys"] == {"c": 0, "spc": 1, "send": True}


def test_other_sources_are_allowed_on_a_first_record() -> None:
    t = Scripted({"uuid": "c-1", "gsm": "905555550001"})
    client(t).create_contact(OK, iys=IysSettings(recipient_type=1, source=7))
    assert t.calls[0][1]["iys"]["spc"] == 7


def test_query_email_with_an_email_field_is_sent() -> None:
    t = Scripted({"uuid": "c-1"}, {"status": 1})
    c = client(t)
    c.create_contact(OK, query_email=True, details={"EMAIL": "a@example.com"})
    c.update_contact("c-1", OK, query_email=True)  # the server may hold EMAIL already: not refused
    assert [p.get("queryEmail") for _, p in t.calls] == [True, True]


def test_query_email_false_needs_no_email_field() -> None:
    t = Scripted({"uuid": "c-1"})
    client(t).create_contact(OK, query_email=False)
    assert t.calls[0][1]["queryEmail"] is False


@pytest.mark.parametrize(("given", "sent"), [("MO", 0), ("web", 1), (0, 0), (1, 1)])
def test_exit_type_by_name_or_number(given: Any, sent: int) -> None:
    t = Scripted({"stats": {"totalRecord": 0}, "list": []})
    list(client(t).list_contacts(exit_type=given))
    assert t.calls[0][1]["exitType"] == sent
    assert sent == v.EXIT_TYPES[{0: "MO", 1: "WEB"}[sent]]


def test_the_1000_rule_is_for_one_off_periods_only() -> None:
    t = Scripted({"pkgID": 1}, {"pkgID": 2})
    c = client(t)
    c.create_sms(sending_type=1, numbers=[OK], content="x", periodic=PeriodicSettings(1, 2, 1500))
    c.create_sms(sending_type=1, numbers=[OK], content="x", periodic=PeriodicSettings(3))
    assert [p["periodicSettings"] for _, p in t.calls] == [
        {"periodType": 1, "interval": 2, "amount": 1500},
        {"periodType": 3},
    ]


def test_inquiry_start_alone_within_3_months_sends_no_finish_date() -> None:
    t = Scripted({"stats": {"totalRecord": 0}, "list": []})
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=80)
    list(client(t).inquiry_number(OK, start_date=start))
    payload = t.calls[0][1]
    assert "startDate" in payload and "finishDate" not in payload


def test_date_range_takes_now_as_the_missing_finish() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ok = v.date_range(
        start, None, "Europe/Istanbul", max_months=3, now=dt.datetime(2026, 3, 31, tzinfo=dt.UTC)
    )
    assert ok == {"startDate": "2026-01-01 03:00"}
    with pytest.raises(ValidationError) as info:
        v.date_range(start, None, "Europe/Istanbul", max_months=3, now=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    assert info.value.field == "start_date" and "before now" in info.value.rule
    # without max_months (lists, summary) a start alone is never refused for its age
    assert v.date_range(start, None, "UTC", now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == {
        "startDate": "2026-01-01 00:00"
    }


def test_update_contact_and_group_return_what_the_server_said() -> None:
    t = Scripted({"status": 1}, {"status": 1})
    c = client(t)
    assert c.update_contact("c-1", OK, first_name="Ayşe") is None
    assert c.update_group("g-1", "Yeni") is None
    full = Scripted(
        {"uuid": "c-1", "gsm": "905555550001", "firstName": "Server"}, {"uuid": "g-1", "title": "S"}
    )
    c = client(full)
    contact = c.update_contact("c-1", OK, first_name="Ayşe")
    assert isinstance(contact, Contact) and contact.first_name == "Server"
    group = c.update_group("g-1", "Yeni")
    assert group is not None and group.title == "S"


def test_blacklist_status_is_the_servers() -> None:
    assert BlacklistResult.from_dict({}).status is None
    assert BlacklistResult.from_dict({"status": 1}).status == 1
    assert BlacklistResult.from_dict({"status": 0, "invalids": ["x"]}) == BlacklistResult(0, ("x",))
    t = Scripted({"invalids": []})
    assert client(t).set_blacklist(True, gsms=[OK]).status is None


@pytest.mark.parametrize("function", ["sms/create", "sms/list", "user/credit"])
def test_sms44_sending_hours_is_not_retried(function: str) -> None:
    slept: list[float] = []
    t = Scripted(error_for("SMS44", function=function), default=lambda f, p: {"pkgID": 1, "credit": 1})
    c = client(t, sleep=slept.append)
    with pytest.raises(ServiceError) as info:
        if function == "sms/create":
            c.create_sms(sending_type=1, numbers=[OK], content="x", custom_id="k-1")
        elif function == "sms/list":
            c.get_packages(ids=[1])
        else:
            c.get_credit()
    assert not isinstance(info.value, TransientError)
    assert len(t.calls) == 1 and slept == []
    assert "after the restricted hours" in str(info.value)


def test_only_safe_functions_are_retried_blindly() -> None:
    maybe_sent = NodeTransientError("dropped", maybe_processed=True, service="node")
    t = Scripted(maybe_sent, {"ok": 1})
    with pytest.raises(TransientError):
        client(t)._call("contact/create", {"gsm": "905555550001"})
    assert len(t.calls) == 1
    t = Scripted(maybe_sent, {"credit": 3})
    assert client(t).get_credit() == 3.0 and len(t.calls) == 2


def test_import_errors_do_not_echo_personal_data() -> None:
    c = client(NoNetwork())
    with pytest.raises(ValidationError) as info:
        c.import_contacts([[OK, "Ayşe\nYılmaz"]], ["GSM", "FIRST_NAME"])
    assert "Ayşe" not in str(info.value) and info.value.field == "rows[0].FIRST_NAME"
    with pytest.raises(ValidationError) as info:
        c.import_contacts([["05555550001", "Ali", "Veli"]], ["GSM", "FIRST_NAME"])
    assert "Ali" not in str(info.value) and "5555550001" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        c.create_sms(sending_type=2, messages=[("0212 555 00 01", "gizli metin")])
    assert "gizli" not in str(info.value) and "2125550001" not in str(info.value)
