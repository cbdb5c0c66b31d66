"""Black list, contact groups and the CSV import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.operators.node_blacklist import MAX_BLACKLIST_ITEMS, NodeBlacklistOperator
from airflow_provider_ileti.operators.node_contacts_import import NodeImportContactsOperator
from airflow_provider_ileti.operators.node_groups import (
    NodeCreateContactGroupOperator,
    NodeDeleteContactGroupOperator,
    NodeListContactGroupsOperator,
    NodeUpdateContactGroupOperator,
)
from tests.unit.node_operators.support import pending
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

NUMBERS = [f"5555{i:06d}" for i in range(2500)]


def ctx(task_id: str = "t", store: FakeStateStore | None = None, try_number: int = 1):
    return make_context(FakeTI(task_id=task_id, try_number=try_number), store or FakeStateStore())


# -- black list ---------------------------------------------------------------------------------------
def test_blacklist_chunks_2500_numbers_into_3_requests(node_client):
    result = NodeBlacklistOperator(task_id="bl", numbers=NUMBERS).execute(ctx())
    sizes = [len(k["gsms"]) for n, k in node_client.calls]
    assert sizes == [1000, 1000, 500] and MAX_BLACKLIST_ITEMS == 1000
    assert all(k["status"] is True and k["return_invalids"] is True for _, k in node_client.calls)
    assert result == {
        "action": "add",
        "numbers": 2500,
        "uuids": 0,
        "requests": 3,
        "invalid_count": 0,
        "invalid_numbers": [],
    }


def test_blacklist_uuids_and_numbers_share_the_limit(node_client):
    uuids = [f"u-{i}" for i in range(600)]
    NodeBlacklistOperator(task_id="bl", action="remove", uuids=uuids, numbers=NUMBERS[:600]).execute(ctx())
    assert [(len(k["uuids"]), len(k["gsms"])) for _, k in node_client.calls] == [(600, 400), (0, 200)]
    assert all(k["status"] is False for _, k in node_client.calls)


def test_blacklist_reports_invalid_numbers_masked(node_client):
    node_client.invalid_numbers.add("905550000001")
    result = NodeBlacklistOperator(task_id="bl", numbers="5550000001, 12345, 5550000002").execute(ctx())
    assert result["invalid_count"] == 2 and result["numbers"] == 2
    assert sorted(result["invalid_numbers"]) == sorted(["90555***0001", "***45"])
    assert "905550000001" not in json.dumps(result)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"action": "toggle", "numbers": ["5555550001"]}, "action"),
        ({}, "numbers"),
        ({"numbers": [], "uuids": []}, "numbers"),
        ({"numbers": ["12345"], "return_invalids": False}, "numbers"),
        ({"numbers": ["5555550001"], "return_invalids": "x"}, "return_invalids"),
        ({"numbers": [None]}, "numbers"),
        ({"uuids": 5}, "uuids"),
    ],
)
def test_blacklist_bad_arguments(node_client, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        NodeBlacklistOperator(task_id="bl", **kwargs).execute(ctx())
    assert node_client.calls == []


# -- groups -------------------------------------------------------------------------------------------
def test_group_lifecycle(node_client):
    created = NodeCreateContactGroupOperator(task_id="c", title="VIP", gsms=["0555 555 00 01"]).execute(ctx())
    assert created["created"] is True and created["title"] == "VIP" and created["contact_count"] == 1
    assert node_client.calls[0] == (
        "create_group",
        {"title": "VIP", "parent_uuid": None, "gsms": ["905555550001"]},
    )
    uuid = created["uuid"]
    updated = NodeUpdateContactGroupOperator(task_id="u", uuid=uuid, title="VIP 2").execute(ctx())
    assert updated == {"uuid": uuid, "title": "VIP 2", "updated": True}
    listed = NodeListContactGroupsOperator(task_id="l", keyword="VIP").execute(ctx())
    assert listed["count"] == 1 and listed["groups"][0]["uuid"] == uuid
    json.dumps(listed)
    deleted = NodeDeleteContactGroupOperator(task_id="d", uuid=uuid, include_contacts=True).execute(ctx())
    assert deleted == {"deleted": [uuid], "missing": False}
    again = NodeDeleteContactGroupOperator(task_id="d", uuid=uuid, missing_ok=True).execute(ctx())
    assert again == {"deleted": [], "missing": True}
    with pytest.raises(AirflowFailException):
        NodeDeleteContactGroupOperator(task_id="d", uuid=uuid).execute(ctx())


def test_create_group_reuse_on_duplicate(node_client):
    first = NodeCreateContactGroupOperator(task_id="c", title="VIP").execute(ctx())
    with pytest.raises(AirflowFailException):
        NodeCreateContactGroupOperator(task_id="c", title="VIP").execute(ctx())
    again = NodeCreateContactGroupOperator(task_id="c", title="VIP", if_exists="reuse").execute(ctx())
    assert again["uuid"] == first["uuid"] and again["created"] is False


def test_list_groups_limit(node_client):
    for i in range(5):
        node_client.create_group(f"G{i}")
    node_client.calls.clear()
    result = NodeListContactGroupsOperator(task_id="l", limit=3).execute(ctx())
    assert result["count"] == 3 and result["truncated"] is True


@pytest.mark.parametrize(
    ("op", "kwargs", "field"),
    [
        (NodeCreateContactGroupOperator, {"title": ""}, "title"),
        (NodeCreateContactGroupOperator, {"title": "A", "gsms": ["1"]}, "gsms"),
        (NodeCreateContactGroupOperator, {"title": "A", "if_exists": "ignore"}, "if_exists"),
        (NodeCreateContactGroupOperator, {"title": "A", "parent_uuid": 5}, "parent_uuid"),
        (NodeUpdateContactGroupOperator, {"uuid": "", "title": "A"}, "uuid"),
        (NodeUpdateContactGroupOperator, {"uuid": "u", "title": None}, "title"),
        (NodeDeleteContactGroupOperator, {}, "uuid"),
        (NodeDeleteContactGroupOperator, {"uuid": "u", "uuids": ["v"]}, "uuid"),
        (NodeDeleteContactGroupOperator, {"uuid": "u", "include_contacts": "x"}, "include_contacts"),
        (NodeListContactGroupsOperator, {"limit": 0}, "limit"),
    ],
)
def test_group_bad_arguments(node_client, op, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        op(task_id="g", **kwargs).execute(ctx())
    assert node_client.calls == []


# -- import -------------------------------------------------------------------------------------------
def write_csv(tmp_path: Path, lines: list[str], name: str = "c.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def importer(path: str, **kwargs):
    kwargs.setdefault("pending_first_wait", 0.0)
    return NodeImportContactsOperator(task_id="imp", csv_path=path, **kwargs)


def test_import_in_chunks_with_a_column_mapping(node_client, tmp_path):
    lines = ["telefon,ad,soyad,not"] + [
        f"0555 555 {i // 100:02d} {i % 100:02d},Ad{i},Soyad{i},x" for i in range(7)
    ]
    path = write_csv(tmp_path, lines)
    result = importer(
        path,
        columns={"telefon": "gsm", "ad": "FIRST_NAME", "soyad": "LAST_NAME"},
        rows_per_request=3,
        group_uuids=["g-1"],
        overwrite=True,
    ).execute(ctx("imp"))
    assert [len(rows) for rows, _, _ in node_client.imported] == [3, 3, 1]
    rows, columns, kwargs = node_client.imported[0]
    assert columns == ["GSM", "FIRST_NAME", "LAST_NAME"] and rows[0] == ["905555550000", "Ad0", "Soyad0"]
    assert kwargs == {"overwrite": True, "is_in_blacklist": None, "group_uuids": ["g-1"]}
    assert result == {
        "rows": 7,
        "chunks": 3,
        "skipped_invalid": 0,
        "pending_waits": 0,
        "from_earlier_tries": 0,
    }


def test_import_header_as_columns_and_a_list(node_client, tmp_path):
    path = write_csv(tmp_path, ["GSM,FIRST_NAME,CITY", "5555550001,A,Izmir"])
    importer(path).execute(ctx("imp"))
    importer(path, columns=["GSM", "FIRST_NAME", "SEHIR"]).execute(ctx("imp"))
    assert [c for _, c, _ in node_client.imported] == [
        ["GSM", "FIRST_NAME", "CITY"],
        ["GSM", "FIRST_NAME", "SEHIR"],
    ]


def test_import_waits_while_an_import_is_pending(node_client, tmp_path):
    path = write_csv(tmp_path, ["GSM", "5555550001", "5555550002"])
    node_client.faults["import_contacts"] = pending(3)
    result = importer(path, rows_per_request=1).execute(ctx("imp"))
    assert result["pending_waits"] == 3 and result["chunks"] == 2
    assert node_client.names() == ["import_contacts"] * 5


def test_import_gives_up_after_the_pending_timeout(node_client, tmp_path):
    path = write_csv(tmp_path, ["GSM", "5555550001"])
    node_client.faults["import_contacts"] = pending(100)
    with pytest.raises(AirflowException, match="still pending") as info:
        importer(path, pending_timeout=0.05, pending_first_wait=0.01).execute(ctx("imp"))
    assert not isinstance(info.value, AirflowFailException)  # transient: Airflow's retries apply


def test_import_retry_resumes_at_the_next_chunk(node_client, tmp_path):
    from airflow_provider_ileti.core.errors import TransientError

    path = write_csv(tmp_path, ["GSM", "5555550001", "5555550002", "5555550003"])
    store = FakeStateStore()
    node_client.faults["import_contacts"] = [None, TransientError("503", service="node")]
    with pytest.raises(AirflowException, match="503"):
        importer(path, rows_per_request=1).execute(ctx("imp", store))
    result = importer(path, rows_per_request=1).execute(ctx("imp", store, try_number=2))
    assert result["from_earlier_tries"] == 1 and result["chunks"] == 3
    assert [rows[0][0] for rows, _, _ in node_client.imported] == [
        "905555550001",
        "905555550002",
        "905555550003",
    ]


def test_import_skips_invalid_numbers_when_asked(node_client, tmp_path):
    path = write_csv(tmp_path, ["GSM,FIRST_NAME", "5555550001,A", "123,B", "", "5555550002,C"])
    result = importer(path, skip_invalid_numbers=True).execute(ctx("imp"))
    assert result["rows"] == 2 and result["skipped_invalid"] == 1
    assert [r[0] for r in node_client.imported[0][0]] == ["905555550001", "905555550002"]


@pytest.mark.parametrize(
    ("lines", "kwargs", "field"),
    [
        (["GSM,FIRST_NAME", "5555550001,A", "123,B"], {}, "csv line 3 GSM"),
        (["GSM,FIRST_NAME", "5555550001"], {}, "csv line 2"),
        (["FIRST_NAME", "A"], {}, "GSM"),
        (["GSM,AD SOYAD", "5555550001,A"], {}, "columns"),
        (["GSM,ŞEHİR", "5555550001,A"], {}, "columns"),
        (["GSM,gsm", "5555550001,5555550002"], {}, "twice"),
        (["GSM,FIRST_NAME", "5555550001,A"], {"columns": ["GSM"]}, "columns"),
        (["GSM,FIRST_NAME", "5555550001,A"], {"columns": {"phone": "GSM"}}, "columns"),
        (["GSM,LAST_NAME", "5555550001,O'Brien"], {}, "single quote"),
        (["GSM"], {}, "no rows"),
        ([""], {}, "empty"),
        (["GSM", "5555550001"], {"rows_per_request": 0}, "rows_per_request"),
        (["GSM", "5555550001"], {"overwrite": "x"}, "overwrite"),
        (["GSM", "5555550001"], {"delimiter": ";;"}, "delimiter"),
        (["GSM", "5555550001"], {"pending_timeout": -1}, "pending_timeout"),
        (["GSM", "5555550001"], {"group_uuids": 5}, "group_uuids"),
    ],
)
def test_import_bad_arguments(node_client, tmp_path, lines, kwargs, field):
    path = write_csv(tmp_path, lines)
    with pytest.raises(AirflowFailException, match=field):
        importer(path, **kwargs).execute(ctx("imp"))
    assert node_client.calls == []


def test_import_missing_file(node_client, tmp_path):
    with pytest.raises(AirflowFailException, match="no such file"):
        importer(str(tmp_path / "nope.csv")).execute(ctx("imp"))
    assert node_client.calls == []


def test_import_honours_the_services_retry_after(node_client, tmp_path, monkeypatch):
    from airflow_provider_ileti.core.errors import TransientError

    slept: list[float] = []
    monkeypatch.setattr("airflow_provider_ileti.operators.node_contacts_import.time.sleep", slept.append)
    path = write_csv(tmp_path, ["GSM", "5555550001"])
    node_client.faults["import_contacts"] = [
        TransientError("pending", service="node", code="SMS13", retry_after=1.5),
        TransientError("pending", service="node", code="SMS13", retry_after=9999),
    ]
    importer(path, pending_first_wait=0.1).execute(ctx("imp"))
    assert slept == [1.5, 60.0]
