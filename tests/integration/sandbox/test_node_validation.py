"""The Node sandbox refuses what the real server refuses, with the documented code and nothing stored."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from test_node_support import NodeApi

BASE = {
    "type": 1,
    "sendingType": 1,
    "numbers": ["905551230001"],
    "sender": "SANDBOX",
    "title": "t",
    "content": "x",
    "encoding": 0,
}


def _with(**changes: object) -> dict[str, object]:
    body = dict(BASE)
    for key, value in changes.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(_with(type=...), id="type missing"),
        pytest.param(_with(type=3), id="type unknown"),
        pytest.param(_with(sendingType=5), id="sendingType unknown"),
        pytest.param(_with(sendingType=0), id="sendingType 0 with numbers"),
        pytest.param(_with(sendingType=0, numbers=..., number=None), id="sendingType 0 without number"),
        pytest.param(_with(number="905551230002"), id="sendingType 1 with number"),
        pytest.param(_with(numbers=...), id="numbers missing"),
        pytest.param(_with(numbers=["0555"]), id="bad number"),
        pytest.param(_with(numbers=["+905551230001"]), id="number with plus"),
        pytest.param(_with(sendingType=2), id="sendingType 2 with plain numbers"),
        pytest.param(_with(sendingType=2, numbers=[{"nr": "905551230001"}]), id="sendingType 2 without msg"),
        pytest.param(_with(content=...), id="content missing"),
        pytest.param(_with(content="   "), id="content blank"),
        pytest.param(_with(sender=...), id="sender missing"),
        pytest.param(_with(sender="NOPE"), id="sender unknown"),
        pytest.param(_with(sender="PENDING"), id="sender not approved"),
        pytest.param(_with(encoding=3), id="encoding unknown"),
        pytest.param(_with(validity=59), id="validity below 60"),
        pytest.param(_with(validity=1441), id="validity above 1440"),
        pytest.param(_with(type=0, validity=60), id="OTP type validity above 6"),
        pytest.param(_with(customID="a" * 101), id="customID too long"),
        pytest.param(_with(customID="a_b"), id="customID bad character"),
        pytest.param(_with(sendingDate="25.12.2030 12:00"), id="sendingDate format"),
        pytest.param(_with(sendingDate="2030-02-30 12:00"), id="sendingDate not a date"),
        pytest.param(_with(periodicSettings={"periodType": 9}), id="periodType unknown"),
        pytest.param(
            _with(periodicSettings={"periodType": 0, "interval": 0, "amount": 1000}), id="interval 0"
        ),
        pytest.param(
            _with(periodicSettings={"periodType": 0, "interval": 1, "amount": 1500}), id="amount step"
        ),
        pytest.param(_with(periodicSettings={"periodType": 0, "interval": 1}), id="amount missing"),
        pytest.param(_with(pushSettings={"url": "ftp://x"}), id="push url"),
        pytest.param(_with(commercial="maybe"), id="commercial not bool"),
    ],
)
def test_create_refusals_are_sms00(ileti_sandbox, body):
    api = NodeApi(ileti_sandbox.url)
    status, err = api.error("sms/create", body)
    assert (status, err["code"]) == (400, "ERR_BAD_REQUEST")
    assert ileti_sandbox.sandbox.services["node"].snapshot()["package_count"] == 0


def test_sending_date_in_the_past_is_sms08(ileti_sandbox):
    now = ileti_sandbox.sandbox.clock.now().astimezone(ZoneInfo("Europe/Istanbul"))
    past = (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    status, err = NodeApi(ileti_sandbox.url).error("sms/create", _with(sendingDate=past))
    assert (status, err["code"]) == (400, "ERR_INVALID_SMS_SENDING_DATE")


def test_duplicate_custom_id_is_sms42_and_creates_nothing(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    first = api.send(customID="run-1.chunk-7")
    status, err = api.error("sms/create", _with(customID="run-1.chunk-7"))
    assert (status, err["code"]) == (409, "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION")
    status, err = api.error(
        "sms/create-otp",
        {"number": "905551230001", "sender": "SANDBOX", "content": "k", "customID": "run-1.chunk-7"},
    )
    assert err["code"] == "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION"
    assert api.data("sms/list")["stats"]["totalRecord"] == 1
    assert api.data("sms/list", {"customIDs": ["run-1.chunk-7"]})["list"][0]["id"] == first


def test_insufficient_credit_is_sms18_with_402(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ileti_sandbox.sandbox.services["node"].set_credit(2)
    status, err = api.error("sms/create", _with(numbers=["905551230001", "905551230002", "905551230003"]))
    assert (status, err["code"]) == (402, "ERR_USER_CREDIT_REQUIRED")
    assert api.data("user/credit") == {"credit": 2}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"sender": "SANDBOX", "content": "k"}, "number missing"),
        ({"number": "905551230001", "sender": "SANDBOX", "content": "k", "validity": 7}, "validity 7"),
        ({"number": "905551230001", "sender": "SANDBOX", "content": "k", "validity": 2}, "validity 2"),
        (
            {"number": "905551230001", "sender": "SANDBOX", "content": "k", "trustDate": "2024-01-02 10:00"},
            "trust",
        ),
    ],
)
def test_otp_refusals(ileti_sandbox, body, why):
    status, err = NodeApi(ileti_sandbox.url).error("sms/create-otp", body)
    assert (status, err["code"]) == (400, "ERR_BAD_REQUEST"), why


@pytest.mark.parametrize(
    "number",
    [
        {"nr": "905551230001", "cfs": {"FIRST_NAME": "A"}},
        {"nr": "905551230001", "cfs": {"FIRST_NAME": "A", "LAST_NAME": " "}},
        {"nr": "905551230001"},
        "905551230001",
    ],
)
def test_kvkk_needs_both_names(ileti_sandbox, number):
    body = {"number": number, "sender": "SANDBOX", "content": "FIRST_NAME SHORT_LINK"}
    assert NodeApi(ileti_sandbox.url).error("sms/create-kvkk", body)[1]["code"] == "ERR_BAD_REQUEST"


def test_kvkk_needs_the_short_link_tag(ileti_sandbox):
    body = {
        "number": {"nr": "905551230001", "cfs": {"FIRST_NAME": "A", "LAST_NAME": "B"}},
        "sender": "SANDBOX",
        "content": "Merhaba FIRST_NAME",
    }
    assert NodeApi(ileti_sandbox.url).error("sms/create-kvkk", body)[1]["code"] == "ERR_BAD_REQUEST"


@pytest.mark.parametrize("size", [9, 1001, "ten"])
def test_page_size_is_10_to_1000(ileti_sandbox, size):
    api = NodeApi(ileti_sandbox.url)
    for path in ("sms/list", "sms/list-sender", "contact/list", "contact/list-group", "mo/list-request"):
        assert api.error(path, {"pageSize": size})[1]["code"] == "ERR_BAD_REQUEST", path
    assert api.error("sms/list", {"pageIndex": -1})[1]["code"] == "ERR_BAD_REQUEST"


def test_dates_need_the_documented_format_and_order(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    assert api.error("sms/list", {"startDate": "2024-01-01T10:00"})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("sms/summary", {"startDate": "2024-01-01"})[1]["code"] == "ERR_BAD_REQUEST"
    status, err = api.error("sms/list", {"startDate": "2024-02-01 10:00", "finishDate": "2024-01-01 10:00"})
    assert (status, err["code"]) == (400, "ERR_INVALID_DATE_RANGE")


def test_inquiry_range_is_at_most_three_months(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    body = {"gsm": "905551230001", "startDate": "2024-01-01 00:00", "finishDate": "2024-05-01 00:00"}
    assert api.error("sms/inquiry-number", body)[1]["code"] == "ERR_INVALID_DATE_RANGE"
    body["finishDate"] = "2024-03-31 00:00"
    assert api.data("sms/inquiry-number", body)["stats"]["totalRecord"] == 0
    assert api.error("sms/inquiry-number", {})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("sms/inquiry-number", {"gsm": "5551230001x"})[1]["code"] == "ERR_BAD_REQUEST"


def test_list_takes_at_most_1000_ids(ileti_sandbox):
    status, err = NodeApi(ileti_sandbox.url).error("sms/list", {"ids": list(range(1, 1002))})
    assert (status, err["code"]) == (400, "ERR_REQUEST_PARAM_LIMIT")


def test_package_lookups_need_an_id_and_unknown_is_sms06(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    assert api.error("sms/list-item", {})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("sms/cancel", {})[1]["code"] == "ERR_BAD_REQUEST"
    for path, body in (
        ("sms/list-item", {"pkgID": 1}),
        ("sms/cancel", {"uuid": "x"}),
        ("sms/cancel", {"customID": "none"}),
        ("sms/recreate", {"id": 1, "title": "t", "includeNewNumbers": False}),
    ):
        status, err = api.error(path, body)
        assert (status, err["code"]) == (404, "ERR_SMS_PKG_NOT_FOUND"), path
    assert api.error("sms/recreate", {"id": 1, "title": "t"})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("sms/recreate", {"id": 1, "includeNewNumbers": True})[1]["code"] == "ERR_BAD_REQUEST"


def test_contact_refusals(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    api.data("contact/create", {"gsm": "905001234567"})
    assert api.error("contact/create", {"gsm": "905001234567"})[1]["code"] == "ERR_CONTACT_ALREADY_EXISTS"
    assert api.error("contact/create", {"gsm": "abc"})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("contact/create", {"gsm": "905001234568", "details": {"ŞEHİR": "x"}})[1]["code"] == (
        "ERR_BAD_REQUEST"
    )
    first_karar = {"gsm": "905001234569", "iys": {"c": 0, "spc": 1}}
    assert api.error("contact/create", first_karar)[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("contact/create", {"gsm": "905001234560", "groupUUIDs": ["nope"]})[1]["code"] == (
        "ERR_PARENT_CONTACT_GROUP_NOT_FOUND"
    )
    assert api.error("contact/update", {"gsm": "905001234567"})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("contact/delete", {})[1]["code"] == "ERR_BAD_REQUEST"


def test_group_refusals(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    api.data("contact/create", {"gsm": "905001234567"})
    full = api.data("contact/create-group", {"title": "Dolu", "gsms": ["905001234567"]})
    assert (
        api.error("contact/create-group", {"title": "Dolu"})[1]["code"] == "ERR_CONTACT_GROUP_ALREADY_EXISTS"
    )
    assert api.error("contact/create-group", {})[1]["code"] == "ERR_BAD_REQUEST"
    assert api.error("contact/create-group", {"title": "x", "parentUUID": "nope"})[1]["code"] == (
        "ERR_PARENT_CONTACT_GROUP_NOT_FOUND"
    )
    assert api.error("contact/create-group", {"title": "x", "parentUUID": full["uuid"]})[1]["code"] == (
        "ERR_PARENT_CONTACT_GROUP_NOT_EMPTY"
    )
    assert api.error("contact/delete-group", {})[1]["code"] == "ERR_BAD_REQUEST"


def test_one_group_deletion_at_a_time_is_sms50(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ileti_sandbox.admin.clock(speed=1)
    a = api.data("contact/create-group", {"title": "a"})["uuid"]
    b = api.data("contact/create-group", {"title": "b"})["uuid"]
    assert api.data("contact/delete-group", {"uuid": a}) == {"status": 1}
    resp = api.post("contact/delete-group", {"uuids": [b]})
    assert resp.status_code == 429 and resp.json()["err"]["code"] == "ERR_MULTI_REQUEST_NOT_PERMITTED"
    assert int(resp.headers["Retry-After"]) >= 1
    ileti_sandbox.admin.clock(advance=5)
    assert api.data("contact/delete-group", {"uuids": [b]}) == {"status": 1}


def test_second_import_while_one_is_pending_is_sms13(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ileti_sandbox.admin.clock(speed=1)
    body = {"csvData": "'GSM'\n'905991000001'", "columns": ["GSM"]}
    assert api.data("contact/import", body) == {"status": 1}
    resp = api.post("contact/import", body)
    assert resp.status_code == 409 and resp.json()["err"]["code"] == "ERR_CONTACT_IMPORT_EXISTS"
    assert 1 <= int(resp.headers["Retry-After"]) <= 5
    ileti_sandbox.admin.clock(advance=10)
    assert api.data("contact/import", body) == {"status": 1}


@pytest.mark.parametrize(
    "body",
    [
        {"columns": ["GSM"]},
        {"csvData": "'GSM'\n'905991000001'"},
        {"csvData": "GSM\n905991000001", "columns": ["GSM"]},
        {"csvData": "'GSM','FIRST_NAME'\n'905991000001'", "columns": ["GSM", "FIRST_NAME"]},
        {"csvData": "'FIRST_NAME','GSM'\n'A','905991000001'", "columns": ["GSM", "FIRST_NAME"]},
        {"csvData": "'NAME'\n'A'", "columns": ["NAME"]},
    ],
)
def test_import_refusals(ileti_sandbox, body):
    assert NodeApi(ileti_sandbox.url).error("contact/import", body)[1]["code"] == "ERR_BAD_REQUEST"


def test_blacklist_limits(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    too_many = {
        "status": True,
        "uuids": [f"u{i}" for i in range(600)],
        "gsms": [f"9055512{i:05d}" for i in range(401)],
        "returnInvalids": False,
    }
    assert api.error("contact/set-blacklist", too_many)[1]["code"] == "ERR_REQUEST_PARAM_LIMIT"
    neither = {"status": True, "returnInvalids": False}
    assert api.error("contact/set-blacklist", neither)[1]["code"] == "ERR_BAD_REQUEST"
    no_status = {"gsms": ["905551230001"], "returnInvalids": False}
    assert api.error("contact/set-blacklist", no_status)[1]["code"] == "ERR_BAD_REQUEST"
    one_bad = {"status": True, "gsms": ["905551230001", "12"], "returnInvalids": False}
    assert api.error("contact/set-blacklist", one_bad)[1]["code"] == "ERR_BAD_REQUEST"
    assert api.data("contact/list")["stats"]["totalRecord"] == 0  # the whole request failed


def test_malformed_json_is_sms00(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    resp = api.session.post(
        f"{api.base}/sms/create", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 400 and resp.json()["err"]["code"] == "ERR_BAD_REQUEST"
    resp = api.session.post(f"{api.base}/sms/create", json=[1, 2])
    assert resp.status_code == 400


def test_sending_hours_restriction_is_sms44(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    state = ileti_sandbox.sandbox.services["node"]
    hour = ileti_sandbox.sandbox.clock.now().astimezone(ZoneInfo("Europe/Istanbul")).hour
    state.sending_hours = ((hour + 1) % 24, (hour + 2) % 24)
    status, err = api.error("sms/create", _with())
    assert (status, err["code"]) == (403, "ERR_SMS_SENDING_TIME_LIMIT")
    state.sending_hours = (hour, (hour + 1) % 24)
    assert api.send() > 0
