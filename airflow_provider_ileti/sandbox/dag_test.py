"""Run a DAG under ``airflow dags test`` in a throw-away ``AIRFLOW_HOME``, and read back what it left.

``AirflowHome`` prepares Airflow (SQLite, our DAGs folder, no examples, the sandbox's connections) and runs
``airflow dags test``; ``DagRun`` is the outcome with the tasks' XComs and rendered fields read from the
metadata database. The demo and ``tests/dags`` prepare Airflow this same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags_examples"


def airflow_bin() -> Path:
    """The ``airflow`` script of the interpreter running us (``.venv`` or ``.venv-af2``)."""
    return Path(sys.executable).parent / "airflow"


def bytecode_cache_env(folder: Path) -> dict[str, str]:
    """Environment that lets Airflow's processes keep their compiled bytecode, for tests that start many.

    With ``PYTHONDONTWRITEBYTECODE`` set (some CI machines set it) and a venv installed without ``.pyc``
    files, every new interpreter compiles each module it imports again: about 2,000 of them for one
    ``airflow dags test``, 5 s of CPU per run on a 2-core machine. This writes them once under ``folder``
    (``PYTHONPYCACHEPREFIX``, so neither the venv nor the checkout gets ``__pycache__`` folders) for the
    next process to load. Nothing changes otherwise: empty when bytecode is written as usual, and an
    existing ``PYTHONPYCACHEPREFIX`` is kept.
    """
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return {}
    # an empty value is "not set" to Python
    return {
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": os.environ.get("PYTHONPYCACHEPREFIX") or str(folder),
    }


@dataclass
class DagRun:
    """The outcome of one ``airflow dags test``: exit code, output, the tasks' XComs and rendered fields."""

    dag_id: str
    returncode: int
    output: str
    seconds: float
    log_path: Path
    xcoms: dict[str, Any] = field(default_factory=dict)
    #: ``task_id -> {field: value}`` as Airflow stored them for its "Rendered Template" view.
    rendered: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass
class AirflowHome:
    """A throw-away ``AIRFLOW_HOME``: SQLite, our DAGs folder, no examples, sandbox connections."""

    path: Path
    dags_folder: Path = DAGS_FOLDER
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self, connections: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
        env.update(
            {
                "AIRFLOW_HOME": str(self.path),
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.path / 'airflow.db'}",
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
                "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
                # a DAG file is parsed in well under this; a slow one is a bug the DagBag test catches
                "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "60",
                "PYTHONWARNINGS": "ignore",
            }
        )
        env.update(connections or {})
        env.update(self.extra_env)
        return env

    def migrate(self, log_path: Path) -> None:
        """Create the metadata database once (``db migrate`` exists on 2.11 and 3.x alike)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            subprocess.run(
                [str(airflow_bin()), "db", "migrate"],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=300,
            )

    def dags_test(
        self,
        dag_id: str,
        logical_date: str,
        *,
        connections: dict[str, str],
        conf: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        log_path: Path,
        timeout: float = 600,
    ) -> DagRun:
        cmd = [str(airflow_bin()), "dags", "test", dag_id, logical_date]
        if conf:
            cmd += ["--conf", json.dumps(conf)]
        full_env = self.env(connections)
        full_env.update(env or {})
        started = time.monotonic()
        proc = subprocess.run(
            cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, check=False
        )
        output = proc.stdout.decode("utf-8", "replace")
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"\n===== {' '.join(cmd)} (exit {proc.returncode}) =====\n{output}")
        run = DagRun(dag_id, proc.returncode, output, time.monotonic() - started, log_path)
        run.xcoms = self.read_xcoms(dag_id)
        run.rendered = self.read_rendered_fields(dag_id)
        rows = self._latest_run_rows(dag_id, "SELECT ? AS dag_id, ? AS run_id")
        run.run_id = str(rows[0][1]) if rows else None
        return run

    def read_rendered_fields(self, dag_id: str) -> dict[str, Any]:
        """``task_id -> rendered fields`` of the latest run of ``dag_id``, as the UI would show them."""
        rows = self._latest_run_rows(
            dag_id,
            "SELECT task_id, rendered_fields FROM rendered_task_instance_fields WHERE dag_id=? AND run_id=?",
        )
        return {task: json.loads(fields) if isinstance(fields, str) else fields for task, fields in rows}

    def read_xcoms(self, dag_id: str) -> dict[str, Any]:
        """``task_id -> return_value`` of the latest run of ``dag_id``, read straight from the SQLite db.

        Reading the table (rather than importing Airflow here) works on 2.11 and 3.x, whose XCom tables
        differ only in columns we do not use.
        """
        rows = self._latest_run_rows(
            dag_id,
            "SELECT task_id, map_index, value FROM xcom WHERE dag_id=? AND run_id=? AND key='return_value'",
        )
        out: dict[str, Any] = {}
        for task_id, map_index, value in rows:
            decoded = _decode_xcom(value)
            if map_index is not None and map_index >= 0:
                out.setdefault(task_id, {})[map_index] = decoded
            else:
                out[task_id] = decoded
        return out

    def _latest_run_rows(self, dag_id: str, query: str) -> list[Any]:
        """The rows ``query`` (parameters: dag id, run id) finds for the latest run of ``dag_id``."""
        import sqlite3

        db = self.path / "airflow.db"
        if not db.exists():
            return []
        with sqlite3.connect(db) as conn:
            row = conn.execute(
                "SELECT run_id FROM dag_run WHERE dag_id=? ORDER BY id DESC LIMIT 1", (dag_id,)
            ).fetchone()
            return [] if row is None else conn.execute(query, (dag_id, row[0])).fetchall()


def _decode_xcom(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
        # Airflow 3 stores JSON text of the serialized value; an extra layer of quoting is possible
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
    return value
