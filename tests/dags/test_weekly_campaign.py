"""Tutorial 1 (``dags_examples/weekly_campaign.py``) under ``airflow dags test``, on Node and İleti Merkezi.

The CSV holds 50 customers; by the sandbox's rule (last digit 9 undelivered, 8 expired) 42 are delivered
and 8 are not. Each test checks what reached the sandbox and the counts the DAG reported.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from airflow_provider_ileti.demo import DAGS_FOLDER, DagRun, SandboxProcess

pytestmark = pytest.mark.dags

with open(Path(DAGS_FOLDER) / "data" / "customers.csv", encoding="utf-8") as _fh:
    CUSTOMERS = list(csv.DictReader(_fh))
EXPECTED_UNDELIVERED = sum(1 for c in CUSTOMERS if c["phone"][-1] in "89")


def test_csv_gives_mixed_outcomes() -> None:
    assert len(CUSTOMERS) == 50
    assert 0 < EXPECTED_UNDELIVERED < 25


def _check_counts(run: DagRun) -> None:
    sent = run.xcoms["send"]
    assert sent["recipients"] == len(CUSTOMERS)
    assert sent["replayed_chunks"] == 0
    summary = run.xcoms["report"]
    assert summary["recipients"] == len(CUSTOMERS)
    assert summary["delivered"] == len(CUSTOMERS) - EXPECTED_UNDELIVERED
    assert summary["undelivered"] == EXPECTED_UNDELIVERED
    assert summary["pending"] == 0
    assert f"{summary['delivered']} delivered" in run.output


def test_weekly_campaign_on_iletimerkezi(run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess) -> None:
    run = run_dag("ileti_weekly_campaign_iletimerkezi")
    _check_counts(run)
    admin = dag_sandbox.admin()
    sends = [r for r in admin.requests(service="iletimerkezi") if "send-sms" in str(r.get("path"))]
    assert len(sends) == run.xcoms["send"]["chunks"]  # exactly one request per chunk, nothing resent
    orders = admin.state("iletimerkezi")["orders"]
    assert sorted(str(o["id"]) for o in orders) == sorted(map(str, run.xcoms["send"]["references"]))
    assert sum(int(o["texts"]) for o in orders) == len(CUSTOMERS)


def test_weekly_campaign_on_node(run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess) -> None:
    run = run_dag("ileti_weekly_campaign")
    _check_counts(run)
    creates = dag_sandbox.admin().requests(service="node", path="/sms/create")
    assert len(creates) == run.xcoms["send"]["chunks"]
    bodies = [r["body"] for r in creates]
    assert all(b.get("customID") for b in bodies)  # every chunk named, so a retry can find it
    packages = dag_sandbox.admin().state("node")["packages"]
    assert sorted(str(p["id"]) for p in packages) == sorted(map(str, run.xcoms["send"]["references"]))
    assert sum(p["statistics"]["delivered"] for p in packages) == len(CUSTOMERS) - EXPECTED_UNDELIVERED
    # personalised: one (number, text) pair per customer, each text with that customer's first name
    pairs = [m for b in bodies for m in b.get("numbers", [])]
    assert len(pairs) == len(CUSTOMERS)
    texts = " ".join(str(m.get("msg")) for m in pairs)
    assert all(f"Merhaba {c['first_name']}," in texts for c in CUSTOMERS)
