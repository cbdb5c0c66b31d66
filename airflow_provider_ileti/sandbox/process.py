"""``ileti-sandbox`` in a process of its own, for DAG tests and the demo (``SandboxProcess``).

A separate process (not a thread of the test process) keeps the sandbox alive and responsive while a
blocking ``airflow dags test`` runs, and mirrors what a user does by hand. It writes the ``AIRFLOW_CONN_*``
variables of its connections to an env file, read back into ``SandboxProcess.env``.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

#: Virtual seconds per real second: an hour of the sandbox passes in a real second, so even the numbers
#: that never answer are final (validity + 60 min) within seconds.
DEFAULT_SPEED = 3600.0


class SandboxProcess:
    """``ileti-sandbox`` in a separate process, so Airflow's subprocesses and our checks talk to it over HTTP.

    A separate process (not a thread of the test process) keeps the sandbox alive and responsive while a
    blocking ``airflow dags test`` runs, and mirrors what a user does by hand.
    """

    def __init__(self, workdir: Path, *, speed: float = DEFAULT_SPEED, log_path: Path | None = None) -> None:
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
            sys.executable,
            "-m",
            "airflow_provider_ileti.sandbox.cli",
            "--port",
            str(port),
            "--speed",
            str(self.speed),
            "--env-file",
            str(self.env_file),
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
        name, _, value = line[len("export ") :].partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    return env
