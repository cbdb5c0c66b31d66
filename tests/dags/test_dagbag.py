"""Every example DAG file parses without errors, fast, and without loading HTTP/SOAP libraries.

Airflow re-parses DAG files every few seconds, so each file's parse cost matters. Each check runs in a
fresh interpreter (the test process has long since imported everything).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from airflow_provider_ileti.sandbox.dag_test import DAGS_FOLDER

pytestmark = pytest.mark.dags

EXPECTED_DAGS = {
    "ileti_weekly_campaign",
    "ileti_weekly_campaign_iletimerkezi",
    "ileti_periodic_campaign",
    "ileti_periodic_campaign_cancel",
    "ileti_nightly_report",
    "ileti_kvkk_consent",
    "ileti_otp",
    "ileti_iletiniz_campaign",
    "ileti_wisecp_international",
    "ileti_order_status",
}
HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers")
#: Parse time of one DAG file on top of Airflow's own imports. Generous for slow CI machines; a file that
#: imports an HTTP stack or reads the network at parse time takes far longer.
MAX_PARSE_SECONDS = 1.0
DAG_FILES = sorted(p.name for p in Path(DAGS_FOLDER).glob("*.py"))


def _python(code: str, bytecode_env: dict[str, str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    env.update(bytecode_env)  # Airflow's modules compiled once for the session (tests/dags/conftest.py)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_dagbag_has_every_example_and_no_import_errors(bytecode_env: dict[str, str]) -> None:
    got = _python(
        f"""
        import json
        try:
            from airflow.dag_processing.dagbag import DagBag   # Airflow 3.x
        except ImportError:
            from airflow.models.dagbag import DagBag           # Airflow 2.11
        bag = DagBag(dag_folder={str(DAGS_FOLDER)!r})  # examples are off through the environment
        print(json.dumps({{"dags": sorted(bag.dag_ids), "errors": {{k: str(v)[-800:] for k, v in
                           bag.import_errors.items()}}}}))
        """,
        bytecode_env,
    )
    assert got["errors"] == {}
    assert set(got["dags"]) == EXPECTED_DAGS  # type: ignore[arg-type]


@pytest.mark.parametrize("name", DAG_FILES)
def test_dag_file_parses_fast_and_light(name: str, bytecode_env: dict[str, str]) -> None:
    got = _python(
        f"""
        import json, runpy, sys, time
        import pendulum
        from airflow.providers.common.compat.sdk import DAG, task
        with DAG("baseline", schedule=None, start_date=pendulum.datetime(2026, 1, 1)):  # Airflow's own cost
            task(lambda: None, task_id="t")()
        before = set(sys.modules)
        t0 = time.perf_counter()
        runpy.run_path({str(Path(DAGS_FOLDER) / name)!r})
        seconds = time.perf_counter() - t0
        added = sorted({{m.split(".")[0] for m in set(sys.modules) - before}})
        print(json.dumps({{"seconds": seconds, "added": added}}))
        """,
        bytecode_env,
    )
    heavy = [m for m in HEAVY if m in got["added"]]  # type: ignore[operator]
    assert heavy == [], f"{name} imports {heavy} at parse time"
    assert got["seconds"] < MAX_PARSE_SECONDS, f"{name} took {got['seconds']:.2f} s to parse"
