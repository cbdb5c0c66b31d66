"""The order-status tutorial (``dags_examples/order_status.py``) under ``airflow dags test``, on Node.

The demo database (a fresh one per test) starts with two orders whose status changed since their last SMS.
The test changes the status of three more orders and runs the DAG twice: the sandbox must have received
exactly one message per (order, status), each with its status's template, and the second run nothing. Then
the crash window between "sent" and "recorded" is replayed: the run that finds the batch unrecorded sends
nothing and records what the first run sent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from airflow_provider_ileti.core.phone import normalize_number
from airflow_provider_ileti.sandbox.dag_test import DagRun
from airflow_provider_ileti.sandbox.process import SandboxProcess

pytestmark = pytest.mark.dags

DAG_ID = "ileti_order_status"
#: The texts of the DAG's default templates, by status (order id and name filled in).
TEXTS = {
    "received": "Merhaba {name}, {id} numaralı siparişinizi aldık, teşekkürler.",
    "processing": "Merhaba {name}, {id} numaralı siparişiniz hazırlanıyor.",
    "shipped": "Merhaba {name}, {id} numaralı siparişiniz kargoya verildi.",
    "cancelled": "Merhaba {name}, {id} numaralı siparişiniz iptal edildi.",
    "refunded": "Merhaba {name}, {id} numaralı siparişinizin ücreti iade edildi.",
}
#: What the demo data holds unnotified: (order id, status).
SEEDED_CHANGES = [(1011, "received"), (1012, "processing")]
#: What the test changes.
CHANGES = [(1002, "processing"), (1003, "shipped"), (1005, "refunded")]


@pytest.fixture
def orders_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "shop" / "orders.db"
    return path, {
        "ILETI_ORDERS_DB": str(path),
        "AIRFLOW_CONN_ILETI_ORDERS_DB": "sqlite://" + quote(str(path), safe=""),
    }


def _orders(path: Path) -> dict[int, tuple[str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, customer_name, phone FROM orders").fetchall()
    db.close()
    return {int(i): (name, phone) for i, name, phone in rows}


def _sms_sent(path: Path, where: str = "batch_id != 'seed'") -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            f"SELECT order_id, status, sent_at, reference FROM sms_sent WHERE {where} ORDER BY order_id"
        ).fetchall()
    db.close()
    return rows


def _change(path: Path, changes: list[tuple[int, str]]) -> None:
    with sqlite3.connect(path) as db:
        for order_id, status in changes:
            db.execute(
                "UPDATE orders SET status = ?, updated_at = datetime('now') WHERE id = ?", (status, order_id)
            )
    db.close()


def _messages(sandbox: SandboxProcess) -> list[tuple[str, str]]:
    """(number, text) of every message the sandbox's Node service received, in order."""
    pairs: list[tuple[str, str]] = []
    for request in sandbox.admin().requests(service="node", path="/sms/create"):
        body = request["body"]
        if "number" in body:  # one number, one text (sendingType 0)
            pairs.append((str(body["number"]), str(body["content"])))
            continue
        for entry in body.get("numbers", []):  # (number, text) pairs, or numbers for one content
            pairs.append(
                (str(entry["nr"]), str(entry["msg"])) if isinstance(entry, dict) else (entry, body["content"])
            )
    return pairs


def _expected(path: Path, changes: list[tuple[int, str]]) -> list[tuple[str, str]]:
    orders = _orders(path)
    return [
        (normalize_number(orders[i][1]), TEXTS[status].format(name=orders[i][0], id=i))
        for i, status in changes
    ]


def test_three_status_changes_send_three_messages_once(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess, orders_db: tuple[Path, dict[str, str]]
) -> None:
    path, env = orders_db
    first = run_dag(DAG_ID, env=env)  # creates the demo database; sends what it holds unnotified
    assert path.exists()
    assert _messages(dag_sandbox) == _expected(path, SEEDED_CHANGES)
    assert first.xcoms["record"]["messages"] == 2

    _change(path, CHANGES)
    second = run_dag(DAG_ID, env=env)
    new = _messages(dag_sandbox)[2:]
    assert new == _expected(path, CHANGES)  # exactly three, each with its status's template
    assert second.xcoms["send"]["recipients"] == 3 and second.xcoms["send"]["replayed_chunks"] == 0
    recorded = _sms_sent(path, "batch_id = '{}'".format(second.xcoms["claim"]))
    assert [(r[0], r[1]) for r in recorded] == CHANGES
    assert all(r[2] for r in recorded)  # sent_at
    assert {r[3] for r in recorded} == set(second.xcoms["send"]["references"])

    third = run_dag(DAG_ID, env=env)  # a rerun / manual trigger: nothing changed, nothing sent
    assert len(_messages(dag_sandbox)) == 5
    assert "No order changed status" in third.output
    assert "send" not in third.xcoms


def test_a_batch_sent_but_not_recorded_is_recorded_by_the_next_run_without_sending_again(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess, orders_db: tuple[Path, dict[str, str]]
) -> None:
    path, env = orders_db
    first = run_dag(DAG_ID, env=env)
    batch = first.xcoms["claim"]
    references = first.xcoms["send"]["references"]
    # the crash window: the send went out, the worker died before ``record`` wrote it down
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sms_sent SET sent_at = NULL, reference = NULL WHERE batch_id = ?", (batch,))
    db.close()
    _change(path, CHANGES[:1])  # and meanwhile another order changed: it waits for the run after

    second = run_dag(DAG_ID, env=env)
    assert second.xcoms["claim"] == batch  # the unfinished batch, resumed
    assert second.xcoms["send"]["references"] == references
    assert len(_messages(dag_sandbox)) == 2, "nothing sent again"
    assert {r[3] for r in _sms_sent(path, f"batch_id = '{batch}'")} == set(references)

    third = run_dag(DAG_ID, env=env)
    assert _messages(dag_sandbox)[2:] == _expected(path, CHANGES[:1]), third.output[-6000:]


def test_the_templates_are_a_param(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess, orders_db: tuple[Path, dict[str, str]]
) -> None:
    path, env = orders_db
    templates = {"received": "Sayın {{ r.customer_name }}, sipariş {{ r.order_id }} alındı."}
    run_dag(DAG_ID, env=env, conf={"templates": templates})
    # only the status with a template is notified; the other stays unclaimed for a later run
    assert _messages(dag_sandbox) == [
        (_expected(path, SEEDED_CHANGES[:1])[0][0], "Sayın Selin Aydın, sipariş 1011 alındı.")
    ]
    assert [(r[0], r[1]) for r in _sms_sent(path)] == [(1011, "received")]
