"""A whole local Airflow on loopback, with the sandbox, its connections in the metadata database and the
example DAGs: what ``ileti-sandbox airflow`` (``make airflow``) starts for a person to click through, and
what the browser tests drive.

``airflow standalone`` runs every component (Airflow 3: api-server, scheduler, dag-processor, triggerer;
Airflow 2.11: webserver, scheduler, triggerer) in one process group. The settings that matter, each set
here through the environment and listed in ``AIRFLOW_SETTINGS``:

- ``[core] test_connection = Enabled`` — the connection form's Test button is off by default since 2.7;
- the web server binds to 127.0.0.1 only, and every visitor is an admin (Airflow 3's simple auth manager
  with ``simple_auth_manager_all_admins``; Airflow 2.11's FAB with ``AUTH_ROLE_PUBLIC = "Admin"``): right for
  a throw-away Airflow on loopback, wrong anywhere else;
- the example DAGs' sandbox knobs (``ILETI_EXAMPLE_*``): short polls, so a send is final in seconds.

Connections go into the database (``airflow connections import``), not into ``AIRFLOW_CONN_*`` variables,
so they show in the Connections list and can be edited and tested there.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airflow_provider_ileti.sandbox.dag_test import REPO, AirflowHome, airflow_bin

#: What the local Airflow sets beyond ``AirflowHome``'s defaults (the README lists these).
AIRFLOW_SETTINGS = {
    "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
    "AIRFLOW__API__HOST": "127.0.0.1",
    "AIRFLOW__WEBSERVER__WEB_SERVER_HOST": "127.0.0.1",
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
    # new DAGs run as soon as they are triggered; none is scheduled behind the person's back
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
    "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    # a few task processes, not the default 32: two cores and the example DAGs are enough for a person
    "AIRFLOW__CORE__PARALLELISM": "4",
    "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
}
#: How long a component waits for the SQLite file's lock before its request fails ("Database error").
SQLITE_LOCK_WAIT_SECONDS = 60
#: The example DAGs' knobs for a sandbox whose clock runs fast (see ``dags_examples/``).
EXAMPLE_SETTINGS = {
    "ILETI_EXAMPLE_POKE_SECONDS": "5",
    "ILETI_EXAMPLE_VALIDITY_MINUTES": "60",
}
#: Airflow 2.11's FAB reads this file: every visitor is an admin (loopback only).
_WEBSERVER_CONFIG = 'AUTH_ROLE_PUBLIC = "Admin"\nWTF_CSRF_ENABLED = True\n'


def connections_from_env(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The sandbox's ``AIRFLOW_CONN_*`` values (JSON) as ``airflow connections import`` wants them."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in sorted(env.items()):
        if name.startswith("AIRFLOW_CONN_"):
            fields = json.loads(value)
            fields["description"] = "the ileti sandbox on loopback (fixed test credentials)"
            out[name[len("AIRFLOW_CONN_") :].lower()] = fields
    return out


@dataclass
class LocalAirflow:
    """``airflow standalone`` in a throw-away ``AIRFLOW_HOME`` with the sandbox's connections in its db."""

    home: AirflowHome
    port: int
    sandbox_env: dict[str, str]
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    _proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def airflow3(self) -> bool:
        import airflow

        return int(airflow.__version__.split(".")[0]) >= 3

    def env(self) -> dict[str, str]:
        env = self.home.env()  # no AIRFLOW_CONN_*: the connections live in the database
        env.update(AIRFLOW_SETTINGS)
        env.update(EXAMPLE_SETTINGS)
        env["AIRFLOW__API__PORT"] = str(self.port)
        env["AIRFLOW__WEBSERVER__WEB_SERVER_PORT"] = str(self.port)
        env["AIRFLOW__API__BASE_URL"] = self.url
        # every component writes to one SQLite file: wait for its lock (default 5 s), do not fail a request
        db = self.home.path / "airflow.db"
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{db}?timeout={SQLITE_LOCK_WAIT_SECONDS}"
        env.update({k: v for k, v in self.sandbox_env.items() if not k.startswith("AIRFLOW_CONN_")})
        env.update(self.extra_env)
        # standalone starts each component as ``airflow ...`` from PATH: ours, not another install's
        env["PATH"] = f"{airflow_bin().parent}{os.pathsep}{env.get('PATH', '')}"
        return env

    def prepare(self) -> None:
        """Migrate the database and put the sandbox's connections in it (replacing same-named ones)."""
        self.home.path.mkdir(parents=True, exist_ok=True)
        (self.home.path / "webserver_config.py").write_text(_WEBSERVER_CONFIG, encoding="utf-8")
        self._airflow("db", "migrate")
        connections = connections_from_env(self.sandbox_env)
        # the OTP example derives its codes from this key (dags_examples/otp.py); a new one every start
        connections["ileti_otp_key"] = {
            "conn_type": "generic",
            "password": secrets.token_urlsafe(32),
            "description": "the OTP example's code key (random, made by make airflow)",
        }
        path = self.home.path / "sandbox-connections.json"
        path.write_text(json.dumps(connections, indent=2), encoding="utf-8")
        try:
            self._airflow("connections", "import", "--overwrite", str(path))
        finally:
            path.unlink()  # it holds the sandbox's (test) credentials; the database has them now

    def start(self, timeout: float = 240.0) -> LocalAirflow:
        self.prepare()
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it for its lifetime
        self._proc = subprocess.Popen(
            [str(airflow_bin()), "standalone"],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one group: stop() ends every component
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                raise RuntimeError(f"airflow standalone exited with {code}; see {self.log_path}")
            if self._healthy():
                return self
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"Airflow did not answer on {self.url} in {timeout:.0f} s; see {self.log_path}")

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _healthy(self) -> bool:
        import requests

        path = "/api/v2/monitor/health" if self.airflow3 else "/health"
        try:
            answer = requests.get(self.url + path, timeout=2)
        except requests.RequestException:
            return False
        if not answer.ok:
            return False
        state = answer.json().get("scheduler", {}).get("status")
        return bool(state == "healthy")

    def _airflow(self, *args: str) -> None:
        with open(self.log_path, "ab") as log:
            subprocess.run(
                [str(airflow_bin()), *args],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=300,
            )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def __enter__(self) -> LocalAirflow:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


#: Where ``make airflow`` keeps its Airflow (database, logs, reports); recreated on every start.
LOCAL_HOME = REPO / ".airflow-local"
#: The sandbox's clock in the local Airflow: a number that never answers is final 2 virtual hours after
#: the send (validity 60 min + 60 min) = 2 real minutes, and a day passes in 24 minutes.
LOCAL_SPEED = 60.0


def main(argv: list[str] | None = None) -> int:
    """``make airflow``: the sandbox and a whole Airflow on loopback, until Ctrl-C."""
    import argparse
    import shutil

    from airflow_provider_ileti.sandbox.process import SandboxProcess

    parser = argparse.ArgumentParser(prog="make airflow", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8080, help="Airflow's port on 127.0.0.1 (default 8080)")
    parser.add_argument("--speed", type=float, default=LOCAL_SPEED, help="the sandbox clock's speed")
    parser.add_argument("--home", type=Path, default=LOCAL_HOME, help="AIRFLOW_HOME (recreated)")
    args = parser.parse_args(argv)
    shutil.rmtree(args.home, ignore_errors=True)
    args.home.mkdir(parents=True)
    print(f"Starting the sandbox and Airflow in {args.home} (about two minutes) ...", flush=True)
    with SandboxProcess(args.home / "sandbox", speed=args.speed) as sandbox:
        airflow = LocalAirflow(AirflowHome(args.home), args.port, sandbox.env, args.home / "airflow.log")
        with airflow:
            print(
                f"\nAirflow: {airflow.url}  (every visitor is an admin: loopback only)\n"
                f"Sandbox: {sandbox.url}  (admin API {sandbox.url}/_admin, clock {args.speed:g}x)\n"
                f"Connections (Admin -> Connections): {', '.join(connections_from_env(sandbox.env))}\n"
                f"Airflow's log: {airflow.log_path}\nCtrl-C stops both.",
                flush=True,
            )
            try:
                while airflow.running:
                    time.sleep(1)
            except KeyboardInterrupt:
                print("\nStopping ...", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
