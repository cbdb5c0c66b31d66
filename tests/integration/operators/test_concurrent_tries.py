"""Two tries at once send nothing twice (issue 13, "two tries at once").

"In flight" was not a lock: three processes with one run id on İleti Merkezi each sent the same chunk
(only the service's 10-minute repeat rule stopped some). Now each try claims the send on the shared
progress record (``exactly_once/claim.py``) and only one goes on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_ileti.exactly_once import claim as send_claim
from tests.integration.operators.journal import sends
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]

NUMBERS = [f"0555555{i:04d}" for i in range(10)]
#: connection id, service, the path of its send requests
SERVICES = [
    ("iletimerkezi_default", "iletimerkezi", "send-sms"),
    ("wisecp_default", "wisecp", "submit"),
    ("node_sms_default", "node", "/sms/create"),
]


def _task(conn_id: str) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    return SendSmsOperator(
        task_id="send", conn_id=conn_id, message="Merhaba", recipients=NUMBERS, chunk_size=5
    )


@pytest.mark.parametrize(("conn_id", "service", "path"), SERVICES, ids=[s for _, s, _ in SERVICES])
def test_three_processes_running_one_try_send_each_chunk_once(
    ileti_sandbox_env: Any, tmp_path: Path, conn_id: str, service: str, path: str
) -> None:
    store_path, numbers_path = tmp_path / "state.json", tmp_path / "numbers.json"
    numbers_path.write_text(json.dumps(NUMBERS))
    command = [sys.executable, "-m", "tests.integration.operators.send_worker", conn_id, "at-once", "1",
               str(store_path), str(numbers_path)]  # fmt: skip
    workers = [
        subprocess.Popen(
            command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(3)
    ]
    outputs = [worker.communicate(timeout=120)[0].decode() for worker in workers]
    # Each copy either sent, found the send complete (it started after the winner had finished: on a busy
    # machine the three start seconds apart) or was refused by a live claim; never a second send.
    assert any(worker.returncode == 0 for worker in workers), outputs
    refused = [out for worker, out in zip(workers, outputs, strict=True) if worker.returncode != 0]
    assert all("another try of this send" in out for out in refused), refused
    sent = sends(ileti_sandbox_env, path, service)
    assert len(sent) == 2, "two chunks, each sent once"
    assert all(r["status"] == 200 for r in sent)


def test_a_live_claim_refuses_a_second_try_and_a_stale_one_lets_it_go_on(ileti_sandbox_env: Any) -> None:
    store = FakeStateStore()
    now = time.time()
    # another copy of try 2 (airflow tasks test beside the scheduled run) wrote 5 s ago
    claim = {"owner": "worker-1:4242:try2:abcd", "owner_seen": now - 5, "owner_try": 2}
    store.set("ileti_send_progress", claim)
    with pytest.raises(AirflowException, match=r"worker-1:4242:try2:abcd, seen \d+ s ago\) is sending"):
        _task("iletimerkezi_default").execute(make_context(FakeTI(run_id="stale", try_number=2), store))
    assert sends(ileti_sandbox_env, "send-sms", "iletimerkezi") == []

    # that copy was killed: its claim ends with its lease, and the next copy of try 2 sends
    store.data["ileti_send_progress"]["owner_seen"] = now - send_claim.LEASE_SECONDS - 1
    result = _task("iletimerkezi_default").execute(make_context(FakeTI(run_id="stale", try_number=2), store))
    assert result["recipients"] == 10 and len(sends(ileti_sandbox_env, "send-sms", "iletimerkezi")) == 2
    assert store.data["ileti_send_progress"]["owner"] is None, "a try that ends releases its claim"
