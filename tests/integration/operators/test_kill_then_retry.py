"""kill -9 in the middle of a send, then Airflow's retry: every number gets the SMS once (issue 13).

The first try runs in a process of its own and is killed with SIGKILL while the service holds one of its
requests (a ``delay`` fault), so the request in flight may or may not have gone out. The retry runs with
the same progress record. Node looks its chunks up by client id and goes on; a service without client ids
stops at the chunk that was in flight (it may have gone out) until a person decides, as the operator's
message says: the test checks the sandbox like a person checks the panel, then runs the next try with
``on_ambiguous`` set accordingly. Counted at the sandbox: duplicates 0, lost 0.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from tests.integration.operators.journal import sends
from tests.integration.operators.send_worker import FileStateStore, send_task
from tests.unit.operators.support import FakeTI, make_context

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
NUMBERS = [f"0555555{i:04d}" for i in range(40)]  # 8 chunks of 5
#: connection id, full path of its send requests, how to read the numbers of one send request
SERVICES = [
    ("node_sms_default", "/node/sms/create"),
    ("iletimerkezi_default", "/iletimerkezi/v1/send-sms"),
    ("wisecp_default", "/wisecp/api/sms/submit"),
]


def _numbers_of(body: Any) -> list[str]:
    if isinstance(body, dict):
        numbers = body.get("numbers") or [body.get("number")]
        return [str(n["nr"] if isinstance(n, dict) else n)[-10:] for n in numbers if n]
    return [n[-10:] for n in re.findall(r"<number>\+?(\d+)</number>", str(body))]


def _wait_for(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize(("conn_id", "path"), SERVICES, ids=[c for c, _ in SERVICES])
def test_kill_9_mid_send_then_retry_sends_every_number_once(
    ileti_sandbox_env: Any, tmp_path: Path, conn_id: str, path: str
) -> None:
    sandbox = ileti_sandbox_env
    store_path, numbers_path = tmp_path / "state.json", tmp_path / "numbers.json"
    numbers_path.write_text(json.dumps(NUMBERS))
    sandbox.admin.add_fault(path, "delay", delay=1.5)  # each send is held: the kill lands on one in flight
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.operators.send_worker", conn_id, "killed", "1",
         str(store_path), str(numbers_path)],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(lambda: len(sends(sandbox, path)) >= 3)  # the third chunk's request is held
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    sandbox.admin.clear_faults()
    _wait_for(lambda: all(r["status"] is not None for r in sends(sandbox, path)))  # held request settled
    assert worker.returncode == -signal.SIGKILL

    store, ti = FileStateStore(store_path), FakeTI(run_id="killed", try_number=2)
    try:
        send_task(conn_id, NUMBERS).execute(make_context(ti, store))  # type: ignore[arg-type]
    except AirflowFailException as exc:  # no client ids: the chunk in flight may have gone out
        assert "may have gone out" in str(exc) or "ambiguous" in str(exc)
        third = sends(sandbox, path)[2]
        decision = "skip" if third["status"] == 200 else "resend"  # what a person reads in the panel
        ti.try_number = 3
        task = send_task(conn_id, NUMBERS, on_ambiguous=decision)
        task.execute(make_context(ti, store))  # type: ignore[arg-type]
    received = Counter(n for r in sends(sandbox, path) if r["status"] == 200 for n in _numbers_of(r["body"]))
    expected = {n[-10:] for n in NUMBERS}
    assert {n for n, c in received.items() if c > 1} == set(), "duplicates"
    assert expected - set(received) == set(), "lost"
    assert set(received) == expected
