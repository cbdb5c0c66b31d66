"""SmsDeliverySensor (poke, reschedule, deferrable), SmsDeliveryTrigger (serialize, run), policy."""

from __future__ import annotations

import asyncio

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException, TaskDeferred

from airflow_provider_ileti.core.errors import AuthenticationError, TransientError
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.delivery.policy import DeliveryPolicy
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor
from airflow_provider_ileti.triggers.delivery import SmsDeliveryTrigger
from tests.unit.operators.support import NUMBERS, FakeAsyncClient, FakeSmsClient, make_context


def make_packages(client: FakeSmsClient, count: int, size: int = 2) -> list[str]:
    refs = []
    for i in range(count):
        numbers = tuple(NUMBERS[(i * size + j) % len(NUMBERS)] for j in range(size))
        refs.append(
            client.send(SendBatch(messages=(SmsMessage("x", numbers),), idempotency_key=f"k{i}")).reference
        )
    client.calls.clear()
    return refs


def sensor(**kwargs) -> SmsDeliverySensor:
    kwargs.setdefault("task_id", "watch")
    kwargs.setdefault("conn_id", "node_sms_default")
    kwargs.setdefault("poke_interval", 1)
    return SmsDeliverySensor(**kwargs)


def test_poke_is_one_request_for_many_packages(fake_client: FakeSmsClient) -> None:
    refs = make_packages(fake_client, 1000)
    task = sensor(references=refs)
    assert task.poke(make_context()).is_done is False
    assert [c[0] for c in fake_client.calls] == ["get_statuses"]
    fake_client.complete_all()
    done = task.poke(make_context())
    assert done.is_done and done.xcom_value["packages"] == 1000 and done.xcom_value["delivered"] == 1000


def test_requests_follow_the_service_status_batch(fake_client: FakeSmsClient) -> None:
    fake_client.max_status_batch = 300
    refs = make_packages(fake_client, 1000)
    sensor(references=refs).poke(make_context())
    assert [len(c[1]) for c in fake_client.calls] == [300, 300, 300, 100]


def test_poke_mode_runs_to_success(fake_client: FakeSmsClient, monkeypatch) -> None:
    refs = make_packages(fake_client, 3)
    monkeypatch.setattr("time.sleep", lambda s: fake_client.complete_all())
    result = sensor(references=refs, mode="poke").execute(make_context())
    assert result["packages"] == 3 and result["final"] == 3


def test_reschedule_mode_asks_to_be_rescheduled(fake_client: FakeSmsClient, monkeypatch) -> None:
    try:
        from airflow.sdk.exceptions import AirflowRescheduleException
    except ImportError:  # Airflow 2
        from airflow.exceptions import AirflowRescheduleException  # type: ignore[no-redef]

    import airflow.sensors.base as legacy_sensor_base  # Airflow 2 reads the first try's start from the DB

    if hasattr(legacy_sensor_base, "_orig_start_date"):
        monkeypatch.setattr(legacy_sensor_base, "_orig_start_date", lambda **_: None)
    refs = make_packages(fake_client, 3)
    task = sensor(references=refs, mode="reschedule")
    ctx = make_context()
    with pytest.raises(AirflowRescheduleException):
        task.execute(ctx)
    fake_client.complete_all()
    assert task.execute(ctx)["final"] == 3


def test_failed_package_fails_at_once(fake_client: FakeSmsClient) -> None:
    refs = make_packages(fake_client, 3)
    fake_client.phases[refs[1]] = DeliveryPhase.FAILED
    with pytest.raises(AirflowFailException, match=refs[1]):
        sensor(references=refs).poke(make_context())
    assert sensor(references=refs, fail_on_failed=False).poke(make_context()).is_done is False


def test_min_delivered_ratio(fake_client: FakeSmsClient) -> None:
    refs = make_packages(fake_client, 2, size=4)  # 3 of 4 delivered in each
    fake_client.complete_all()
    assert sensor(references=refs, min_delivered_ratio=0.75).poke(make_context()).is_done
    with pytest.raises(AirflowFailException, match="below"):
        sensor(references=refs, min_delivered_ratio=0.8).poke(make_context())


def test_references_from_a_rendered_xcom(fake_client: FakeSmsClient) -> None:
    refs = make_packages(fake_client, 2)
    fake_client.complete_all()
    assert sensor(references=str(refs)).poke(make_context()).xcom_value["packages"] == 2
    assert sensor(references=refs[0]).poke(make_context()).xcom_value["packages"] == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"references": []}, "references"),
        ({"references": ["1", " "]}, "references"),
        ({"references": None}, "references"),
        ({"conn_id": ""}, "conn_id"),
    ],
)
def test_bad_arguments_fail_before_any_request(fake_client: FakeSmsClient, kwargs, field) -> None:
    args = {"references": ["1"], **kwargs}
    with pytest.raises(AirflowFailException, match=field):
        sensor(**args).execute(make_context())
    assert fake_client.calls == [] and fake_client.hook.created == 0


@pytest.mark.parametrize("ratio", [-0.1, 1.01, "half", True])
def test_bad_ratio_is_refused_at_parse_time(ratio) -> None:
    with pytest.raises(ValueError, match="min_delivered_ratio"):
        sensor(references=["1"], min_delivered_ratio=ratio)


def test_deferrable_defers_with_a_plain_trigger(fake_client: FakeSmsClient) -> None:
    refs = make_packages(fake_client, 5)
    task = sensor(references=refs, deferrable=True, poke_interval=7, timeout=600)
    with pytest.raises(TaskDeferred) as deferred:
        task.execute(make_context())
    trigger = deferred.value.trigger
    assert isinstance(trigger, SmsDeliveryTrigger)
    assert trigger.serialize()[1] == {
        "conn_id": "node_sms_default",
        "references": refs,
        "poll_interval": 7.0,
        "fail_on_failed": True,
        "max_transient_errors": 5,
    }
    assert deferred.value.method_name == "execute_complete"


def test_deferrable_does_not_defer_when_already_final(fake_client: FakeSmsClient) -> None:
    refs = make_packages(fake_client, 2)
    fake_client.complete_all()
    assert sensor(references=refs, deferrable=True).execute(make_context())["final"] == 2


def test_execute_complete_applies_the_policy() -> None:
    task = sensor(references=["1"], min_delivered_ratio=0.9)
    summary = {"packages": 1, "total": 10, "delivered": 9}
    assert task.execute_complete(make_context(), {"status": "final", "summary": summary}) == summary
    with pytest.raises(AirflowFailException, match="below"):
        task.execute_complete(make_context(), {"status": "final", "summary": {**summary, "delivered": 8}})
    with pytest.raises(AirflowFailException, match="failed"):
        task.execute_complete(make_context(), {"status": "failed", "message": "1 package(s) failed"})
    with pytest.raises(AirflowFailException, match="denied"):
        task.execute_complete(make_context(), {"status": "error", "message": "denied", "retryable": False})
    with pytest.raises(AirflowException, match="busy") as exc:
        task.execute_complete(make_context(), {"status": "error", "message": "busy", "retryable": True})
    assert not isinstance(exc.value, AirflowFailException)


def test_trigger_serialize_round_trip() -> None:
    trigger = SmsDeliveryTrigger("c", ["1", "2"], poll_interval=3, fail_on_failed=False)
    path, kwargs = trigger.serialize()
    module, _, name = path.rpartition(".")
    import importlib
    import json

    again = getattr(importlib.import_module(module), name)(**json.loads(json.dumps(kwargs)))
    assert again.serialize() == (path, kwargs)
    assert path == "airflow_provider_ileti.triggers.delivery.SmsDeliveryTrigger"


def _trigger_with(monkeypatch, client: FakeAsyncClient, refs, **kwargs) -> SmsDeliveryTrigger:
    trigger = SmsDeliveryTrigger("c", refs, poll_interval=0.01, **kwargs)

    async def open_client():
        return client

    monkeypatch.setattr(trigger, "_open_client", open_client)
    return trigger


async def _events(trigger: SmsDeliveryTrigger) -> list[dict]:
    return [event.payload async for event in trigger.run()]


async def test_trigger_polls_one_request_per_poll_until_final(monkeypatch) -> None:
    sync = FakeSmsClient()
    refs = make_packages(sync, 1000)
    polls = []

    def advance(client: FakeAsyncClient) -> None:
        polls.append(len(sync.calls[-1][1]))
        if len(polls) == 2:
            for ref in refs[:600]:
                sync.phases[ref] = DeliveryPhase.COMPLETE
        if len(polls) == 3:
            sync.complete_all()

    client = FakeAsyncClient(sync, advance)
    events = await _events(_trigger_with(monkeypatch, client, refs))
    assert events == [{"status": "final", "summary": events[0]["summary"]}]
    assert events[0]["summary"]["packages"] == 1000 and events[0]["summary"]["final"] == 1000
    assert polls == [1000, 1000, 1000, 400]  # one request per poll; final packages are not asked again
    assert client.closed


async def test_trigger_reports_a_failed_package(monkeypatch) -> None:
    sync = FakeSmsClient()
    refs = make_packages(sync, 3)
    sync.phases[refs[2]] = DeliveryPhase.CANCELLED
    client = FakeAsyncClient(sync)
    (event,) = await _events(_trigger_with(monkeypatch, client, refs))
    assert event["status"] == "failed" and refs[2] in event["message"]


async def test_trigger_rides_out_transient_errors_then_gives_up(monkeypatch) -> None:
    sync = FakeSmsClient()
    refs = make_packages(sync, 2)

    class Flaky(FakeAsyncClient):
        async def get_statuses(self, references):
            self.requests += 1
            if self.requests <= 2:
                raise TransientError("503")
            sync.complete_all()
            return sync.get_statuses(references)

    client = Flaky(sync)
    (event,) = await _events(_trigger_with(monkeypatch, client, refs))
    assert event["status"] == "final" and client.requests == 3

    class Down(FakeAsyncClient):
        async def get_statuses(self, references):
            self.requests += 1
            raise TransientError("503")

    down = Down(sync)
    (event,) = await _events(_trigger_with(monkeypatch, down, refs, max_transient_errors=2))
    assert event == {"status": "error", "message": "503", "retryable": True} and down.requests == 3


async def test_trigger_final_error_stops_at_once(monkeypatch) -> None:
    class Denied(FakeAsyncClient):
        async def get_statuses(self, references):
            raise AuthenticationError("denied", service="fake")

    client = Denied(FakeSmsClient())
    (event,) = await _events(_trigger_with(monkeypatch, client, ["1"]))
    assert event["status"] == "error" and event["retryable"] is False and client.closed


async def test_trigger_cancellation_closes_the_client(monkeypatch) -> None:
    sync = FakeSmsClient()
    refs = make_packages(sync, 2)
    client = FakeAsyncClient(sync)
    trigger = _trigger_with(monkeypatch, client, refs)
    trigger.poll_interval = 30

    async def consume():
        async for _ in trigger.run():
            pass

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.closed and client.requests == 1


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="fail_on_failed"):
        DeliveryPolicy(fail_on_failed="yes")  # type: ignore[arg-type]
    assert DeliveryPolicy(min_delivered_ratio=0.5).final_failure({"total": 0, "delivered": 0}) is None
