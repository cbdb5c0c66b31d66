"""The installed ``ileti-connect`` command in a real process: ``--no-browser --print`` on a headless host."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient


def test_headless_connect_prints_only_the_env_value(api_url: str, tmp_path: Path) -> None:
    exe = shutil.which("ileti-connect", path=str(Path(sys.executable).parent)) or ""
    command = [exe] if exe else [sys.executable, "-m", "airflow_provider_ileti.connect.cli"]
    proc = subprocess.Popen(
        [
            *command,
            "iletiniz",
            "--conn-id",
            "iz_cli",
            "--auth-url",
            api_url,
            "--api-url",
            api_url,
            "--no-browser",
            "--print",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AIRFLOW_HOME": str(tmp_path)},
    )
    assert proc.stderr is not None and proc.stdin is not None
    url = ""
    for line in proc.stderr:
        if line.strip().startswith("http"):
            url = line.strip()
        if line.startswith("Then paste"):
            break
    assert "/connect/authorize?" in url
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    out, err = proc.communicate(location + "\n", timeout=60)
    assert proc.returncode == 0, err
    lines = out.strip().splitlines()
    name, _, value = lines[-1].partition("=")
    fields: dict[str, Any] = json.loads(shlex.split(value)[0])
    assert name == "AIRFLOW_CONN_IZ_CLI" and fields["password"] not in err
    assert sum(fields["password"] in line for line in lines) == 1
    assert IletinizClient(fields["host"], fields["password"]).get_balance().credits == 100000
