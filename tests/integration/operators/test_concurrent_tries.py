"""Two tries at once send nothing twice (issue 13, "two tries at once").

"In flight" was not a lock: three processes with one run id on İleti Merkezi each sent the same chunk
(only the service's 10-minute repeat rule stopped some). Now each try claims the send on the shared
progress record (``operators/send_claim.py``) and only one goes on.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_ileti.operators import send_claim
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

pytestmark = pytest.mark.integration

NUMBERS = [f"0555555{i:04d}" for i in range(10)]
#: connection id, service, the path of its send requests
SERVICES = [
    ("iletimerkezi_default", "iletimerkezi", "send-sms"),
    ("wisecp_default", "wisecp", "submit"),
    ("node_sms_default", "node", "/sms/create"),
]


def _sends(sandbox: Any, service: str, path: str) -> list[Any]:
    return [r for r in sandbox.requests(service=service) if str(r["path"]).rstrip("/").endswith(path)]


def _task(conn_id: str) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    return SendSmsOperator(
        task_id="send", conn_id=conn_id, message="Merhaba", recipients=NUMBERS, chunk_size=5
    )


@pytest.mark.parametrize(("conn_id", "service", "path"), SERVICES, ids=[s for _, s, _ in SERVICES])
def test_three_tries_at_once_send_each_chunk_once(
    ileti_sandbox_env: Any, conn_id: str, service: str, path: str
) -> None:
    store = FakeStateStore()  # one task instance: every copy reads and writes the same record
    start = threading.Barrier(3)
    outcomes: list[Any] = []

    def run() -> None:
        task = _task(conn_id)
        start.wait()
        try:
            outcomes.append(task.execute(make_context(FakeTI(run_id="at-once"), store)))
        except AirflowException as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    results = [o for o in outcomes if isinstance(o, dict)]
    refused = [str(o) for o in outcomes if not isinstance(o, dict)]
    assert len(results) == 1 and results[0]["recipients"] == 10
    assert len(refused) == 2 and all("another try of this task instance" in m for m in refused)
    sent = _sends(ileti_sandbox_env, service, path)
    assert len(sent) == 2, "two chunks, each sent once"
    assert all(r["status"] == 200 for r in sent)


def test_a_live_claim_refuses_a_second_try_and_a_stale_one_lets_it_go_on(ileti_sandbox_env: Any) -> None:
    store = FakeStateStore()
    now = time.time()
    store.set("ileti_send_progress", {"owner": "worker-1:4242:try1:abcd", "owner_seen": now - 5})
    with pytest.raises(AirflowException, match=r"worker-1:4242:try1:abcd, seen \d+ s ago\) is sending"):
        _task("iletimerkezi_default").execute(make_context(FakeTI(run_id="stale", try_number=2), store))
    assert _sends(ileti_sandbox_env, "iletimerkezi", "send-sms") == []

    # the worker was killed: its claim ends with its lease, and the next try sends
    store.data["ileti_send_progress"]["owner_seen"] = now - send_claim.LEASE_SECONDS - 1
    result = _task("iletimerkezi_default").execute(make_context(FakeTI(run_id="stale", try_number=3), store))
    assert result["recipients"] == 10 and len(_sends(ileti_sandbox_env, "iletimerkezi", "send-sms")) == 2
    assert store.data["ileti_send_progress"]["owner"] is None, "a try that ends releases its claim"
