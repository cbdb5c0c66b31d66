"""Exactly-once holes of issue 4, against the sandbox over real HTTP.

- a kill (``on_kill`` cancels the scheduled packages) then a retry: every number is scheduled again exactly
  once, under new keys on Node (a customID is never reused: SMS42), from the record on İleti Merkezi;
- a worker that dies after an İleti Merkezi order went out, before the progress was saved: the retry sends
  no second order, even after the 10 minutes in which the service itself would refuse a repeat (451).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.idempotency import make_custom_id
from tests.integration.send_spy import patch_send
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

NODE, IM = "node_sms_default", "iletimerkezi_default"
NUMBERS = [f"0555555{i:04d}" for i in range(100)]
#: A schedule the clients accept: from now on and at most a year ahead (2099 is refused now).
LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(microsecond=0).isoformat()
NODE_CANCELLED = -4  # the Node state of a cancelled package


class Killed(BaseException):
    """What the task runner raises after ``on_kill`` (SIGTERM): not an ``Exception``."""


def send_op(**kwargs: Any) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    kwargs.setdefault("task_id", "send")
    return SendSmsOperator(**kwargs)


def kill_on_send(monkeypatch: pytest.MonkeyPatch, client_class: type, task: Any, call: int) -> None:
    """The ``call``-th send commits at the service, then the task is killed before the answer is kept."""
    calls = {"n": 0}

    def send(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        receipt = original(self, *args, **kwargs)
        if calls["n"] == call:
            task.on_kill()
            raise Killed
        return receipt

    patch_send(monkeypatch, client_class, send)


def live_node_packages(sandbox: Any) -> list[dict[str, Any]]:
    return [p for p in sandbox.admin.state("node")["packages"] if p["state"] != NODE_CANCELLED]


def scheduled_numbers(sandbox: Any, live_ids: set[int]) -> list[str]:
    """Every number in the create requests of the packages that are still scheduled."""
    numbers: list[str] = []
    by_key = {p["customID"]: p["id"] for p in sandbox.admin.state("node")["packages"]}
    for request in sandbox.requests(path="/node/sms/create"):
        body = request["body"]
        if by_key.get(body.get("customID")) in live_ids:
            numbers.extend(str(n) for n in body["numbers"])
    return numbers


@pytest.mark.parametrize("persist", [True, False], ids=["progress-record", "lookups-only"])
def test_node_kill_then_retry_schedules_every_number_again_exactly_once(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch, persist: bool
) -> None:
    from airflow_provider_ileti.clients.node.client import NodeClient

    sandbox = ileti_sandbox_env
    task = send_op(conn_id=NODE, message="x", recipients=NUMBERS[:50], chunk_size=10, send_at=LATER,
                   persist_progress=persist)  # fmt: skip
    kill_on_send(monkeypatch, NodeClient, task, call=3)
    store, ti = FakeStateStore(), FakeTI(run_id="kill-then-retry")
    with pytest.raises(Killed):
        task.execute(make_context(ti, store))
    assert len(live_node_packages(sandbox)) == 0  # on_kill cancelled all three, the in-flight one by its key
    monkeypatch.undo()
    ti.try_number = 2
    result = task.execute(make_context(ti, store))
    live = live_node_packages(sandbox)
    assert result["chunks"] == 5 and result["recipients"] == 50
    assert sorted(int(r) for r in result["references"]) == sorted(p["id"] for p in live)
    base = (ti.dag_id, ti.task_id, ti.run_id, -1)
    assert {p["customID"] for p in live} == {make_custom_id(*base, n, "g1") for n in range(3)} | {
        make_custom_id(*base, n) for n in (3, 4)
    }
    numbers = scheduled_numbers(sandbox, {p["id"] for p in live})
    assert len(numbers) == 50 and len(set(numbers)) == 50  # each number scheduled once, none lost
    assert len(sandbox.requests(path="/node/sms/create")) == 8  # 3 + 3 again + 2
    ti.try_number = 3  # one more try sends nothing
    task.execute(make_context(ti, store))
    assert len(sandbox.requests(path="/node/sms/create")) == 8


def test_node_kill_after_a_completed_send_then_retry(ileti_sandbox_env: Any) -> None:
    sandbox = ileti_sandbox_env
    store, ti = FakeStateStore(), FakeTI(run_id="kill-after-send")
    task = send_op(conn_id=NODE, message="x", recipients=NUMBERS[:20], chunk_size=10, send_at=LATER)
    first = task.execute(make_context(ti, store))
    task.on_kill()
    assert live_node_packages(sandbox) == []
    ti.try_number = 2
    again = task.execute(make_context(ti, store))
    live = live_node_packages(sandbox)
    assert sorted(int(r) for r in again["references"]) == sorted(p["id"] for p in live)
    assert len(live) == 2 and not set(again["references"]) & set(first["references"])
    assert len(set(scheduled_numbers(sandbox, {p["id"] for p in live}))) == 20


def test_iletimerkezi_kill_then_retry_schedules_the_cancelled_orders_again_once(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient

    sandbox = ileti_sandbox_env
    task = send_op(conn_id=IM, message="Kampanya", recipients=NUMBERS[:30], chunk_size=10, send_at=LATER,
                   sender="APITEST")  # fmt: skip
    kill_on_send(monkeypatch, IletiMerkeziClient, task, call=2)
    store, ti = FakeStateStore(), FakeTI(run_id="im-kill")
    with pytest.raises(Killed):
        task.execute(make_context(ti, store))
    monkeypatch.undo()
    orders = sandbox.admin.state("iletimerkezi")["orders"]
    assert len(orders) == 2 and orders[0]["cancelled"] and not orders[1]["cancelled"]
    # the second order was committed but its answer never kept: it is in flight, so the retry must decide
    ti.try_number = 2
    with pytest.raises(AirflowFailException, match="chunk 1"):
        task.execute(make_context(ti, store))
    assert len(sandbox.admin.state("iletimerkezi")["orders"]) == 2
    task.on_ambiguous = "skip"  # a person checked the panel: order 2 exists (and is still scheduled)
    # the re-sent order repeats the cancelled one: within 10 minutes the service would refuse it (451)
    sandbox.admin.clock(advance=11 * 60)
    ti.try_number = 3
    result = task.execute(make_context(ti, store))
    orders = sandbox.admin.state("iletimerkezi")["orders"]
    live = [o for o in orders if not o["cancelled"]]
    assert len(orders) == 4 and len(live) == 3  # chunk 0 again (new order), chunk 1 as it was, chunk 2
    assert result["chunks"] == 3 and len(result["references"]) == 2  # chunk 1's order id never came back


def test_iletimerkezi_worker_dies_after_the_order_went_out_no_second_order(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient

    sandbox = ileti_sandbox_env
    calls = {"n": 0}

    def send_then_die(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        receipt = original(self, *args, **kwargs)
        if calls["n"] == 2:
            raise SystemExit(1)  # the order is at the service; the process ends before progress is saved
        return receipt

    patch_send(monkeypatch, IletiMerkeziClient, send_then_die)
    store, ti = FakeStateStore(), FakeTI(run_id="im-dies")
    task = send_op(conn_id=IM, message="Duyuru", recipients=NUMBERS[:30], chunk_size=10, sender="APITEST")
    with pytest.raises(SystemExit):
        task.execute(make_context(ti, store))
    monkeypatch.undo()
    assert len(sandbox.admin.state("iletimerkezi")["orders"]) == 2
    sandbox.admin.clock(advance=11 * 60)  # past the 10 minutes in which the service refuses a repeat (451)
    ti.try_number = 2
    with pytest.raises(AirflowFailException) as failure:
        task.execute(make_context(ti, store))
    message = str(failure.value)
    assert "chunk 1" in message and "may have gone out" in message
    assert "90555***0010" in message and "905555550010" not in message
    assert len(sandbox.admin.state("iletimerkezi")["orders"]) == 2  # no second order
    task.on_ambiguous = "skip"
    ti.try_number = 3
    result = task.execute(make_context(ti, store))
    assert len(sandbox.admin.state("iletimerkezi")["orders"]) == 3 and result["chunks"] == 3


def test_node_only_validity_is_refused_before_chunk_0(ileti_sandbox_env: Any) -> None:
    task = send_op(conn_id=NODE, message="x", recipients=NUMBERS[:30], chunk_size=10, validity=30)
    with pytest.raises(AirflowFailException, match="validity"):
        task.execute(make_context())
    assert ileti_sandbox_env.requests(service="node") == []


def test_iletimerkezi_foreign_number_in_a_late_chunk_fails_before_chunk_0(ileti_sandbox_env: Any) -> None:
    """İleti Merkezi refuses foreign numbers; its validate_send runs for every chunk first."""
    recipients = NUMBERS[:45] + ["+49 1512 3456789"]
    task = send_op(conn_id=IM, message="x", recipients=recipients, chunk_size=10, sender="APITEST")
    with pytest.raises(AirflowFailException, match="chunk 4"):
        task.execute(make_context())
    assert ileti_sandbox_env.admin.state("iletimerkezi")["orders"] == []


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_node_validate_send_matches_send_with_no_request(ileti_sandbox_env: Any, protocol: str) -> None:
    """The Node client's validate_send (called for every chunk in the operators' first pass) refuses what
    its send refuses (here a sender title over 11 characters, a validity under 60) and makes no request."""
    from airflow_provider_ileti.core.errors import ValidationError
    from airflow_provider_ileti.core.models import SendBatch, SmsMessage
    from airflow_provider_ileti.hooks.node import NodeSmsHook

    conn_id = NODE if protocol == "rest" else "node_sms_soap"
    client = NodeSmsHook(conn_id).get_client()
    good = SendBatch(messages=(SmsMessage("Merhaba", (NUMBERS[0], NUMBERS[1])),), sender="SANDBOX")
    client.validate_send(good)
    with pytest.raises(ValidationError, match="sender"):
        client.validate_send(SendBatch(messages=good.messages, sender="A-VERY-LONG-TITLE"))
    with pytest.raises(ValidationError, match="validity"):
        client.validate_send(SendBatch(messages=good.messages, sender="SANDBOX", validity_minutes=30))
    assert ileti_sandbox_env.requests(service="node") == []
    assert client.send(good).reference  # and what it accepted does go out
