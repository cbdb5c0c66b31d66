"""The generic operators, sensor and trigger on a ``node_sms_default`` connection, against the sandbox.

The headline checks of issue 4: with the sandbox dropping 30% of ``/node/sms/create`` connections *after*
committing, a 20-chunk send retried by its task ends with exactly 20 packages, run after run; a deferrable
watch of 1,000 packages makes one ``/node/sms/list`` request per poll; bad arguments make no request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException, TaskDeferred

from airflow_provider_ileti.core.idempotency import make_custom_id
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context, run_with_retries

CONN = "node_sms_default"
#: A schedule the client accepts: from now on and at most a year ahead (2099 is refused now).
LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(microsecond=0).isoformat()
NUMBERS = [f"0555555{i:04d}" for i in range(3000)]  # last digit 9: undelivered, 8: expired (sandbox outcomes)


def send_op(**kwargs: Any) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    kwargs.setdefault("task_id", "send")
    kwargs.setdefault("conn_id", CONN)
    return SendSmsOperator(**kwargs)


def node_client() -> Any:
    from airflow_provider_ileti.hooks.registry import get_sms_hook

    return get_sms_hook(CONN).get_client()


def create_requests(handle: Any) -> list[dict[str, Any]]:
    return handle.requests(path="/node/sms/create")


def test_send_one_text_in_chunks(ileti_sandbox_env: Any) -> None:
    result = send_op(message="Kampanya", recipients=NUMBERS[:25], chunk_size=10).execute(make_context())
    assert result["service"] == "node" and result["chunks"] == 3 and result["recipients"] == 25
    assert len(set(result["references"])) == 3 and result["replayed_chunks"] == 0
    assert len(create_requests(ileti_sandbox_env)) == 3


def test_personalised_send(ileti_sandbox_env: Any) -> None:
    people = [{"gsm": n, "ad": f"Ayşe {i}"} for i, n in enumerate(NUMBERS[:5])]
    result = send_op(message_template="Merhaba {{ r.ad }}", recipients=people).execute(make_context())
    assert result["recipients"] == 5 and result["chunks"] == 1
    (request,) = create_requests(ileti_sandbox_env)
    assert "Merhaba Ayşe 4" in str(request)


@pytest.fixture(params=["task-retries", "client-retries"])
def node_retries(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Who rides out a lost answer: the task (client ``retries=0``: every drop fails the try and the next
    try resumes) or the client (its own retries, resolving SMS42); backoff without real waiting."""
    from airflow_provider_ileti.clients.node.client import NodeClient

    original = NodeClient.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("sleep", lambda seconds: None)
        if request.param == "task-retries":
            kwargs.setdefault("retries", 0)
        original(self, *args, **kwargs)

    monkeypatch.setattr(NodeClient, "__init__", init)
    return str(request.param)


def test_exactly_20_packages_when_30_percent_of_creates_drop_after_commit(
    ileti_sandbox_env: Any, node_retries: str
) -> None:
    handle = ileti_sandbox_env
    handle.admin.add_fault("/node/sms/create", "drop_after_commit", probability=0.3)
    client = node_client()
    failed_tries = 0
    for repetition in range(20):
        ti = FakeTI(run_id=f"exactly-once-{repetition}")
        task = send_op(
            message="Bir kez", recipients=NUMBERS[repetition * 20 : repetition * 20 + 20], chunk_size=1
        )
        result, errors = run_with_retries(task, tries=30, store=FakeStateStore(), ti=ti)
        assert result is not None, errors
        failed_tries += len(errors)
        assert result["chunks"] == 20 and result["recipients"] == 20
        keys = [make_custom_id(ti.dag_id, ti.task_id, ti.run_id, -1, n) for n in range(20)]
        found = client.find_sent(keys)
        assert sorted(found) == sorted(keys)  # none lost
        assert len({r.reference for r in found.values()}) == 20
        assert sorted(result["references"]) == sorted(r.reference for r in found.values())
    # zero duplicates: the service holds exactly 20 packages per run, 400 in all
    assert sum(1 for _ in client.list_packages()) == 400
    creates = len(create_requests(handle))
    if node_retries == "task-retries":
        # every drop failed a try; the next try found the committed chunk by its key instead of re-sending
        assert failed_tries > 20 and creates == 400
    else:
        # the client re-sent the dropped creates itself; the service answered SMS42 and it resolved them
        assert creates > 400


def test_a_retry_looks_chunks_up_in_one_request(ileti_sandbox_env: Any) -> None:
    ti = FakeTI(run_id="resume")
    task = send_op(message="x", recipients=NUMBERS[:30], chunk_size=10, persist_progress=False)
    first = task.execute(make_context(ti))
    ti.try_number = 2
    again = task.execute(make_context(ti))
    assert again["references"] == first["references"] and again["replayed_chunks"] == 3
    assert len(create_requests(ileti_sandbox_env)) == 3


def test_sensor_poke_counts_one_request_per_call(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    refs = send_op(message="x", recipients=NUMBERS[:20], chunk_size=5).execute(make_context())["references"]
    sensor = SmsDeliverySensor(task_id="watch", conn_id=CONN, references=refs, poke_interval=1)
    before = len(ileti_sandbox_env.requests(path="/node/sms/list"))
    sensor.poke(make_context())  # done or not depends on the sandbox clock; one request either way
    assert len(ileti_sandbox_env.requests(path="/node/sms/list")) == before + 1
    ileti_sandbox_env.admin.clock(advance=3 * 86400)  # past the validity of the numbers that expire
    done = sensor.poke(make_context())
    assert done.is_done and done.xcom_value["packages"] == 4 and done.xcom_value["total"] == 20
    assert done.xcom_value["delivered"] + done.xcom_value["undelivered"] == 20


def _slow_clock_send(sandbox: Any, count: int) -> list[str]:
    """Packages sent on a real-time sandbox clock, so none is final until the test moves the clock."""
    sandbox.admin.clock(speed=1)
    refs = send_op(message="x", recipients=NUMBERS[:count], chunk_size=5).execute(make_context())
    return list(refs["references"])


def test_sensor_execute_in_poke_mode_waits_in_the_worker(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    refs = _slow_clock_send(ileti_sandbox_env, 20)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # the sensor's wait between pokes: the sandbox moves 6 hours
        sleeps.append(seconds)
        ileti_sandbox_env.admin.clock(advance=6 * 3600)

    monkeypatch.setattr("time.sleep", sleep)
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id=CONN, references=refs, mode="poke", poke_interval=5, timeout=3600
    )
    before = len(ileti_sandbox_env.requests(path="/node/sms/list"))
    result = sensor.execute(make_context())
    assert sensor.mode == "poke" and len(sleeps) >= 1
    assert len(ileti_sandbox_env.requests(path="/node/sms/list")) - before == len(sleeps) + 1
    assert result["packages"] == 4 and result["final"] == 4 and result["total"] == 20
    assert result["delivered"] + result["undelivered"] == 20


def test_sensor_execute_in_reschedule_mode_frees_the_worker(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.exceptions import AirflowRescheduleException  # raised by the sensors on 2.11 and 3.x

    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor
    from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS

    if not AIRFLOW_V_3_0_PLUS:  # 2.11 reads the first try's start date from the metadata database
        monkeypatch.setattr("airflow.sensors.base._orig_start_date", lambda **_: None)
    refs = _slow_clock_send(ileti_sandbox_env, 20)
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id=CONN, references=refs, mode="reschedule", poke_interval=60, timeout=3600
    )
    before = len(ileti_sandbox_env.requests(path="/node/sms/list"))
    with pytest.raises(AirflowRescheduleException) as rescheduled:
        sensor.execute(make_context())  # not final yet: give the slot back, come again in 60 s
    assert rescheduled.value.reschedule_date is not None
    assert len(ileti_sandbox_env.requests(path="/node/sms/list")) == before + 1
    ileti_sandbox_env.admin.clock(advance=3 * 86400)
    result = sensor.execute(make_context())  # the rescheduled run: everything final now
    assert result["packages"] == 4 and result["final"] == 4
    assert len(ileti_sandbox_env.requests(path="/node/sms/list")) == before + 2


def test_deferrable_sensor_watching_1000_packages_makes_one_request_per_poll(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor
    from airflow_provider_ileti.triggers import delivery

    ileti_sandbox_env.admin.clock(speed=1)  # nothing is final before the first poll: at least two polls
    result = send_op(message="x", recipients=NUMBERS[:1000], chunk_size=1).execute(make_context())
    refs = result["references"]
    assert len(set(refs)) == 1000
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id=CONN, references=refs, deferrable=True, poke_interval=1, fail_on_failed=False
    )
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(make_context())
    trigger = deferred.value.trigger
    path, kwargs = trigger.serialize()
    trigger = type(trigger)(**kwargs)  # what the triggerer rebuilds

    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def counted_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        ileti_sandbox_env.admin.clock(advance=6 * 3600)
        await real_sleep(0)

    monkeypatch.setattr(delivery.asyncio, "sleep", counted_sleep)
    before = len(ileti_sandbox_env.requests(path="/node/sms/list"))
    event = _run(trigger)
    polls = len(sleeps) + 1
    assert event["status"] == "final" and polls >= 2
    lists = ileti_sandbox_env.requests(path="/node/sms/list")[before:]
    assert len(lists) == polls  # one request per poll
    asked = [_list_ids(r) for r in lists]
    assert all(0 < len(ids) <= 1000 for ids in asked) and len(asked[0]) == 1000
    assert event["summary"]["packages"] == 1000 and event["summary"]["final"] == 1000
    assert sleeps == [1.0] * len(sleeps)


def _list_ids(request: dict[str, Any]) -> list[Any]:
    body = request.get("body") or {}
    ids = body.get("ids") if isinstance(body, dict) else None
    assert isinstance(ids, list), f"/sms/list without ids: {request}"
    return ids


async def _collect(trigger: Any) -> list[dict[str, Any]]:
    return [event.payload async for event in trigger.run()]


def _run(trigger: Any) -> dict[str, Any]:
    (payload,) = asyncio.run(_collect(trigger))
    return payload


def test_cancel_a_scheduled_send_and_on_kill(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.cancel import CancelSmsOperator

    task = send_op(message="x", recipients=NUMBERS[:4], chunk_size=2, send_at=LATER)
    refs = task.execute(make_context())["references"]
    result = CancelSmsOperator(task_id="cancel", conn_id=CONN, references=refs[:1]).execute(make_context())
    assert result["cancelled"] == refs[:1] and result["service"] == "node"
    task.on_kill()
    statuses = node_client().get_statuses(refs)
    assert {s.phase.value for s in statuses} == {"cancelled"}


def test_balance_gate_and_notifier(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.notifications.sms import SmsNotifier
    from airflow_provider_ileti.operators.balance import SmsBalanceGateOperator

    ok = SmsBalanceGateOperator(task_id="gate", conn_id=CONN, planned_recipients=10, planned_message="x")
    assert ok.execute(make_context())["needed_credits"] == 10
    with pytest.raises(AirflowFailException, match="balance too low"):
        SmsBalanceGateOperator(task_id="gate", conn_id=CONN, min_credits=10**12).execute(make_context())
    SmsNotifier(CONN, to=[NUMBERS[0]], message="task failed").notify(make_context(FakeTI(try_number=2)))
    assert len(create_requests(ileti_sandbox_env)) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"recipients": ["0212 555 00 01"]}, "recipients"),
        ({"message": ""}, "message"),
        ({"chunk_size": -1}, "chunk_size"),
        ({"send_at": "yarın"}, "send_at"),
        ({"validity": 0}, "validity"),
        ({"iys_recipient_type": "X", "commercial": True}, "iys_recipient_type"),
        ({"push_url": "javascript:x"}, "push_url"),
    ],
)
def test_bad_arguments_make_no_request(ileti_sandbox_env: Any, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(AirflowFailException, match=field):
        send_op(**{"message": "x", "recipients": NUMBERS[:3], **kwargs}).execute(make_context())
    assert ileti_sandbox_env.requests(service="node") == []
