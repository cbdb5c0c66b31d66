"""Contact import, black list and contact groups over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from airflow_provider_ileti.operators.node_blacklist import NodeBlacklistOperator
from airflow_provider_ileti.operators.node_contacts_import import NodeImportContactsOperator
from airflow_provider_ileti.operators.node_groups import (
    NodeCreateContactGroupOperator,
    NodeDeleteContactGroupOperator,
    NodeListContactGroupsOperator,
    NodeUpdateContactGroupOperator,
)
from tests.integration.node_operators.conftest import ctx, node_requests


def state(node):
    return node.admin.state("node")


def write_csv(tmp_path: Path, rows: int) -> str:
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("telefon;ad;soyad;sehir\n")
        for i in range(rows):
            fh.write(f"0555 555 {i // 100:02d} {i % 100:02d};Ad{i};Soyad{i};Izmir\n")
    return str(path)


def test_import_streams_a_csv_in_chunks_and_waits_while_an_import_is_pending(node, tmp_path, monkeypatch):
    """The sandbox keeps each import pending for 5 s of its clock and answers SMS13 meanwhile; with the
    clock at normal speed every chunk after the first meets SMS13 until the previous one is processed."""
    from airflow_provider_ileti.clients.node.client import NodeClient

    # the client's own retries of SMS13 would hide it from the operator's wait: turn them off here
    monkeypatch.setitem(NodeClient.__init__.__kwdefaults__, "retries", 0)
    node.admin.clock(speed=4.0)
    result = NodeImportContactsOperator(
        task_id="imp",
        csv_path=write_csv(tmp_path, 25),
        delimiter=";",
        columns={"telefon": "GSM", "ad": "FIRST_NAME", "soyad": "LAST_NAME", "sehir": "CITY"},
        rows_per_request=10,
        overwrite=True,
        pending_first_wait=0.2,
    ).execute(ctx("imp"))
    assert result["rows"] == 25 and result["chunks"] == 3 and result["pending_waits"] >= 2
    imports = node_requests(node, "/contact/import")
    assert len(imports) == 3 + result["pending_waits"]  # every SMS13 answer was tried again
    first = imports[0]["body"]
    assert first["columns"] == ["GSM", "FIRST_NAME", "LAST_NAME", "CITY"] and first["overwrite"] is True
    assert first["csvData"].splitlines()[:2] == [
        "'GSM','FIRST_NAME','LAST_NAME','CITY'",
        "'905555550000','Ad0','Soyad0','Izmir'",
    ]
    node.admin.clock(advance=60)
    from airflow_provider_ileti.hooks.node import NodeSmsHook

    hook = NodeSmsHook("node_sms_default")
    try:
        contacts = list(hook.get_client().list_contacts())
    finally:
        hook.close()
    assert len(contacts) == 25 and {c.first_name for c in contacts} == {f"Ad{i}" for i in range(25)}


def test_blacklist_of_2500_numbers_is_3_requests(node):
    numbers = [f"5555{i:06d}" for i in range(2500)]
    result = NodeBlacklistOperator(task_id="bl", numbers=numbers + ["12345"]).execute(ctx("bl"))
    requests = node_requests(node, "/contact/set-blacklist")
    assert [len(r["body"]["gsms"]) for r in requests] == [1000, 1000, 500]
    assert all(r["body"]["status"] is True and r["body"]["returnInvalids"] is True for r in requests)
    assert result["requests"] == 3 and result["numbers"] == 2500
    assert result["invalid_count"] == 1 and result["invalid_numbers"] == ["***45"]
    json.dumps(result)


def test_blacklist_remove_by_uuid_and_number(node):
    NodeBlacklistOperator(task_id="bl", numbers=["5555550001"]).execute(ctx("bl"))
    result = NodeBlacklistOperator(task_id="bl", action="remove", numbers="5555550001").execute(ctx("bl"))
    assert result["requests"] == 1
    assert node_requests(node, "/contact/set-blacklist")[-1]["body"]["status"] is False


def test_contact_group_lifecycle(node):
    created = NodeCreateContactGroupOperator(task_id="c", title="VIP").execute(ctx("c"))
    assert created["created"] is True and created["uuid"]
    reused = NodeCreateContactGroupOperator(task_id="c", title="VIP", if_exists="reuse").execute(ctx("c"))
    assert reused["uuid"] == created["uuid"] and reused["created"] is False
    NodeUpdateContactGroupOperator(task_id="u", uuid=created["uuid"], title="VIP 2").execute(ctx("u"))
    listed = NodeListContactGroupsOperator(task_id="l").execute(ctx("l"))
    assert [g["title"] for g in listed["groups"]] == ["VIP 2"]
    deleted = NodeDeleteContactGroupOperator(task_id="d", uuid=created["uuid"]).execute(ctx("d"))
    assert deleted["deleted"] == [created["uuid"]] and state(node)["group_count"] == 0
