"""Every rule of the Node spec as one case: the call, the field, the value and the rule the error names.

Shared by the unit test (a transport that fails if called) and the integration test (the real sandbox,
whose journal must stay empty). Values are what the error shows: numbers masked, texts as their size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from airflow_provider_ileti.clients.node import validation as v
from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.clients.node.models import IysSettings, PeriodicSettings
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .support import NoNetwork

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
#: a start more than 3 months ago, with no finish: the inquiry would count up to now
LONG_AGO = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=100)
OK = "05555550001"
TC_OK = "10000000146"
TOO_MANY = v.MAX_RECIPIENTS_PER_REQUEST + 1
NOT_TR_MOBILE = "not a valid number (write TR numbers as e.g. 0555 555 00 01, others as +<cc>)"


class Case(NamedTuple):
    id: str
    call: Callable[[NodeClient], Any]
    field: str
    value: Any
    #: a part of the rule the message must carry
    rule: str


def _sms(**kw: Any) -> Callable[[NodeClient], Any]:
    base: dict[str, Any] = {"sending_type": 1, "content": "hi", "numbers": [OK]}
    base.update(kw)
    return lambda c: c.create_sms(**base)


def _pairs(**kw: Any) -> Callable[[NodeClient], Any]:
    return _sms(sending_type=2, numbers=None, content=None, **kw)


C = Case
CASES: list[Case] = [
    C("phone_number_invalid", lambda c: c.create_otp("12345", "code 1"), "number", "***45", NOT_TR_MOBILE),
    C(
        "phone_number_landline",
        lambda c: c.create_otp("0212 555 00 01", "code 1"),
        "number",
        "0212***0001",
        "not a Turkish mobile number",
    ),
    C("phone_in_numbers_list", _sms(numbers=[OK, "0555"]), "numbers[1]", "***55", NOT_TR_MOBILE),
    C(
        "sender_too_long",
        lambda c: c.create_otp(OK, "code", sender="ALPHANUMERIC1"),
        "sender",
        "ALPHANUMERIC1",
        f"at most {v.MAX_SENDER_LENGTH} characters",
    ),
    C(
        "numeric_sender_too_long",
        lambda c: c.create_otp(OK, "code", sender="1" * (v.MAX_NUMERIC_SENDER_LENGTH + 1)),
        "sender",
        "1" * (v.MAX_NUMERIC_SENDER_LENGTH + 1),
        f"a numeric sender has at most {v.MAX_NUMERIC_SENDER_LENGTH} characters",
    ),
    C(
        "sender_missing_without_default",
        lambda c: NodeClient("http://x", "u", "p", transport=NoNetwork()).create_otp(OK, "code"),
        "sender",
        None,
        "default_sender",
    ),
    C("content_empty", lambda c: c.create_otp(OK, "  "), "content", "  ", "non-empty"),
    C("otp_validity_below_3", lambda c: c.create_otp(OK, "code", validity=2), "validity", 2, "3..6"),
    C("otp_validity_above_6", lambda c: c.create_otp(OK, "code", validity=7), "validity", 7, "3..6"),
    C(
        "otp_type_sms_validity_above_6",
        _sms(sms_type=0, validity=7),
        "validity",
        7,
        "3..6 minutes for an OTP",
    ),
    C("otp_type_sms_validity_60", _sms(sms_type=0, validity=60), "validity", 60, "3..6 minutes for an OTP"),
    C("sms_validity_below_60", _sms(validity=59), "validity", 59, "60..1440"),
    C("sms_validity_above_1440", _sms(validity=1441), "validity", 1441, "60..1440"),
    C(
        "kvkk_validity_range",
        lambda c: c.create_kvkk(OK, "A", "B", "x SHORT_LINK", validity=30),
        "validity",
        30,
        "60..1440",
    ),
    C("encoding_unknown", _sms(encoding=3), "encoding", 3, "one of 0, 1, 2"),
    C("sms_type_unknown", _sms(sms_type=5), "sms_type", 5, "one of 0, 1, 2"),
    C("sending_type_unknown", _sms(sending_type=3), "sending_type", 3, "one of 0, 1, 2"),
    C("sending_type_0_needs_number", _sms(sending_type=0, numbers=None), "number", None, "required"),
    C(
        "sending_type_0_refuses_numbers",
        _sms(sending_type=0, number=OK),
        "numbers",
        "<list of 1>",
        "takes one number",
    ),
    C("sending_type_1_needs_numbers", _sms(numbers=None), "numbers", None, "required for sending_type 1"),
    C(
        "sending_type_1_refuses_number",
        _sms(numbers=None, number=OK),
        "number",
        "0555***0001",
        "takes numbers",
    ),
    C("sending_type_2_needs_messages", _pairs(), "messages", None, "required for sending_type 2"),
    C(
        "sending_type_2_refuses_numbers",
        _sms(sending_type=2, content=None),
        "numbers",
        "<list of 1>",
        "takes messages",
    ),
    C("sending_type_2_pair_shape", _pairs(messages=[(OK,)]), "messages[0]", "<tuple of 1>", "pair"),
    C(
        "sending_type_2_pair_text_empty",
        _pairs(messages=[(OK, "bir"), (OK, " ")]),
        "messages[1].text",
        " ",
        "non-empty",
    ),
    C(
        "sending_type_2_pair_number_invalid",
        _pairs(messages=[("0212 555 00 01", "bir")]),
        "messages[0].number",
        "0212***0001",
        "not a Turkish mobile",
    ),
    C(
        "recipients_over_max_per_request",
        _sms(numbers=[OK] * TOO_MANY),
        "numbers",
        f"{TOO_MANY} numbers",
        f"at most {v.MAX_RECIPIENTS_PER_REQUEST}",
    ),
    C(
        "pairs_over_max_per_request",
        _pairs(messages=[(OK, "x")] * TOO_MANY),
        "messages",
        f"{TOO_MANY} messages",
        f"at most {v.MAX_RECIPIENTS_PER_REQUEST}",
    ),
    C(
        "national_id_type_refuses_a_phone_number",
        _sms(sms_type=2, numbers=[OK]),
        "numbers[0]",
        "***01",
        "does not start with 0",
    ),
    C(
        "national_id_10th_digit",
        _sms(sms_type=2, numbers=[TC_OK, "10000000156"]),
        "numbers[1]",
        "***56",
        "10th digit",
    ),
    C(
        "national_id_11th_digit",
        _sms(sms_type=2, sending_type=0, numbers=None, number="10000000147"),
        "number",
        "***47",
        "11th digit",
    ),
    C(
        "national_id_length",
        _pairs(sms_type=2, messages=[("1234", "x")]),
        "messages[0].number",
        "***34",
        "11",
    ),
    C(
        "national_id_not_digits",
        _sms(sms_type=2, numbers=["1000000014a"]),
        "numbers[0]",
        "***14",
        "11 digits",
    ),
    C(
        "periodic_amount_not_multiple_of_1000",
        _sms(periodic=PeriodicSettings(0, 1, 1500)),
        "periodic.amount",
        1500,
        "multiple of 1000",
    ),
    C("periodic_amount_below_1000", _sms(periodic=PeriodicSettings(0, 1, 0)), "periodic.amount", 0, "1000"),
    C(
        "periodic_amount_required_for_one_off",
        _sms(periodic=PeriodicSettings(0, 1, None)),
        "periodic.amount",
        None,
        "required for period type 0",
    ),
    C("periodic_interval_below_1", _sms(periodic=PeriodicSettings(0, 0, 1000)), "periodic.interval", 0, "1"),
    C(
        "periodic_interval_required_for_one_off",
        _sms(periodic=PeriodicSettings(0, None, 1000)),
        "periodic.interval",
        None,
        "required for period type 0",
    ),
    C(
        "periodic_daily_amount_not_an_integer",
        _sms(periodic=PeriodicSettings(1, 1, "many")),  # type: ignore[arg-type]
        "periodic.amount",
        "many",
        "integer",
    ),
    C(
        "periodic_type_unknown",
        _sms(periodic=PeriodicSettings(9)),
        "periodic.period_type",
        9,
        "0, 1, 2, 3, 4",
    ),
    C("custom_id_charset", _sms(custom_id="bad id!"), "custom_id", "bad id!", "letters, digits"),
    C("custom_id_length", _sms(custom_id="a" * 101), "custom_id", "a" * 101, "at most 100"),
    C("push_url_not_http", _sms(push_url="ftp://x"), "push_url", "ftp://x", "http(s)"),
    C("commercial_not_bool", _sms(commercial="yes"), "commercial", "yes", "true or false"),
    C(
        "sending_date_format",
        _sms(sending_date="25/12/2020 12:00"),
        "sending_date",
        "25/12/2020 12:00",
        "ISO",
    ),
    C(
        "sending_date_date_only",
        _sms(sending_date=dt.date(2026, 1, 1)),
        "sending_date",
        dt.date(2026, 1, 1),
        "with a time",
    ),
    C(
        "trust_date_format",
        lambda c: c.create_otp(OK, "code", trust_date="yesterday"),
        "trust_date",
        "yesterday",
        "ISO",
    ),
    C("title_too_long", _sms(title="t" * 300), "title", "t" * 300, "at most 255"),
    C("page_size_below_10", lambda c: c.list_packages(page_size=9), "page_size", 9, "10..1000"),
    C("page_size_above_1000", lambda c: c.list_contacts(page_size=1001), "page_size", 1001, "10..1000"),
    C("list_filter_unknown", lambda c: c.list_packages(colour="red"), "colour", "red", "not a filter"),
    C("list_status_filter_range", lambda c: c.list_packages(status=8), "status", 8, "0, 1, 2, 3, 4, 5, 6, 7"),
    C(
        "list_dates_reversed",
        lambda c: c.list_packages(start_date=NOW, finish_date=NOW - dt.timedelta(days=1)),
        "finish_date",
        NOW - dt.timedelta(days=1),
        "not be before start_date",
    ),
    C("list_ids_not_integers", lambda c: c.list_packages(ids=["abc"]), "ids[0]", "abc", "package id"),
    C(
        "list_custom_ids_bad",
        lambda c: c.list_packages(custom_ids=["ok-1", "bad id"]),
        "custom_ids[1]",
        "bad id",
        "letters, digits",
    ),
    C("get_packages_needs_ids", lambda c: c.get_packages(), "ids", [], "give ids"),
    C(
        "get_packages_at_most_1000",
        lambda c: c.get_packages(ids=range(1001)),
        "ids",
        "1001 ids",
        "at most 1000",
    ),
    C(
        "list_items_needs_one_reference",
        lambda c: c.list_package_items(),
        "pkg_id/uuid/custom_id",
        None,
        "exactly one",
    ),
    C(
        "list_items_only_one_reference",
        lambda c: c.list_package_items(pkg_id=1, uuid="u"),
        "pkg_id/uuid/custom_id",
        {"pkg_id": 1, "uuid": "u"},
        "exactly one",
    ),
    C(
        "list_items_operator_range",
        lambda c: c.list_package_items(pkg_id=1, operator=4),
        "operator",
        4,
        "0, 1, 2, 3",
    ),
    C("list_items_state_range", lambda c: c.list_package_items(pkg_id=1, state=6), "state", 6, "-2, -1, 0"),
    C("sender_status_range", lambda c: c.list_sms_senders(status=4), "status", 4, "0, 1, 2, 3"),
    C(
        "cancel_needs_one_reference",
        lambda c: c.cancel_package(),
        "pkg_id/uuid/custom_id",
        None,
        "exactly one",
    ),
    C(
        "recreate_include_new_numbers_bool",
        lambda c: c.recreate_package(pkg_id=1, title="t", include_new_numbers=None),
        "include_new_numbers",
        None,
        "true or false",
    ),
    C(
        "recreate_title_required",
        lambda c: c.recreate_package(pkg_id=1, title="", include_new_numbers=True),
        "title",
        "",
        "non-empty",
    ),
    C(
        "inquiry_range_over_3_months",
        lambda c: c.inquiry_number(OK, start_date=NOW, finish_date=NOW + dt.timedelta(days=93)),
        "finish_date",
        NOW + dt.timedelta(days=93),
        "at most 3 months after start_date",
    ),
    C(
        "inquiry_start_only_over_3_months_before_now",
        lambda c: c.inquiry_number(OK, start_date=LONG_AGO),
        "start_date",
        LONG_AGO,
        "at most 3 months before now",
    ),
    C("inquiry_gsm_invalid", lambda c: c.inquiry_number("123"), "gsm", "***23", NOT_TR_MOBILE),
    C("summary_date_format", lambda c: c.summary(start_date="not a date"), "start_date", "not a date", "ISO"),
    C(
        "kvkk_needs_short_link",
        lambda c: c.create_kvkk(OK, "Ayşe", "Yılmaz", "Hello FIRST_NAME"),
        "content",
        "<text: 16 chars>",
        "SHORT_LINK",
    ),
    C(
        "kvkk_needs_first_name",
        lambda c: c.create_kvkk(OK, "", "Yılmaz", "x SHORT_LINK"),
        "first_name",
        "",
        "non-empty",
    ),
    C(
        "kvkk_needs_last_name",
        lambda c: c.create_kvkk(OK, "Ayşe", " ", "x SHORT_LINK"),
        "last_name",
        " ",
        "non-empty",
    ),
    C(
        "blacklist_at_most_1000",
        lambda c: c.set_blacklist(True, uuids=["u"] * 600, gsms=[OK] * 401),
        "gsms",
        "1001 items",
        "at most 1000",
    ),
    C("blacklist_needs_items", lambda c: c.set_blacklist(True), "uuids", [], "uuids and/or gsms"),
    C("blacklist_status_bool", lambda c: c.set_blacklist("on", gsms=[OK]), "status", "on", "true or false"),
    C(
        "blacklist_gsm_invalid",
        lambda c: c.set_blacklist(True, gsms=["x"]),
        "gsms[0]",
        "***",
        "letters are never read as digits",
    ),
    C(
        "blacklist_return_invalids_bool",
        lambda c: c.set_blacklist(True, gsms=[OK], return_invalids="yes"),
        "return_invalids",
        "yes",
        "true or false",
    ),
    C(
        "custom_field_turkish_letter",
        lambda c: c.create_contact(OK, details={"DOĞUM": "1"}),
        "details.DOĞUM",
        "DOĞUM",
        "no Turkish letters",
    ),
    C(
        "custom_field_special_char",
        lambda c: c.create_contact(OK, details={"E-MAIL": "a"}),
        "details.E-MAIL",
        "E-MAIL",
        "'_' only",
    ),
    C(
        "contact_details_not_a_mapping",
        lambda c: c.create_contact(OK, details=["EMAIL", "ayse@example.com"]),  # type: ignore[arg-type]
        "details",
        "<list of 2>",
        "mapping",
    ),
    C(
        "contact_field_unknown",
        lambda c: c.create_contact(OK, nickname="x"),
        "nickname",
        "x",
        "not a contact field",
    ),
    C(
        "contact_iys_recipient_type",
        lambda c: c.create_contact(OK, iys=IysSettings(2, 0)),
        "iys.c",
        2,
        "0, 1",
    ),
    C("contact_iys_source", lambda c: c.create_contact(OK, iys=IysSettings(0, 13)), "iys.spc", 13, "0, 1, 2"),
    C(
        "contact_iys_hs_karar_on_first_record",
        lambda c: c.create_contact(OK, iys=IysSettings(0, v.IYS_SOURCE_HS_KARAR)),
        "iys.spc",
        1,
        "HS_KARAR (1) is not allowed on a first consent record",
    ),
    C(
        "contact_query_call_bool",
        lambda c: c.create_contact(OK, query_call=1),
        "query_call",
        1,
        "true or false",
    ),
    C(
        "contact_query_email_needs_email_field",
        lambda c: c.create_contact(OK, query_email=True, details={"CITY": "34"}),
        "query_email",
        True,
        "EMAIL custom field",
    ),
    C("contact_gsm_invalid", lambda c: c.update_contact("u", "555"), "gsm", "***55", NOT_TR_MOBILE),
    C("contact_delete_needs_uuids", lambda c: c.delete_contacts([]), "uuids", [], "non-empty list"),
    C(
        "contact_delete_permanent_bool",
        lambda c: c.delete_contacts(["u"], permanent=1),  # type: ignore[arg-type]
        "permanent",
        1,
        "true or false",
    ),
    C("contact_list_filter_range", lambda c: c.list_contacts(status=4), "status", 4, "0, 1, 2, 3"),
    C("contact_list_iys_state_range", lambda c: c.list_contacts(iys_state=4), "iys_state", 4, "-2, -1, 0"),
    C(
        "contact_list_exit_type_number",
        lambda c: c.list_contacts(exit_type=5),
        "exit_type",
        5,
        "only MO and WEB",
    ),
    C(
        "contact_list_exit_type_name",
        lambda c: c.list_contacts(exit_type="SMS"),
        "exit_type",
        "SMS",
        "0 (MO), 1 (WEB)",
    ),
    C(
        "import_column_name_turkish",
        lambda c: c.import_contacts([["1", OK]], ["ŞEHİR", "GSM"]),
        "columns[0]",
        "ŞEHİR",
        "no Turkish letters",
    ),
    C(
        "import_needs_gsm_column",
        lambda c: c.import_contacts([["Ali", "Can"]], ["FIRST_NAME", "LAST_NAME"]),
        "columns",
        ["FIRST_NAME", "LAST_NAME"],
        "must include a GSM column",
    ),
    C(
        "import_row_length",
        lambda c: c.import_contacts([[OK, "x"]], ["GSM"]),
        "rows[0]",
        "<list of 2>",
        "1 values",
    ),
    C(
        "import_gsm_invalid",
        lambda c: c.import_contacts([["123"]], ["GSM"]),
        "rows[0].GSM",
        "***23",
        NOT_TR_MOBILE,
    ),
    C(
        "import_quote_in_value",
        lambda c: c.import_contacts([[OK, "O'Brien"]], ["GSM", "LAST_NAME"]),
        "rows[0].LAST_NAME",
        "<text: 7 chars>",
        "single quote",
    ),
    C("import_needs_rows", lambda c: c.import_contacts([], ["GSM"]), "rows", [], "not be empty"),
    C(
        "import_overwrite_bool",
        lambda c: c.import_contacts([[OK]], ["GSM"], overwrite="y"),  # type: ignore[arg-type]
        "overwrite",
        "y",
        "true or false",
    ),
    C(
        "group_gsms_invalid",
        lambda c: c.create_group("A", gsms=["nope"]),
        "gsms[0]",
        "***",
        "letters are never read as digits",
    ),
    C("group_title_required", lambda c: c.create_group(""), "title", "", "non-empty"),
    C(
        "update_group_unknown_field",
        lambda c: c.update_group("u", "T", colour="red"),
        "colour",
        "red",
        "not a group field",
    ),
    C("delete_group_needs_one", lambda c: c.delete_group(), "uuid/uuids", None, "exactly one"),
    C(
        "delete_group_not_both",
        lambda c: c.delete_group(uuid="a", uuids=["b"]),
        "uuid/uuids",
        {"uuid": "a", "uuids": ["b"]},
        "exactly one",
    ),
    C(
        "mo_dates_format",
        lambda c: c.list_mo_requests(start_date="31.12.2025"),
        "start_date",
        "31.12.2025",
        "ISO",
    ),
    C("send_empty_batch", lambda c: c.send(SendBatch(messages=())), "messages", (), "at least one"),
    C(
        "send_bad_number",
        lambda c: c.send(SendBatch(messages=(SmsMessage("hi", ("0555",)),))),
        "number",
        "***55",
        NOT_TR_MOBILE,
    ),
    C(
        "send_bad_key",
        lambda c: c.send(SendBatch(messages=(SmsMessage("hi", (OK,)),), idempotency_key="a b")),
        "custom_id",
        "a b",
        "letters, digits",
    ),
    C(
        "statuses_reference_not_id",
        lambda c: c.get_statuses(["pkg-1"]),
        "references[0]",
        "pkg-1",
        "package id",
    ),
    C("cancel_reference_not_id", lambda c: c.cancel("abc"), "reference[0]", "abc", "package id"),
]
