"""Every rule of the Node spec refuses bad input with ValidationError(field, value, rule) and no request.

The transport fails the test if called, so each case also proves nothing reached the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.clients.node.models import IysSettings, PeriodicSettings
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .support import NoNetwork, client

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
OK = "05555550001"


def _sms(**kw: Any) -> Callable[[NodeClient], Any]:
    base: dict[str, Any] = {"sending_type": 1, "content": "hi", "numbers": [OK]}
    base.update(kw)
    return lambda c: c.create_sms(**base)


# (test id, call, field named by the error)
CASES: list[tuple[str, Callable[[NodeClient], Any], str]] = [
    ("phone_number_invalid", lambda c: c.create_otp("12345", "code 1"), "number"),
    ("phone_number_landline", lambda c: c.create_otp("0212 555 00 01", "code 1"), "number"),
    ("phone_in_numbers_list", _sms(numbers=[OK, "0555"]), "numbers[1]"),
    ("sender_too_long", lambda c: c.create_otp(OK, "code", sender="ALPHANUMERIC1"), "sender"),
    (
        "sender_missing_without_default",
        lambda c: NodeClient("http://x", "u", "p", transport=NoNetwork()).create_otp(OK, "code"),
        "sender",
    ),
    ("content_empty", lambda c: c.create_otp(OK, "  "), "content"),
    ("otp_validity_below_3", lambda c: c.create_otp(OK, "code", validity=2), "validity"),
    ("otp_validity_above_6", lambda c: c.create_otp(OK, "code", validity=7), "validity"),
    ("sms_validity_below_60", _sms(validity=59), "validity"),
    ("sms_validity_above_1440", _sms(validity=1441), "validity"),
    ("kvkk_validity_range", lambda c: c.create_kvkk(OK, "A", "B", "x SHORT_LINK", validity=30), "validity"),
    ("encoding_unknown", _sms(encoding=3), "encoding"),
    ("sms_type_unknown", _sms(sms_type=5), "sms_type"),
    ("sending_type_unknown", _sms(sending_type=3), "sending_type"),
    ("sending_type_0_needs_number", _sms(sending_type=0, numbers=None), "number"),
    ("sending_type_0_refuses_numbers", _sms(sending_type=0, number=OK), "numbers"),
    ("sending_type_1_needs_numbers", _sms(numbers=None), "numbers"),
    ("sending_type_1_refuses_number", _sms(numbers=None, number=OK), "number"),
    ("sending_type_2_needs_messages", _sms(sending_type=2, numbers=None, content=None), "messages"),
    ("sending_type_2_refuses_numbers", _sms(sending_type=2, content=None), "numbers"),
    ("sending_type_2_pair_shape", _sms(sending_type=2, numbers=None, messages=[(OK,)]), "messages[0]"),
    ("periodic_amount_not_multiple_of_1000", _sms(periodic=PeriodicSettings(0, 1, 1500)), "periodic.amount"),
    ("periodic_amount_below_1000", _sms(periodic=PeriodicSettings(0, 1, 0)), "periodic.amount"),
    ("periodic_amount_required_for_one_off", _sms(periodic=PeriodicSettings(0, 1, None)), "periodic.amount"),
    ("periodic_interval_below_1", _sms(periodic=PeriodicSettings(0, 0, 1000)), "periodic.interval"),
    (
        "periodic_interval_required_for_one_off",
        _sms(periodic=PeriodicSettings(0, None, 1000)),
        "periodic.interval",
    ),
    ("periodic_type_unknown", _sms(periodic=PeriodicSettings(9)), "periodic.period_type"),
    ("custom_id_charset", _sms(custom_id="bad id!"), "custom_id"),
    ("custom_id_length", _sms(custom_id="a" * 101), "custom_id"),
    ("push_url_not_http", _sms(push_url="ftp://x"), "push_url"),
    ("commercial_not_bool", _sms(commercial="yes"), "commercial"),
    ("sending_date_format", _sms(sending_date="25/12/2020 12:00"), "sending_date"),
    ("sending_date_date_only", _sms(sending_date=dt.date(2026, 1, 1)), "sending_date"),
    ("trust_date_format", lambda c: c.create_otp(OK, "code", trust_date="yesterday"), "trust_date"),
    ("title_too_long", _sms(title="t" * 300), "title"),
    ("page_size_below_10", lambda c: c.list_packages(page_size=9), "page_size"),
    ("page_size_above_1000", lambda c: c.list_contacts(page_size=1001), "page_size"),
    ("list_filter_unknown", lambda c: c.list_packages(colour="red"), "colour"),
    ("list_status_filter_range", lambda c: c.list_packages(status=8), "status"),
    (
        "list_dates_reversed",
        lambda c: c.list_packages(start_date=NOW, finish_date=NOW - dt.timedelta(days=1)),
        "finish_date",
    ),
    ("list_ids_not_integers", lambda c: c.list_packages(ids=["abc"]), "ids[0]"),
    ("get_packages_needs_ids", lambda c: c.get_packages(), "ids"),
    ("get_packages_at_most_1000", lambda c: c.get_packages(ids=range(1001)), "ids"),
    ("list_items_needs_one_reference", lambda c: c.list_package_items(), "pkg_id/uuid/custom_id"),
    (
        "list_items_only_one_reference",
        lambda c: c.list_package_items(pkg_id=1, uuid="u"),
        "pkg_id/uuid/custom_id",
    ),
    ("list_items_operator_range", lambda c: c.list_package_items(pkg_id=1, operator=4), "operator"),
    ("list_items_state_range", lambda c: c.list_package_items(pkg_id=1, state=6), "state"),
    ("sender_status_range", lambda c: c.list_sms_senders(status=4), "status"),
    ("cancel_needs_one_reference", lambda c: c.cancel_package(), "pkg_id/uuid/custom_id"),
    (
        "recreate_include_new_numbers_bool",
        lambda c: c.recreate_package(pkg_id=1, title="t", include_new_numbers=None),
        "include_new_numbers",
    ),
    (
        "recreate_title_required",
        lambda c: c.recreate_package(pkg_id=1, title="", include_new_numbers=True),
        "title",
    ),
    (
        "inquiry_range_over_3_months",
        lambda c: c.inquiry_number(OK, start_date=NOW, finish_date=NOW + dt.timedelta(days=93)),
        "finish_date",
    ),
    ("inquiry_gsm_invalid", lambda c: c.inquiry_number("123"), "gsm"),
    ("summary_date_format", lambda c: c.summary(start_date="not a date"), "start_date"),
    ("kvkk_needs_short_link", lambda c: c.create_kvkk(OK, "Ayşe", "Yılmaz", "Hello FIRST_NAME"), "content"),
    ("kvkk_needs_first_name", lambda c: c.create_kvkk(OK, "", "Yılmaz", "x SHORT_LINK"), "first_name"),
    ("kvkk_needs_last_name", lambda c: c.create_kvkk(OK, "Ayşe", " ", "x SHORT_LINK"), "last_name"),
    ("blacklist_at_most_1000", lambda c: c.set_blacklist(True, uuids=["u"] * 600, gsms=[OK] * 401), "gsms"),
    ("blacklist_needs_items", lambda c: c.set_blacklist(True), "uuids"),
    ("blacklist_status_bool", lambda c: c.set_blacklist("on", gsms=[OK]), "status"),
    ("blacklist_gsm_invalid", lambda c: c.set_blacklist(True, gsms=["x"]), "gsms[0]"),
    ("custom_field_turkish_letter", lambda c: c.create_contact(OK, details={"DOĞUM": "1"}), "details.DOĞUM"),
    ("custom_field_special_char", lambda c: c.create_contact(OK, details={"E-MAIL": "a"}), "details.E-MAIL"),
    ("contact_field_unknown", lambda c: c.create_contact(OK, nickname="x"), "nickname"),
    ("contact_iys_recipient_type", lambda c: c.create_contact(OK, iys=IysSettings(2, 0)), "iys.c"),
    ("contact_iys_source", lambda c: c.create_contact(OK, iys=IysSettings(0, 13)), "iys.spc"),
    ("contact_gsm_invalid", lambda c: c.update_contact("u", "555"), "gsm"),
    ("contact_delete_needs_uuids", lambda c: c.delete_contacts([]), "uuids"),
    ("contact_list_filter_range", lambda c: c.list_contacts(status=4), "status"),
    ("contact_list_iys_state_range", lambda c: c.list_contacts(iys_state=4), "iys_state"),
    ("import_column_name_turkish", lambda c: c.import_contacts([["1"]], ["ŞEHİR"]), "columns[0]"),
    ("import_row_length", lambda c: c.import_contacts([[OK, "x"]], ["GSM"]), "rows[0]"),
    ("import_gsm_invalid", lambda c: c.import_contacts([["123"]], ["GSM"]), "rows[0].GSM"),
    (
        "import_quote_in_value",
        lambda c: c.import_contacts([[OK, "O'Brien"]], ["GSM", "LAST_NAME"]),
        "rows[0].LAST_NAME",
    ),
    ("import_needs_rows", lambda c: c.import_contacts([], ["GSM"]), "rows"),
    ("group_gsms_invalid", lambda c: c.create_group("A", gsms=["nope"]), "gsms[0]"),
    ("group_title_required", lambda c: c.create_group(""), "title"),
    ("delete_group_needs_one", lambda c: c.delete_group(), "uuid/uuids"),
    ("mo_dates_format", lambda c: c.list_mo_requests(start_date="31.12.2025"), "start_date"),
    ("send_empty_batch", lambda c: c.send(SendBatch(messages=())), "messages"),
    ("send_bad_number", lambda c: c.send(SendBatch(messages=(SmsMessage("hi", ("0555",)),))), "number"),
    (
        "send_bad_key",
        lambda c: c.send(SendBatch(messages=(SmsMessage("hi", (OK,)),), idempotency_key="a b")),
        "custom_id",
    ),
    ("statuses_reference_not_id", lambda c: c.get_statuses(["pkg-1"]), "references[0]"),
    ("cancel_reference_not_id", lambda c: c.cancel("abc"), "reference[0]"),
]


@pytest.mark.parametrize(("call", "field"), [(c, f) for _, c, f in CASES], ids=[i for i, _, _ in CASES])
def test_rule_refuses_before_the_network(call: Callable[[NodeClient], Any], field: str) -> None:
    transport = NoNetwork()
    with pytest.raises(ValidationError) as info:
        call(client(transport))
    assert info.value.field == field
    assert info.value.rule
    assert transport.calls == []


def test_list_arguments_are_checked_when_called_not_when_iterated() -> None:
    transport = NoNetwork()
    with pytest.raises(ValidationError):
        client(transport).list_groups(page_size=5)  # no next(): the call itself refuses
    assert transport.calls == []


def test_protocol_must_be_rest_or_soap() -> None:
    with pytest.raises(ValidationError) as info:
        NodeClient("http://x", "u", "p", protocol="grpc", transport=NoNetwork())
    assert info.value.field == "protocol"


def test_sender_length_guess_is_one_named_constant() -> None:
    from airflow_provider_ileti.clients.node import validation

    transport = NoNetwork()
    c = client(transport, default_sender="A" * validation.MAX_SENDER_LENGTH)
    with pytest.raises(ValidationError) as info:
        c.create_otp(OK, "code", sender="A" * (validation.MAX_SENDER_LENGTH + 1))
    assert str(validation.MAX_SENDER_LENGTH) in info.value.rule
