"""Every REST function of the Node sandbox over real HTTP: envelope, auth and the data each one answers."""

from __future__ import annotations

import requests
from test_node_support import NodeApi

from airflow_provider_ileti.sandbox.services.node.state import INITIAL_CREDIT


def test_wrong_or_missing_credentials_get_401_in_the_envelope(ileti_sandbox):
    url = f"{ileti_sandbox.url}/node/user/credit"
    for auth in (None, ("sandbox", "wrong"), ("nobody", "sandbox-password")):
        resp = requests.get(url, auth=auth, timeout=5)
        assert resp.status_code == 401
        assert resp.json() == {
            "err": {"status": 401, "code": "ERR_USER_NOT_AUTHORIZED", "message": "Authentication failed"},
            "data": None,
        }
    assert ileti_sandbox.sandbox.services["node"].snapshot()["package_count"] == 0


def test_credits_are_taken_per_segment_and_recipient(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    assert api.data("user/credit") == {"credit": INITIAL_CREDIT}
    assert api.get("user/credit").json()["data"] == {"credit": INITIAL_CREDIT}
    api.send(["905551230001", "905551230002", "905551230003"], content="x" * 161)  # GSM: 2 parts
    assert api.data("user/credit")["credit"] == INITIAL_CREDIT - 6
    api.send(["905551230004"], content="ş" * 150, encoding=1)  # Turkish shift: 2 septets each -> 300/149 = 3
    assert api.data("user/credit")["credit"] == INITIAL_CREDIT - 9
    api.send(["905551230005"], content="€" * 71, encoding=2)  # UCS-2: 71 > 70 -> 2 parts of 67
    assert api.data("user/credit")["credit"] == INITIAL_CREDIT - 11


def test_create_single_and_list_shows_the_package_like_the_document(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = int(
        api.data(
            "sms/create",
            {
                "type": 1,
                "sendingType": 0,
                "number": 905551230001,
                "sender": "SANDBOX",
                "title": "T",
                "content": "Tekil",
                "encoding": 0,
                "validity": 60,
                "customID": "a1.b-2",
            },
        )["pkgID"]
    )
    package = api.package(pkg_id)
    assert set(package) == {
        "id",
        "customID",
        "type",
        "uuid",
        "error",
        "state",
        "title",
        "content",
        "senders",
        "encoding",
        "validity",
        "statistics",
        "isScheduled",
        "sendingDate",
    }
    assert package["customID"] == "a1.b-2" and package["senders"] == ["SANDBOX"] and package["validity"] == 60
    assert package["statistics"] == {"total": 1, "credit": 1, "rCount": 1, "delivered": 0, "undelivered": 0}
    assert package["isScheduled"] == 0
    assert len(package["sendingDate"]) == 19 and package["sendingDate"][10] == "T"


def test_create_per_number_texts_shows_msg_on_items(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send(
        sendingType=2,
        numbers=[{"nr": "905551230001", "msg": "A kişisine"}, {"nr": 905551230002, "msg": "B" * 200}],
        content="A kişisine",
        encoding=1,
    )
    items = api.data("sms/list-item", {"pkgID": pkg_id})["list"]
    assert [(i["target"], i["msg"], i["credit"]) for i in items] == [
        ("905551230001", "A kişisine", 1),
        ("905551230002", "B" * 200, 2),
    ]
    assert api.package(pkg_id)["statistics"]["total"] == 3


def test_create_otp_and_kvkk(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    otp = api.data(
        "sms/create-otp",
        {
            "number": "905551230001",
            "sender": "SANDBOX",
            "content": "Kod: 1234",
            "validity": 3,
            "trustDate": "2024-01-02 10:00:00",
        },
    )["pkgID"]
    assert api.package(otp)["type"] == 0 and api.package(otp)["validity"] == 3
    kvkk = api.data(
        "sms/create-kvkk",
        {
            "number": {"nr": "905551230002", "cfs": {"FIRST_NAME": "Ayşe", "LAST_NAME": "Yılmaz"}},
            "sender": "SANDBOX",
            "content": "Merhaba FIRST_NAME LAST_NAME, izin linki SHORT_LINK",
            "encoding": 1,  # ş, ı of the names filled in
        },
    )["pkgID"]
    item = api.data("sms/list-item", {"pkgID": kvkk})["list"][0]
    assert item["msg"].startswith("Merhaba Ayşe Yılmaz, izin linki https://")
    assert "SHORT_LINK" not in item["msg"]


def test_list_filters_get_and_post_and_pages(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    ids = [api.send(content=f"kampanya {i}", customID=f"c{i}") for i in range(12)]
    everything = api.data("sms/list", {"pageSize": 10})
    assert everything["stats"]["totalRecord"] == 12 and len(everything["list"]) == 10
    assert len(api.data("sms/list", {"pageSize": 10, "pageIndex": 1})["list"]) == 2
    by_custom = api.data("sms/list", {"customIDs": ["c3", "c5", "nope"]})["list"]
    assert sorted(p["id"] for p in by_custom) == [ids[3], ids[5]]
    resp = api.get("sms/list", {"ids": f"{ids[0]},{ids[1]}"})
    assert sorted(p["id"] for p in resp.json()["data"]["list"]) == ids[:2]
    resp = api.get("sms/list", [("ids", ids[2]), ("ids", ids[4])])
    assert sorted(p["id"] for p in resp.json()["data"]["list"]) == [ids[2], ids[4]]
    assert api.data("sms/list", {"keyword": "kampanya 11"})["stats"]["totalRecord"] == 1
    assert api.data("sms/list", {"sender": "AIRFLOW"})["stats"]["totalRecord"] == 0


def test_list_item_filters_by_target_operator_and_state(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    pkg_id = api.send(["905321230001", "905421230002", "905551230009"], customID="items")
    ileti_sandbox.admin.clock(advance=60)
    by_uuid = api.data("sms/list-item", {"uuid": api.package(pkg_id)["uuid"]})
    by_custom = api.get("sms/list-item", {"customID": "items"}).json()["data"]
    assert by_uuid == by_custom and by_uuid["stats"]["totalRecord"] == 3
    assert [i["target"] for i in api.data("sms/list-item", {"pkgID": pkg_id, "operator": 0})["list"]] == [
        "905321230001"
    ]
    assert [i["target"] for i in api.data("sms/list-item", {"pkgID": pkg_id, "state": 4})["list"]] == [
        "905551230009"
    ]
    assert api.data("sms/list-item", {"pkgID": pkg_id, "target": "90542"})["stats"]["totalRecord"] == 1


def test_list_sender(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    approved = api.data("sms/list-sender", {"status": 1})["list"]
    assert "SANDBOX" in [s["title"] for s in approved] and {s["status"] for s in approved} == {1}
    assert api.get("sms/list-sender", {"keyword": "pend"}).json()["data"]["list"][0]["status"] == 0


def test_summary_counts_segments_recipients_and_outcomes(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    api.send(["905551230001", "905551230008", "905551230009"], content="x" * 200)
    ileti_sandbox.admin.clock(advance=60)
    assert api.data("sms/summary", {"startDate": "2000-01-01 00:00"}) == {
        "total": 6,
        "delivered": 1,
        "undelivered": 1,
        "pending": 1,
        "rCount": 3,
        "credit": 6,
    }


def test_inquiry_number_finds_every_item_to_the_number(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    first = api.send(["905551230001", "905551230002"])
    second = api.send(["905551230002"], sendingType=1, sender="AIRFLOW")
    found = api.data("sms/inquiry-number", {"gsm": "905551230002"})
    assert found["stats"]["totalRecord"] == 2
    assert {r["pkgID"] for r in found["list"]} == {first, second}
    assert set(found["list"][0]) == {
        "userUUID",
        "username",
        "sender",
        "encoding",
        "validity",
        "sendingDate",
        "pkgID",
        "pkgType",
        "state",
        "msg",
        "operator",
        "deliveryDate",
    }
    assert (
        api.data("sms/inquiry-number", {"gsm": "905551230002", "sender": "AIRFLOW"})["list"][0]["pkgID"]
        == second
    )


def test_contacts_create_update_list_delete(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    group = api.data("contact/create-group", {"title": "A Grubu"})
    contact = api.data(
        "contact/create",
        {
            "gsm": "905001234567",
            "firstName": "Zafer",
            "lastName": "Altun",
            "groupUUIDs": [group["uuid"]],
            "details": {"GSM_2": "905001234561"},
            "iys": {"c": 0, "spc": 7, "send": True},
        },
    )
    assert contact["gsm"] == "905001234567" and contact["isInBlacklist"] == 0
    assert contact["details"] == {"GSM_2": "905001234561"} and contact["iys"]["st"] == -1
    assert api.data("contact/update", {"uuid": contact["uuid"], "gsm": "905001234567", "lastName": "Ak"}) == {
        "status": 1
    }
    listed = api.data("contact/list", {"groupUUID": group["uuid"]})
    assert listed["stats"]["totalRecord"] == 1 and listed["list"][0]["lastName"] == "Ak"
    ileti_sandbox.admin.clock(advance=30)
    assert api.get("contact/list", {"iysState": 2}).json()["data"]["stats"]["totalRecord"] == 1
    assert api.data("contact/delete", {"uuids": [contact["uuid"]], "permanent": 0}) == {"status": 1}
    assert api.data("contact/list")["stats"]["totalRecord"] == 0


def test_groups_create_update_list_delete(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    api.data("contact/create", {"gsm": "905001234567"})
    parent = api.data("contact/create-group", {"title": "Ana"})
    child = api.data(
        "contact/create-group", {"title": "Alt", "parentUUID": parent["uuid"], "gsms": ["5001234567"]}
    )
    assert child["stats"] == {"contactCount": 1}
    assert child["parentInfo"] == {"uuid": parent["uuid"], "title": "Ana"}
    assert api.data("contact/update-group", {"uuid": child["uuid"], "title": "Alt 2"}) == {"status": 1}
    groups = {g["title"]: g for g in api.data("contact/list-group")["list"]}
    assert groups["Ana"]["isParent"] == 1 and groups["Alt 2"]["stats"]["contactCount"] == 1
    assert set(groups["Ana"]) == {"uuid", "stats", "title", "isParent", "isShared", "parentInfo"}
    assert api.data("contact/delete-group", {"uuid": child["uuid"], "includeContacts": True}) == {"status": 1}
    assert api.data("contact/list")["stats"]["totalRecord"] == 0  # archived with its only group


def test_import_is_applied_later_on_the_clock(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    csv = "'GSM','FIRST_NAME','GROUP_NAME'\n'905991000001','Ali','A Grubu'\n'905991000002','Veli','B Grubu'"
    assert api.data("contact/import", {"csvData": csv, "columns": ["gsm", "first_name", "group_name"]}) == {
        "status": 1
    }
    assert api.data("contact/list")["stats"]["totalRecord"] == 0
    ileti_sandbox.admin.clock(advance=10)
    contacts = api.data("contact/list")["list"]
    assert sorted((c["gsm"], c["firstName"]) for c in contacts) == [
        ("905991000001", "Ali"),
        ("905991000002", "Veli"),
    ]
    assert sorted(g["title"] for g in api.data("contact/list-group")["list"]) == ["A Grubu", "B Grubu"]


def test_set_blacklist_adds_unknown_numbers_and_returns_invalids(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    contact = api.data("contact/create", {"gsm": "905001234567"})
    answer = api.data(
        "contact/set-blacklist",
        {"status": True, "uuids": [contact["uuid"]], "gsms": ["905991000001", "12"], "returnInvalids": True},
    )
    assert answer == {"status": 1, "invalids": ["12"]}
    black = api.data("contact/list", {"status": 2})["list"]
    assert sorted(c["gsm"] for c in black) == ["905001234567", "905991000001"]
    assert api.data("contact/list", {"status": 1})["stats"]["totalRecord"] == 0


def test_mo_requests_are_seeded_and_filtered(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    everything = api.data("mo/list-request")
    assert everything["stats"]["totalRecord"] == 5
    assert set(everything["list"][0]) == {
        "uuid",
        "gsm",
        "msg",
        "state",
        "keyword",
        "shortNr",
        "userInfo",
        "processInfo",
    }
    red = api.get("mo/list-request", {"keyword": "RED"}).json()["data"]
    assert red["stats"]["totalRecord"] == 2 and {m["keyword"] for m in red["list"]} == {"RED"}


def test_unknown_function_and_wrong_method(ileti_sandbox):
    api = NodeApi(ileti_sandbox.url)
    status, err = api.error("sms/nothing")
    assert status == 404 and err["code"] == "ERR_BAD_REQUEST"
    status, err = api.error("sms/create", {}, method="GET")
    assert status == 405


def test_connections_point_at_the_sandbox(ileti_sandbox):
    conns = ileti_sandbox.connections()
    assert conns["node_sms_default"]["host"] == f"{ileti_sandbox.url}/node"
    assert conns["node_sms_default"]["extra"]["protocol"] == "rest"
    assert conns["node_sms_soap"]["extra"]["protocol"] == "soap"
    assert conns["node_sms_soap"]["login"] == "sandbox"
