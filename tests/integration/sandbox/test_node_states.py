"""Packages move through the documented states on the sandbox clock; cancel, recreate and faults."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from test_node_support import AUTH, NodeApi

from airflow_provider_ileti.sandbox.services.node.state import INITIAL_CREDIT


def _local_minutes_ahead(handle, minutes: int) -> str:
    """A sendingDate in the panel's time, ``minutes`` ahead of the sandbox's (virtual) clock."""
    now = handle.sandbox.clock.now().astimezone(ZoneInfo("Europe/Istanbul"))
    return (now + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")


def test_package_moves_saving_waiting_sending_sent_reported_complete(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ileti_sandbox.admin.clock(speed=0.001)  # frozen enough: only advance() moves it
    numbers = ["905551230001", "905551230002", "905551230003", "905551230004", "905551230009"]
    pkg_id = api.send(numbers)
    seen = [api.package(pkg_id)["state"]]
    for step in (1.2, 1, 1, 2, 2.1, 1, 3):
        ileti_sandbox.admin.clock(advance=step)
        seen.append(api.package(pkg_id)["state"])
    assert seen == [0, 1, 2, 3, 4, 5, 5, 6]
    stats = api.package(pkg_id)["statistics"]
    assert stats == {"total": 5, "credit": 5, "rCount": 5, "delivered": 4, "undelivered": 1}
    states = {i["target"]: i["state"] for i in api.data("sms/list-item", {"pkgID": pkg_id})["list"]}
    assert states == {
        "905551230001": 3,
        "905551230002": 3,
        "905551230003": 3,
        "905551230004": 3,
        "905551230009": 4,
    }


def test_item_states_waiting_sending_sent(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ileti_sandbox.admin.clock(speed=0.001)
    pkg_id = api.send(["905551230001"])
    item_state = lambda: api.data("sms/list-item", {"pkgID": pkg_id})["list"][0]  # noqa: E731
    assert item_state()["state"] == 0 and item_state()["deliveryDate"] is None
    ileti_sandbox.admin.clock(advance=3.5)
    assert item_state()["state"] == 1
    ileti_sandbox.admin.clock(advance=2)
    assert item_state()["state"] == 2
    ileti_sandbox.admin.clock(advance=5)
    assert item_state()["state"] == 3 and item_state()["deliveryDate"] is not None


def test_a_timed_out_number_keeps_the_package_partly_reported_until_validity_plus_an_hour(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send(["905551230001", "905551230008"], validity=60)
    ileti_sandbox.admin.clock(advance=60)
    assert api.package(pkg_id)["state"] == 5
    assert api.data("sms/list-item", {"pkgID": pkg_id, "state": 2})["list"][0]["target"] == "905551230008"
    ileti_sandbox.admin.clock(advance=2 * 3600)
    assert api.package(pkg_id)["state"] == 6
    assert api.package(pkg_id)["statistics"]["undelivered"] == 1
    assert api.data("sms/list-item", {"pkgID": pkg_id, "state": 5})["list"][0]["target"] == "905551230008"


def test_scheduled_package_waits_in_panel_time_and_can_be_cancelled(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    when = _local_minutes_ahead(ileti_sandbox, 30)
    pkg_id = api.send(["905551230001", "905551230002"], sendingDate=when, customID="later")
    package = api.package(pkg_id)
    assert package["isScheduled"] == 1 and package["sendingDate"] == when.replace(" ", "T") + ":00"
    ileti_sandbox.admin.clock(advance=600)
    assert api.package(pkg_id)["state"] == 1
    assert api.data("sms/list", {"status": 3})["list"][0]["id"] == pkg_id
    assert api.data("user/credit")["credit"] == INITIAL_CREDIT - 2
    assert api.get("sms/cancel", {"customID": "later"}).json()["data"] == {"status": 1}
    assert api.package(pkg_id)["state"] == -4
    assert api.data("user/credit")["credit"] == INITIAL_CREDIT  # given back
    assert {i["state"] for i in api.data("sms/list-item", {"pkgID": pkg_id})["list"]} == {-2}
    assert api.data("sms/list", {"status": 6})["list"][0]["id"] == pkg_id
    status, err = api.error("sms/cancel", {"id": pkg_id})
    assert (status, err["code"]) == (409, "ERR_SMS_PKG_NOT_CHANGEABLE")


def test_scheduled_package_starts_at_its_time(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send(sendingDate=_local_minutes_ahead(ileti_sandbox, 5))
    ileti_sandbox.admin.clock(advance=600)
    assert api.package(pkg_id)["state"] == 6


def test_a_started_package_cannot_be_cancelled(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send()
    ileti_sandbox.admin.clock(advance=4)
    status, err = api.error("sms/cancel", {"id": pkg_id})
    assert (status, err["code"]) == (409, "ERR_SMS_PKG_NOT_CHANGEABLE")


def test_recreate_only_a_complete_package(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send(["905551230001", "905551230002"], content="tekrar")
    status, err = api.error("sms/recreate", {"id": pkg_id, "title": "again", "includeNewNumbers": False})
    assert (status, err["code"]) == (409, "ERR_SMS_PKG_NOT_CHANGEABLE")
    ileti_sandbox.admin.clock(advance=60)
    new_id = api.data(
        "sms/recreate", {"uuid": api.package(pkg_id)["uuid"], "title": "again", "includeNewNumbers": True}
    )["pkgID"]
    assert new_id != pkg_id
    again = api.package(new_id)
    assert again["title"] == "again" and again["content"] == "tekrar" and again["statistics"]["rCount"] == 2
    assert api.data("user/credit")["credit"] == INITIAL_CREDIT - 4


def test_a_failed_package_can_be_recreated_and_is_listed_as_failed(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send(["905551230001"])
    ileti_sandbox.sandbox.services["node"].packages[pkg_id].state_override = -3  # sending failed
    assert api.package(pkg_id)["state"] == -3
    assert [p["id"] for p in api.data("sms/list", {"status": 7})["list"]] == [pkg_id]
    assert {i["state"] for i in api.data("sms/list-item", {"pkgID": pkg_id})["list"]} == {-1}
    new_id = api.data("sms/recreate", {"id": pkg_id, "title": "retry", "includeNewNumbers": False})["pkgID"]
    assert api.package(new_id)["state"] in (0, 1)


def test_periodic_type_0_sends_in_slices(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    numbers = [f"90555{i:07d}" for i in range(2500)]
    pkg_id = api.send(numbers, periodicSettings={"periodType": 0, "interval": 10, "amount": 1000})
    assert api.data("sms/list", {"status": 4})["list"][0]["id"] == pkg_id
    ileti_sandbox.admin.clock(advance=120)
    first_slice = api.package(pkg_id)
    assert first_slice["state"] == 3
    assert 0 < first_slice["statistics"]["delivered"] <= 1000
    ileti_sandbox.admin.clock(advance=30 * 60)
    stats = api.package(pkg_id)["statistics"]
    assert (stats["delivered"], stats["undelivered"]) == (
        2000,
        250,
    )  # 250 end in 9, 250 in 8 (not yet timed out)


def test_states_follow_the_clock_speed_without_advance(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ileti_sandbox.admin.clock(speed=120)
    pkg_id = api.send()
    deadline = time.monotonic() + 5
    while api.package(pkg_id)["state"] != 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.package(pkg_id)["state"] == 6


def test_maintenance_answers_sms99_in_the_envelope(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/node/*", "maintenance", times=1)
    api = NodeApi(ileti_sandbox.url)
    resp = api.post("sms/create", {"type": 1})
    assert resp.status_code == 503
    assert resp.json() == {
        "err": {"status": 503, "code": "ERR_SYSTEM_MAINTENANCE", "message": resp.json()["err"]["message"]},
        "data": None,
    }
    assert int(resp.headers["Retry-After"]) > 0
    assert api.data("user/credit") == {"credit": INITIAL_CREDIT}


def test_drop_after_commit_creates_the_package_but_the_client_hears_nothing(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/node/sms/create", "drop_after_commit", times=1)
    api = NodeApi(ileti_sandbox.url)
    with pytest.raises(requests.ConnectionError):
        api.send(customID="dropped.1")
    found = api.data("sms/list", {"customIDs": ["dropped.1"]})
    assert found["stats"]["totalRecord"] == 1
    status, err = api.error(
        "sms/create",
        {
            "type": 1,
            "sendingType": 0,
            "number": "905551230001",
            "sender": "SANDBOX",
            "title": "t",
            "content": "x",
            "encoding": 0,
            "customID": "dropped.1",
        },
    )
    assert (status, err["code"]) == (409, "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION")
    assert [e["status"] for e in ileti_sandbox.requests(path="/node/sms/create")] == [200, 409]


def test_a_thousand_number_package_is_quick_and_the_journal_keeps_no_password(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    numbers = [f"90555{i:07d}" for i in range(1000)]
    started = time.perf_counter()
    pkg_id = api.send(numbers)
    assert time.perf_counter() - started < 1.0
    assert api.package(pkg_id)["statistics"]["rCount"] == 1000
    snapshot = ileti_sandbox.admin.state("node")
    assert snapshot["package_count"] == 1 and snapshot["recipient_count"] == 1000
    assert AUTH[1] not in str(ileti_sandbox.requests(service="node"))


def test_snapshot_is_bounded(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    for _ in range(60):
        api.send()
    snapshot = ileti_sandbox.sandbox.services["node"].snapshot()
    assert snapshot["package_count"] == 60 and len(snapshot["packages"]) == 50
