"""``ileti-sandbox`` in a real process: binds before it prints, reports the real port, fails cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

CLI = [sys.executable, "-m", "airflow_provider_ileti.sandbox.cli"]


def _wait_for_banner(proc: subprocess.Popen[str], timeout: float = 30) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("export AIRFLOW_CONN_WISECP"):  # the last line, sorted
            return lines
    raise AssertionError(f"no banner: {lines}")


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def test_port_0_prints_the_bound_port_and_writes_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "sandbox.env"
    proc = subprocess.Popen(
        [*CLI, "--port", "0", "--speed", "30", "--env-file", str(env_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = _wait_for_banner(proc)
        url = re.search(r"on (http://127\.0\.0\.1:(\d+))", lines[0])
        assert url is not None and url.group(2) != "0"
        # the printed URL is live as soon as it is printed, and the exports point at it
        assert requests.get(f"{url.group(1)}/_admin/clock", timeout=5).json()["speed"] == 30
        exports = [line for line in lines if line.startswith("export AIRFLOW_CONN_")]
        assert exports and all(url.group(1) in line for line in exports)
        assert env_file.read_text(encoding="utf-8").splitlines() == exports
    finally:
        _stop(proc)
    assert proc.returncode == 0


def test_a_busy_port_is_one_line_and_exit_2_with_nothing_printed(tmp_path: Path) -> None:
    env_file = tmp_path / "sandbox.env"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*CLI, "--port", str(port), "--env-file", str(env_file)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    assert done.returncode == 2
    assert done.stdout == ""  # no exports for a sandbox that is not there
    assert not env_file.exists()
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_bad_arguments_are_refused_before_binding() -> None:
    for args, word in ((["--speed", "0"], "--speed=0.0"), (["--port", "70000"], "--port=70000")):
        done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and word in done.stderr and done.stdout == ""
