"""SendSmsOperator exactly-once holes (issue 4): kill then retry, in-flight chunks, completion marker,
whole-batch ``validate_send``, and the bad arguments still missing from test_send.py."""

from __future__ import annotations

from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.idempotency import make_custom_id
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch
from airflow_provider_ileti.operators.send import SendSmsOperator
from tests.unit.operators.support import NUMBERS, FakeSmsClient, FakeStateStore, FakeTI, make_context

LATER = "2099-01-01T09:00:00Z"


class Killed(BaseException):
    """What the task runner raises after on_kill (SIGTERM); not an ``Exception``."""


def op(**kwargs: Any) -> SendSmsOperator:
    kwargs.setdefault("task_id", "send")
    kwargs.setdefault("conn_id", "node_sms_default")
    return SendSmsOperator(**kwargs)


def kill_during_send(client: FakeSmsClient, task: SendSmsOperator, call: int, *, after_commit: bool) -> None:
    """The ``call``-th send is interrupted by a kill: on_kill runs, then the try dies (BaseException)."""
    original = client.send
    counter = {"n": 0}

    def send(batch: SendBatch) -> Any:
        counter["n"] += 1
        if counter["n"] == call:
            if after_commit:
                original(batch)  # the server committed; the answer never arrives
            else:
                client.calls.append(("send", batch.idempotency_key))
            task.on_kill()
            raise Killed
        return original(batch)

    client.send = send  # type: ignore[method-assign]


def live(client: FakeSmsClient) -> dict[str, SendBatch]:
    return {r: b for r, b in client.packages.items() if client.phases[r] is not DeliveryPhase.CANCELLED}


def numbers_scheduled(client: FakeSmsClient) -> list[str]:
    return sorted(n for b in live(client).values() for m in b.messages for n in m.numbers)


@pytest.mark.parametrize("persist", [True, False], ids=["progress-record", "lookups-only"])
def test_kill_then_retry_schedules_every_cancelled_chunk_again_exactly_once(
    fake_client: FakeSmsClient, persist: bool
) -> None:
    task = op(message="x", recipients=NUMBERS[:50], send_at=LATER, persist_progress=persist)
    kill_during_send(fake_client, task, call=3, after_commit=True)  # chunks 0, 1 out; 2 committed, no answer
    store, ti = FakeStateStore(), FakeTI()
    with pytest.raises(Killed):
        task.execute(make_context(ti, store))
    assert len(fake_client.cancelled) == 3  # on_kill found chunk 2 by its key and cancelled it too
    if persist:
        record = store.data["ileti_send_progress"]
        assert record["cancelled"] == [0, 1, 2] and record["generations"] == {"0": 1, "1": 1, "2": 1}
    fake_client.send = FakeSmsClient.send.__get__(fake_client)  # type: ignore[method-assign]
    ti.try_number = 2
    result = task.execute(make_context(ti, store))
    assert result["chunks"] == 5 and result["recipients"] == 50
    assert len(set(result["references"])) == 5 and not set(result["references"]) & set(fake_client.cancelled)
    assert len(numbers_scheduled(fake_client)) == 50 and len(set(numbers_scheduled(fake_client))) == 50
    keys = {b.idempotency_key for b in live(fake_client).values()}
    base = ["dag", "send", ti.run_id, -1]
    assert keys == {make_custom_id(*base, n, "g1") for n in range(3)} | {
        make_custom_id(*base, n) for n in (3, 4)
    }
    # a third try (e.g. the worker died before success was recorded) sends nothing more
    sent = len(fake_client.packages)
    ti.try_number = 3
    again = task.execute(make_context(ti, store))
    assert sorted(again["references"]) == sorted(result["references"]) and len(fake_client.packages) == sent


def test_kill_after_a_completed_send_resends_under_new_keys_once(fake_client: FakeSmsClient) -> None:
    """3.3: the mixin holds the result; get_job_status sees the recorded cancel and submits again."""
    store, ti = FakeStateStore(), FakeTI()
    task = op(message="x", recipients=NUMBERS[:20], send_at=LATER)
    first = task.execute(make_context(ti, store))
    task.on_kill()  # the kill came after the send (e.g. while Airflow recorded the result)
    assert sorted(fake_client.cancelled) == sorted(first["references"])
    ti.try_number = 2
    again = task.execute(make_context(ti, store))
    assert len(again["references"]) == 2 and not set(again["references"]) & set(first["references"])
    assert len(live(fake_client)) == 2 and len(fake_client.packages) == 4
    assert {b.idempotency_key for b in live(fake_client).values()} == {
        make_custom_id("dag", "send", ti.run_id, -1, n, "g1") for n in range(2)
    }


def test_a_package_cancelled_elsewhere_is_not_counted_as_sent(fake_client: FakeSmsClient) -> None:
    """Without any record of the cancel (say on_kill could not write it), its state says so."""
    store, ti = FakeStateStore(), FakeTI()
    task = op(message="x", recipients=NUMBERS[:20], send_at=LATER)
    first = task.execute(make_context(ti, store))
    fake_client.cancel(first["references"][1])
    ti.try_number = 2
    again = task.execute(make_context(ti, store))
    assert again["references"][0] == first["references"][0]
    assert again["references"][1] not in first["references"] and len(live(fake_client)) == 2


def test_non_idempotent_service_kill_then_retry_resends_cancelled_orders(fake_client: FakeSmsClient) -> None:
    fake_client.supports_idempotency = False
    task = op(message="x", recipients=NUMBERS[:30], send_at=LATER)
    kill_during_send(fake_client, task, call=3, after_commit=False)  # killed before chunk 2 reached it
    store, ti = FakeStateStore(), FakeTI()
    with pytest.raises(Killed):
        task.execute(make_context(ti, store))
    record = store.data["ileti_send_progress"]
    assert record["cancelled"] == [0, 1] and record["in_flight"] == 2
    fake_client.send = FakeSmsClient.send.__get__(fake_client)  # type: ignore[method-assign]
    ti.try_number = 2
    task.on_ambiguous = "resend"  # a person checked: chunk 2 never arrived
    result = task.execute(make_context(ti, store))
    assert result["chunks"] == 3 and len(live(fake_client)) == 3 and len(numbers_scheduled(fake_client)) == 30


def test_in_flight_chunk_of_a_service_without_client_ids_is_ambiguous(fake_client: FakeSmsClient) -> None:
    """The worker dies after the request went out, before progress was saved: the retry does not resend."""
    fake_client.supports_idempotency = False
    original = fake_client.send
    calls = {"n": 0}

    def send(batch: SendBatch) -> Any:
        calls["n"] += 1
        receipt = original(batch)
        if calls["n"] == 2:
            raise SystemExit(1)  # the order exists; the process ends before the answer is recorded
        return receipt

    fake_client.send = send  # type: ignore[method-assign]
    store, ti = FakeStateStore(), FakeTI()
    task = op(message="x", recipients=NUMBERS[:30])
    with pytest.raises(SystemExit):
        task.execute(make_context(ti, store))
    assert store.data["ileti_send_progress"]["in_flight"] == 1
    ti.try_number = 2
    with pytest.raises(AirflowFailException) as failure:
        task.execute(make_context(ti, store))
    message = str(failure.value)
    assert "chunk 1" in message and "90555***0010" in message and "905555550010" not in message
    assert len(fake_client.packages) == 2  # no second order
    task.on_ambiguous = "skip"
    ti.try_number = 3
    result = task.execute(make_context(ti, store))
    assert len(fake_client.packages) == 3 and result["chunks"] == 3 and result["recipients"] == 20


def test_a_completed_send_is_not_repeated_when_the_record_is_the_only_memory(
    fake_client: FakeSmsClient,
) -> None:
    """2.11 (no mixin): success was not recorded, or a person cleared the task; no client ids to look up."""
    fake_client.supports_idempotency = False
    store, ti = FakeStateStore(), FakeTI()
    task = op(message="x", recipients=NUMBERS[:20])
    first = task.execute(make_context(ti, store))
    store.data.pop("ileti_send_result", None)  # what 2.11 has: no mixin record
    ti.try_number = 2
    again = task.execute(make_context(ti, store))
    assert again["references"] == first["references"] and len(fake_client.packages) == 2


# -- whole-batch pre-validation with the service's rules ---------------------------------------------------
class ValidatingClient(FakeSmsClient):
    """A service that refuses numbers outside Turkey, checked without any request."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validated: list[str | None] = []

    def validate_send(self, request: SendBatch) -> None:
        self.validated.append(request.idempotency_key)
        for m_index, message in enumerate(request.messages):
            for n_index, number in enumerate(message.numbers):
                if not str(number).lstrip("+").startswith("90"):
                    raise ValidationError(
                        f"messages[{m_index}].numbers[{n_index}]", "<foreign>", "only Turkish numbers"
                    )


def test_validate_send_runs_for_every_chunk_before_any_send(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.unit.operators.support import FakeHook

    client = ValidatingClient(max_recipients_per_send=10)
    hook = FakeHook(client)
    monkeypatch.setattr("airflow_provider_ileti.hooks.registry.get_sms_hook", lambda conn_id: hook)
    recipients = NUMBERS[:45] + ["+49 1512 3456789"]  # chunk 4 has a foreign number
    with pytest.raises(AirflowFailException, match=r"chunk 4.*only Turkish numbers"):
        op(message="x", recipients=recipients).execute(make_context())
    assert len(client.validated) == 5 and client.packages == {} and client.calls == []
    op(message="x", recipients=NUMBERS[:45]).execute(make_context())
    assert len(client.validated) == 10 and len(client.packages) == 5


# -- bad arguments still missing from test_send.py ---------------------------------------------------
MORE_BAD_ARGUMENTS = [
    ({"title": 12}, "title"),
    ({"number_field": ""}, "number_field"),
    ({"recipients": None, "recipients_csv": ""}, "recipients_csv"),
    ({"recipients_csv": "   "}, "recipients_csv"),
    ({"validate_first": "yes"}, "validate_first"),
    ({"persist_progress": 1}, "persist_progress"),
    ({"deferrable": "False"}, "deferrable"),
    ({"fail_on_failed": "no"}, "fail_on_failed"),
]


@pytest.mark.parametrize(("kwargs", "field"), MORE_BAD_ARGUMENTS, ids=[f for _, f in MORE_BAD_ARGUMENTS])
def test_more_bad_arguments_fail_before_any_request(fake_client: FakeSmsClient, kwargs, field) -> None:
    args = {"message": "x", "recipients": [NUMBERS[0]], **kwargs}
    with pytest.raises(AirflowFailException, match=field):
        op(**args).execute(make_context())
    assert fake_client.calls == [] and fake_client.hook.created == 0


class FakeVariables:
    """Airflow Variables (below 3.3 the progress record lives in one)."""

    data: dict[str, str] = {}

    @classmethod
    def get(cls, key: str, default: Any = None, default_var: Any = None) -> Any:
        return cls.data.get(key, default if default is not None else default_var)

    @classmethod
    def set(cls, key: str, value: str) -> None:
        cls.data[key] = value

    @classmethod
    def delete(cls, key: str) -> None:
        cls.data.pop(key, None)


def test_variable_record_survives_success_and_a_first_try_ignores_a_stale_one(
    fake_client: FakeSmsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setattr(FakeVariables, "data", {})
    monkeypatch.setattr("airflow.providers.common.compat.sdk.Variable", FakeVariables)
    fake_client.supports_idempotency = False
    ti = FakeTI()
    task = op(message="x", recipients=NUMBERS[:20])
    task.execute(make_context(ti))  # no task_state_store: the Variable stands in
    [(key, value)] = FakeVariables.data.items()
    assert key.startswith("ileti_send_progress.") and json.loads(value)["complete"] is True
    ti.try_number = 2  # the worker died before success was recorded, or a person cleared the task
    task.execute(make_context(ti))
    assert len(fake_client.packages) == 2
    ti.try_number = 1  # the DAG run was deleted and made again with the same run id: a new first try
    task.execute(make_context(ti))
    assert len(fake_client.packages) == 4
