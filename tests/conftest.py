"""Test-wide setup: a throw-away AIRFLOW_HOME before anything imports Airflow.

The sandbox fixtures (``ileti_sandbox``, ``ileti_sandbox_env``) come from our pytest plugin, registered by
the package's ``pytest11`` entry point, the same way our users get them.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

_HOME = tempfile.mkdtemp(prefix="ileti-airflow-home-")
os.environ.setdefault("AIRFLOW_HOME", _HOME)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")


#: What makes a test file touch Airflow: an Airflow import, our Airflow-facing packages, or a fixture or
#: helper that runs them. A file with none of these tests clients, the sandbox or pure code only.
_TOUCHES_AIRFLOW = re.compile(
    r"airflow\.|from airflow |import airflow|airflow_provider_ileti\.(hooks|operators|sensors|triggers|"
    r"notifications|transfers|tasks|maintenance|exactly_once|delivery|connect|demo|get_provider_info|"
    r"connection_forms|version_compat)|ileti_sandbox_env|run_dag|make_context|dags_test|airflow_home"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--skip-airflow-free",
        action="store_true",
        help="leave out test files that touch no Airflow (make test-af2: they already ran on Airflow 3)",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``--skip-airflow-free``, a test file that touches no Airflow (``_TOUCHES_AIRFLOW``) is not
    collected: it runs the same code on every Airflow version, so ``make test`` runs it once."""
    if not config.getoption("skip_airflow_free") or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return None if _TOUCHES_AIRFLOW.search(collection_path.read_text("utf-8")) else True


@pytest.fixture(autouse=True)
def _quick_send_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """A send's claim waits ``CLAIM_SETTLE_SECONDS`` (1 s) for a concurrent try's write; in-process stores
    answer in microseconds, so tests wait 50 ms (the claim tests keep that margin)."""
    from airflow_provider_ileti.exactly_once import claim as send_claim

    monkeypatch.setattr(send_claim, "CLAIM_SETTLE_SECONDS", 0.05)
