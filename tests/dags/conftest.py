"""The DAG-test harness: a sandbox process, one migrated AIRFLOW_HOME per session, ``airflow dags test``.

- ``dag_sandbox`` (session): ``ileti-sandbox`` in its own process at a fast clock; reset before each test
  through ``dag_env``.
- ``airflow_home`` (session): a throw-away ``AIRFLOW_HOME`` (SQLite, DAGs folder = ``dags_examples/``,
  examples off), migrated once with the running venv's ``airflow`` (``.venv`` → Airflow 3, ``.venv-af2`` →
  2.11).
- ``run_dag``: ``run_dag(dag_id, conf=..., env=..., logical_date=...)`` runs ``airflow dags test`` in a
  subprocess with the sandbox's ``AIRFLOW_CONN_*`` and returns a ``DagRun`` (exit code, output, XComs read
  back from the db). Tests then check what the DAG produced in the sandbox (``dag_sandbox.admin()``), not
  only the exit code.
- ``node_client``: a ``NodeClient`` on the sandbox, for tests that prepare data before a DAG runs.
- ``dag_runner`` (session): ``dag_runner(env)`` is ``run_dag`` for an environment of the caller's, for a
  module-scoped fixture that runs a DAG once for several tests (``fresh_dag_env`` makes the environment
  and resets the sandbox, as ``dag_env`` does per test).
- ``bytecode_env`` (session): lets every Airflow process of the session keep its compiled bytecode
  (``bytecode_cache_env``) when ``PYTHONDONTWRITEBYTECODE`` is set: a run does not compile Airflow again.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from airflow_provider_ileti.sandbox.dag_test import AirflowHome, DagRun, bytecode_cache_env
from airflow_provider_ileti.sandbox.process import SandboxProcess

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.node.client import NodeClient

#: Virtual seconds per real second: an hour of the sandbox passes in a real second, so a number that never
#: answers (final at validity + 60 min) is final within seconds.
TEST_SPEED = 3600.0
#: Environment every example DAG reads at parse time in tests: poll every second, deferrable on, the
#: shortest validity the Node API allows.
TEST_DAG_ENV = {
    "ILETI_EXAMPLE_POKE_SECONDS": "1",
    "ILETI_EXAMPLE_DEFERRABLE": "true",
    "ILETI_EXAMPLE_VALIDITY_MINUTES": "60",
}
#: Each run gets its own logical date, a week after the last, so runs never collide in the shared db and
#: no two tests share a week: the weekly campaign sends once per week (``campaign_id``), and its progress
#: record (a Variable in that db) outlives the test's sandbox. A test that wants one week twice says so.
#: From the examples' start_date (2026-01-05) on, in the past; a test naming its own week keeps off these.
_dates = (
    (datetime.date(2026, 1, 7) + datetime.timedelta(weeks=week)).isoformat()
    for week in itertools.cycle(range(40))
)
_counter = itertools.count()


@pytest.fixture(scope="session")
def dag_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dags")


@pytest.fixture(scope="session")
def dag_sandbox(dag_workdir: Path) -> Iterator[SandboxProcess]:
    with SandboxProcess(dag_workdir / "sandbox", speed=TEST_SPEED) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def bytecode_env(dag_workdir: Path) -> dict[str, str]:
    return bytecode_cache_env(dag_workdir / "pycache")


@pytest.fixture(scope="session")
def airflow_home(dag_workdir: Path, bytecode_env: dict[str, str]) -> AirflowHome:
    home = AirflowHome(dag_workdir / "airflow-home", extra_env=dict(bytecode_env))
    home.migrate(dag_workdir / "airflow.log")
    return home


def fresh_dag_env(sandbox: SandboxProcess, reports: Path) -> dict[str, str]:
    """Reset the sandbox (journal, state, faults, clock speed); the env for the DAG subprocess."""
    admin = sandbox.admin()
    admin.reset()
    admin.clock(speed=TEST_SPEED)
    return {**TEST_DAG_ENV, "ILETI_REPORTS_DIR": str(reports)}


@pytest.fixture
def dag_env(dag_sandbox: SandboxProcess, tmp_path: Path) -> dict[str, str]:
    """A clean sandbox (journal, state, faults, clock speed) and per-test env for the DAG subprocess."""
    return fresh_dag_env(dag_sandbox, tmp_path / "reports")


@pytest.fixture
def run_dag(
    dag_runner: Callable[..., Callable[..., DagRun]], dag_env: dict[str, str]
) -> Callable[..., DagRun]:
    return dag_runner(dag_env)


@pytest.fixture(scope="session")
def dag_runner(
    airflow_home: AirflowHome, dag_sandbox: SandboxProcess, dag_workdir: Path
) -> Callable[[dict[str, str]], Callable[..., DagRun]]:
    return lambda dag_env: _runner(airflow_home, dag_sandbox, dag_env, dag_workdir)


def _runner(
    airflow_home: AirflowHome, dag_sandbox: SandboxProcess, dag_env: dict[str, str], dag_workdir: Path
) -> Callable[..., DagRun]:
    def run(
        dag_id: str,
        *,
        conf: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        logical_date: str | None = None,
    ) -> DagRun:
        date = logical_date or f"{next(_dates)}T{next(_counter) % 24:02d}:00:00+00:00"
        result = airflow_home.dags_test(
            dag_id,
            date,
            connections=dag_sandbox.env,
            conf=conf,
            env={**dag_env, **(env or {})},
            log_path=dag_workdir / "airflow.log",
        )
        if not result.ok:
            tail = "\n".join(result.output.splitlines()[-60:])
            pytest.fail(f"airflow dags test {dag_id} exited {result.returncode}:\n{tail}")
        return result

    return run


@pytest.fixture
def node_client(dag_sandbox: SandboxProcess, dag_env: dict[str, str]) -> Iterator[NodeClient]:
    """The Node client over REST on the (reset) sandbox, as the test process's own sender."""
    from airflow_provider_ileti.clients.node.client import NodeClient
    from airflow_provider_ileti.sandbox.services.node import connections

    conn = connections(dag_sandbox.url)["node_sms_default"]
    client = NodeClient(
        conn["host"],
        conn["login"],
        conn["password"],
        default_sender=conn["extra"]["default_sender"],
        timeout=10.0,
        retries=0,
    )
    yield client
    client.close()
