"""The sandbox in its own process for a benchmark: only the client's work is in the benchmark's process.

``python -m airflow_provider_ileti.sandbox.cli --port 0`` binds a free loopback port and prints its URL
before serving, so there is no port race; the benchmark reads the URL from that first line and keeps
draining the rest of its output so a full pipe never blocks it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading

HOST = "127.0.0.1"


class SandboxProcess:
    """``with SandboxProcess(speed=...) as sandbox: sandbox.url``; stopped (and waited for) on exit."""

    def __init__(self, *, speed: float = 60.0, journal_size: int = 1000) -> None:
        self.speed = speed
        self.journal_size = journal_size
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> SandboxProcess:
        cmd = [sys.executable, "-m", "airflow_provider_ileti.sandbox.cli", "--host", HOST, "--port", "0"]
        cmd += ["--speed", str(self.speed), "--journal-size", str(self.journal_size)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._proc = proc
        assert proc.stdout is not None
        found = re.search(r"on (http://\S+) ", proc.stdout.readline())
        if found is None:
            self.__exit__()
            raise RuntimeError("the sandbox did not start")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        self.url = found.group(1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)
            self._proc = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid
