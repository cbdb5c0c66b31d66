"""``python -m airflow_provider_ileti.demo`` (``make demo``): the weekly campaign, end to end, offline.

It starts the sandbox in its own process, prepares a throw-away ``AIRFLOW_HOME`` (SQLite, DAGs folder =
``dags_examples/``, connections from the sandbox's ``AIRFLOW_CONN_*``), runs ``airflow dags test`` on the
weekly campaign, prints what was sent and how it was delivered, and stops the sandbox — also on failure.
Airflow's own log goes to a file whose path is printed.

The building blocks (:class:`SandboxProcess`, :class:`AirflowHome`) are also what ``tests/dags`` uses, so
the demo and the DAG tests prepare Airflow the same way.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DAGS_FOLDER = REPO / "dags_examples"
DEMO_HOME = REPO / ".airflow-home"
#: The DAG the demo runs; its tutorial comments live in ``dags_examples/weekly_campaign.py``.
DEMO_DAG_ID = "ileti_weekly_campaign"
#: Virtual seconds per real second in the demo: an hour of the sandbox passes in a real second, so even
#: the numbers that never answer are final (validity + 60 min) within seconds.
DEMO_SPEED = 3600.0
#: The logical date of the demo run (any date works; a fixed one makes the output reproducible).
DEMO_DATE = "2026-11-23"


def airflow_bin() -> Path:
    """The ``airflow`` script of the interpreter running us (``.venv`` or ``.venv-af2``)."""
    return Path(sys.executable).parent / "airflow"


class SandboxProcess:
    """``ileti-sandbox`` in a separate process, so Airflow's subprocesses and our checks talk to it over HTTP.

    A separate process (not a thread of the test process) keeps the sandbox alive and responsive while a
    blocking ``airflow dags test`` runs, and mirrors what a user does by hand.
    """

    def __init__(self, workdir: Path, *, speed: float = DEMO_SPEED, log_path: Path | None = None) -> None:
        self.workdir = workdir
        self.speed = speed
        self.env_file = workdir / "sandbox.env"
        self.log_path = log_path or workdir / "sandbox.log"
        self.url = ""
        self.env: dict[str, str] = {}
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> SandboxProcess:
        from airflow_provider_ileti.sandbox.server import free_port

        self.workdir.mkdir(parents=True, exist_ok=True)
        self.env_file.unlink(missing_ok=True)
        # --port 0 works too (the CLI prints the real URL), but choosing the port here tells us the URL
        # without parsing the CLI's banner.
        port = free_port()
        cmd = [
            sys.executable, "-m", "airflow_provider_ileti.sandbox.cli",
            "--port", str(port), "--speed", str(self.speed), "--env-file", str(self.env_file),
        ]
        log = open(self.log_path, "wb")  # noqa: SIM115 - the child owns it for its lifetime
        # same process group: Ctrl-C on `make demo` stops the sandbox too
        self._proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self._proc.returncode}; see {self.log_path}")
            if self.env_file.exists() and self._ready():
                self.env = _read_env_file(self.env_file)
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sandbox did not answer within {timeout:.0f} s; see {self.log_path}")

    def _ready(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.url}/_admin/requests", timeout=1).ok
        except requests.RequestException:
            return False

    def admin(self) -> Any:
        from airflow_provider_ileti.sandbox.admin_client import SandboxAdmin

        return SandboxAdmin(self.url)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_env_file(path: Path) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line.startswith("export "):
            continue
        name, _, value = line[len("export "):].partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    return env


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
                [str(airflow_bin()), "db", "migrate"], env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                check=True, timeout=300,
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


# ---- the demo itself ---------------------------------------------------------------------------------


#: The demo runs the same tutorial DAG on either service (``--service``).
DEMO_DAGS = {"node": DEMO_DAG_ID, "iletimerkezi": "ileti_weekly_campaign_iletimerkezi"}


#: Where each service's send requests land in the sandbox journal.
SEND_PATHS = {"node": "/sms/create", "iletimerkezi": "/send-sms"}


def _sent_numbers(sends: list[dict[str, Any]]) -> list[str]:
    """Every recipient number in the send requests the sandbox received, in order, normalised.

    Node's ``/sms/create`` body is JSON (``numbers`` as ``{nr, msg}`` pairs or plain numbers, or one
    ``number``); İleti Merkezi's ``send-sms`` body is XML with ``<number>`` elements.
    """
    import re

    from airflow_provider_ileti.core.phone import normalize_number

    raw: list[str] = []
    for entry in sends:
        body = entry.get("body")
        if isinstance(body, dict):
            items = body.get("numbers") or ([body["number"]] if body.get("number") else [])
            raw.extend(str(i.get("nr") if isinstance(i, dict) else i) for i in items)
        elif isinstance(body, str):
            raw.extend(re.findall(r"<number>\s*([^<\s]+)\s*</number>", body))
    return [normalize_number(n) for n in raw]


def _masked(numbers: list[str], limit: int = 4) -> str:
    from airflow_provider_ileti.core.masking import mask_number

    return ", ".join(mask_number(n) for n in numbers[:limit]) + f" … ({len(numbers)} in all)"


def _print_report(run: DagRun, sandbox: SandboxProcess, service: str) -> None:
    send = run.xcoms.get("send") or {}
    watch = run.xcoms.get("wait_for_delivery") or {}
    refs = [str(r) for r in send.get("references", []) or []]
    admin = sandbox.admin()
    received = admin.requests(service=service)  # every request of the run: sends, status reads, lookups
    sends = admin.requests(service=service, path=SEND_PATHS[service])
    print(f"  sent      : {send.get('recipients', '?')} personalised SMS in {len(refs)} package(s): "
          f"{', '.join(refs)}")
    print(f"  to        : {_masked(_sent_numbers(sends))}")  # what reached the sandbox, not the CSV
    print(f"  delivery  : {watch.get('delivered', '?')} delivered, "
          f"{watch.get('undelivered', '?')} undelivered, {watch.get('pending', '?')} pending (sensor XCom)")
    counts = _sandbox_counts(sandbox, service)
    if counts:
        print("  sandbox   : " + ", ".join(f"{k} {v}" for k, v in counts.items()) + " (admin API)")
    print(f"  requests  : {len(received)} request(s) reached the sandbox, "
          f"{len(sends)} of them send(s); replayed chunks: {send.get('replayed_chunks', '?')}")


def _sandbox_counts(sandbox: SandboxProcess, service: str) -> dict[str, int]:
    """Delivered/undelivered as the sandbox itself counts them (independent of our client's parsing)."""
    state = sandbox.admin().state(service)
    records: list[dict[str, Any]] = []
    for value in state.values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        records.extend(v for v in items if isinstance(v, dict))
    totals: dict[str, int] = {}
    for record in records:
        if isinstance(record.get("statistics"), dict):  # Node keeps its counts one level down
            record = record["statistics"]
        for key in ("delivered", "undelivered", "waiting", "pending"):
            if isinstance(record.get(key), int):
                totals[key] = totals.get(key, 0) + int(record[key])
    return totals


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_ileti.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--service", choices=sorted(DEMO_DAGS), default="node", help="which service's DAG to run"
    )
    args = parser.parse_args(argv)
    dag_id = DEMO_DAGS[args.service]
    home = AirflowHome(DEMO_HOME)
    if DEMO_HOME.exists():
        shutil.rmtree(DEMO_HOME)
    DEMO_HOME.mkdir(parents=True)
    log_path = DEMO_HOME / "demo.log"
    print(f"ileti demo: weekly campaign ({args.service}) on the sandbox (Airflow log: {log_path})")
    sandbox = SandboxProcess(DEMO_HOME / "sandbox", speed=DEMO_SPEED, log_path=DEMO_HOME / "sandbox.log")
    try:
        sandbox.start()
        print(f"  sandbox   : {sandbox.url} ({DEMO_SPEED:.0f}x clock)")
        t0 = time.monotonic()
        home.migrate(log_path)
        print(f"  airflow   : metadata db ready in {time.monotonic() - t0:.1f} s ({DEMO_HOME})")
        run = home.dags_test(
            dag_id, DEMO_DATE, connections=sandbox.env, log_path=log_path,
            env={
                "ILETI_EXAMPLE_POKE_SECONDS": "1",
                "ILETI_EXAMPLE_DEFERRABLE": "true",
                "ILETI_EXAMPLE_VALIDITY_MINUTES": "60",
            },
        )
        print(f"  dags test : {dag_id} {'succeeded' if run.ok else 'FAILED'} in {run.seconds:.1f} s")
        if not run.ok:
            tail = "\n".join(run.output.splitlines()[-15:])
            print(f"\n{tail}\n\nFull log: {log_path}")
            return 1
        _print_report(run, sandbox, args.service)
        return 0
    finally:
        sandbox.stop()
        print("  sandbox stopped")


if __name__ == "__main__":
    sys.exit(main())
