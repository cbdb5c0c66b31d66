"""The İletiniz and WISECP example DAGs under ``airflow dags test``, checked through the sandbox's admin API.

``ileti_iletiniz_campaign``: the quota gate, then the ``campaign`` template to the 50 customers of
``data/customers.csv`` with each one's first name and the run's code and discount, then delivery.
``ileti_wisecp_international``: the cost per country and the sender rules before the send; a budget too small
short-circuits it (nothing reaches the panel's ``submit``).
"""

from __future__ import annotations

import csv
import runpy
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_ileti.core.phone import normalize_number
from airflow_provider_ileti.sandbox.dag_test import DAGS_FOLDER, AirflowHome, DagRun
from airflow_provider_ileti.sandbox.process import SandboxProcess

pytestmark = pytest.mark.dags

with open(Path(DAGS_FOLDER) / "data" / "customers.csv", encoding="utf-8") as _fh:
    CUSTOMERS = list(csv.DictReader(_fh))
SUBMIT = "/wisecp/api/sms/submit"
#: The WISECP example's list, read from the DAG file (``RECIPIENTS``) without importing it as a module.
RECIPIENTS: list[str] = runpy.run_path(str(Path(DAGS_FOLDER) / "wisecp_international.py"))["RECIPIENTS"]
#: Weeks of their own (the campaign sends once per ISO week, and its record outlives a test's sandbox):
#: after the examples' start_date, in the past, and off the dates the other DAG tests use.
CAMPAIGN_WEEK = ("2026-10-20T09:30:00+00:00", "2026-10-21T10:00:00+00:00")  # a Tuesday, the Wednesday
QUOTA_WEEK = "2026-10-27T09:00:00+00:00"


def _campaign_text(customer: dict[str, str], code: str = "HAFTA", discount: int = 20) -> str:
    return f"Merhaba {customer['first_name']}, {code} koduyla %{discount} indirim sizi bekliyor."


def test_the_iletiniz_campaign_sends_the_template_to_every_customer_once(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess
) -> None:
    conf = {"code": "KIS26", "discount": 25}
    run = run_dag("ileti_iletiniz_campaign", conf=conf, logical_date=CAMPAIGN_WEEK[0])
    admin = dag_sandbox.admin()
    account, send = admin.requests(service="iletiniz", path="/v1/account"), run.xcoms["send"]
    assert len(account) == 1, "the quota gate read the account once"
    assert run.xcoms["check_quota"]["needed"] == len(CUSTOMERS)
    bulk = admin.requests(service="iletiniz", path="/v1/messages/bulk")
    assert len(bulk) == 1 and bulk[0]["body"]["template"] == "campaign" and bulk[0]["body"]["iys"] is True
    items = bulk[0]["body"]["items"]
    # the journal hides any field named "code" (OAuth codes): the job's rendered text shows it below
    assert items[0]["variables"] == {
        "first_name": CUSTOMERS[0]["first_name"],
        "code": "***",
        "discount": "25",
    }
    jobs = admin.state("iletiniz")["jobs"]
    by_number = {j["to"]: j for j in jobs}
    assert len(jobs) == len(CUSTOMERS) == send["recipients"]
    for customer in CUSTOMERS:
        job = by_number["+" + normalize_number(customer["phone"])]
        assert job["template"] == "campaign" and job["text"] == _campaign_text(customer, "KIS26", 25)
    final = Counter(j["status"] for j in jobs)
    summary = run.xcoms["report"]
    assert summary["delivered"] == final["delivered"] > len(CUSTOMERS) // 2
    assert summary["undelivered"] == len(CUSTOMERS) - final["delivered"] and summary["pending"] == 0
    assert admin.refusals()["count"] == 0
    for customer in CUSTOMERS:  # KVKK: no full number and no text in Airflow's output
        assert normalize_number(customer["phone"]) not in run.output
        assert _campaign_text(customer, "KIS26", 25) not in run.output

    again = run_dag("ileti_iletiniz_campaign", conf=conf, logical_date=CAMPAIGN_WEEK[1])  # same week
    assert again.xcoms["send"]["references"] == send["references"], "the same week is sent once"
    assert len(admin.state("iletiniz")["jobs"]) == len(CUSTOMERS)


def test_the_iletiniz_quota_gate_stops_the_campaign_before_any_send(
    airflow_home: AirflowHome, dag_sandbox: SandboxProcess, dag_env: dict[str, str], dag_workdir: Path
) -> None:
    admin = dag_sandbox.admin()
    admin.set_iletiniz_plan(active=True, quota=10, used=0)
    result = airflow_home.dags_test(
        "ileti_iletiniz_campaign",
        QUOTA_WEEK,
        connections=dag_sandbox.env,
        env=dag_env,
        log_path=dag_workdir / "airflow.log",
    )
    assert not result.ok
    assert "quota too small" in result.output and "50" in result.output
    assert admin.requests(service="iletiniz", path="/v1/messages/bulk") == []
    assert admin.state("iletiniz")["jobs"] == []


def test_the_wisecp_campaign_is_priced_per_country_then_sent(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess
) -> None:
    run = run_dag("ileti_wisecp_international")
    admin = dag_sandbox.admin()
    estimate = run.xcoms["estimate_cost"]
    by_country = {row["country"]: row for row in estimate["by_country"]}
    assert set(by_country) == {"GB", "DE", "FR", "NL", "AZ", "TR"}
    assert by_country["DE"]["recipients"] == 2 and by_country["DE"]["cost"] == pytest.approx(2 * 0.1234)
    assert estimate["total"] == pytest.approx(sum(r["cost"] for r in by_country.values()))
    assert estimate["within_budget"] is True and estimate["needs_approval"] == ["TR"]
    (submit,) = admin.requests(service="wisecp", path=SUBMIT)
    assert sorted(submit["body"]["numbers"]) == sorted(RECIPIENTS) and submit["body"]["origin"] == "ILETI"
    (report,) = admin.state("wisecp")["reports"]
    assert report["cost"] == pytest.approx(estimate["total"], abs=1e-4)
    assert run.xcoms["report"]["recipients"] == len(RECIPIENTS)
    assert "needs pre-approval" in run.output and "TR (1 recipient(s))" in run.output
    assert admin.refusals()["count"] == 0
    for number in RECIPIENTS:
        assert number.lstrip("+") not in run.output


@pytest.mark.parametrize(
    ("conf", "over"),
    [({"budget": 0.5}, "total"), ({"budget_per_country": {"DE": 0.2, "*": 1.0}}, "DE")],
    ids=["total", "per-country"],
)
def test_the_wisecp_budget_short_circuits_the_send(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess, conf: dict[str, Any], over: str
) -> None:
    run = run_dag("ileti_wisecp_international", conf=conf)
    admin = dag_sandbox.admin()
    assert run.xcoms["estimate_cost"]["within_budget"] is False
    assert run.xcoms["estimate_cost"]["over_budget"] == [over]
    assert f"Over budget ({over}): nothing is sent" in run.output
    assert admin.requests(service="wisecp", path=SUBMIT) == []
    assert admin.state("wisecp")["reports"] == [] and "send" not in run.xcoms
