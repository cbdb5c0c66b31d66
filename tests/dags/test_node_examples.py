"""The Node-only tutorials under ``airflow dags test``: periodic campaign + cancel, OTP, KVKK, nightly report.

Each test checks what reached the sandbox (request bodies in the journal) and what the DAG wrote, not only
the exit code.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from airflow_provider_ileti.demo import DAGS_FOLDER, DagRun, SandboxProcess

pytestmark = pytest.mark.dags


def test_periodic_campaign_created_then_cancelled(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess
) -> None:
    admin = dag_sandbox.admin()
    created = run_dag(
        "ileti_periodic_campaign",
        conf={"numbers": ["0532 100 00 01", "0532 100 00 02"], "start_in_hours": 24 * 30},
    )
    pkg = created.xcoms["create_periodic_package"]
    assert pkg["recipients"] == 2 and pkg["package_id"] and not pkg["replayed"]
    [create] = admin.requests(service="node", path="/sms/create")
    assert create["body"]["periodicSettings"]["amount"] == 1000
    assert create["body"]["customID"] == pkg["custom_id"]

    cancelled = run_dag("ileti_periodic_campaign_cancel").xcoms["cancel_periodic_package"]
    assert cancelled["cancelled"] is True
    cancels = admin.requests(service="node", path="/sms/cancel")
    assert len(cancels) == 1
    assert pkg["custom_id"] in str(cancels[0]["body"]) + str(cancels[0]["query"])


def test_otp_sent_once_and_delivered(run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess) -> None:
    run = run_dag("ileti_otp", conf={"number": "0532 123 45 67", "code": "482913"})
    sent = run.xcoms["send_otp"]
    assert sent["package_id"] and not sent["replayed"]
    assert "90532***4567" in run.output  # logged masked
    assert run.xcoms["wait_for_delivery"]["delivered"] == 1
    [otp] = dag_sandbox.admin().requests(service="node", path="/sms/create-otp")
    assert "482913" in str(otp["body"])
    assert "482913" not in run.output.replace(str(otp["body"]), "")  # the code is never logged


def test_kvkk_links_to_imported_contacts(run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess) -> None:
    with open(Path(DAGS_FOLDER) / "data" / "kvkk_contacts.csv", encoding="utf-8") as fh:
        contacts = list(csv.DictReader(fh))
    run = run_dag("ileti_kvkk_consent")
    admin = dag_sandbox.admin()
    [imported] = admin.requests(service="node", path="/contact/import")
    assert str(imported["body"]).count("'") >= 2 * len(contacts)  # every value single-quoted
    kvkk = admin.requests(service="node", path="/sms/create-kvkk")
    assert len(kvkk) == len(contacts)
    assert all("SHORT_LINK" in str(r["body"]) for r in kvkk)
    result = run.xcoms["send_consent_links"]
    assert len(result["package_ids"]) == result["sent"] == len(contacts)


def test_nightly_report_writes_csv_and_html(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess, dag_env: dict[str, str]
) -> None:
    run = run_dag("ileti_nightly_report")
    files = run.xcoms["write_report"]
    assert Path(files["csv"]).parent == Path(dag_env["ILETI_REPORTS_DIR"])
    with open(files["csv"], encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["day", "metric", "value"]
    assert {r[1] for r in rows[1:]} >= {"delivered", "undelivered", "pending"}
    page = Path(files["html"]).read_text(encoding="utf-8")
    assert "<svg" in page and page.count("<rect") == 3
    assert "90532***0001" in page and "905321000001" not in page  # watch list masked
    admin = dag_sandbox.admin()
    [summary] = admin.requests(service="node", path="/sms/summary")
    assert "+03:00" in str(summary) or files["day"] in str(summary)  # Turkish day, not the UTC day
    assert len(admin.requests(service="node", path="/sms/inquiry-number")) == 2
