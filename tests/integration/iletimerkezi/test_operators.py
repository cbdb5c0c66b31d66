"""The generic operators and sensor on an ``iletimerkezi`` connection, against the sandbox.

They speak only the ``SmsClient`` protocol; these tests prove İleti Merkezi's answers fit it: orders as
references, 113 -> 114/115 as phases, cancel of a scheduled order, and at-most-once sending.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.masking import mask_number
from tests.integration.iletimerkezi.conftest import PREFIX, im_requests

CONN = "iletimerkezi_default"


@dataclasses.dataclass
class _TI:
    task_id: str
    dag_id: str = "im_dag"
    run_id: str = "manual__2026-01-01T00:00:00+00:00"
    map_index: int = -1
    try_number: int = 1
    stats_tags: dict[str, str] = dataclasses.field(default_factory=dict)


class _Store:
    """What Airflow 3.3 gives as ``task_state_store``: values kept across the tries of a task instance."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


def context(task_id: str, store: _Store | None = None, try_number: int = 1) -> dict[str, Any]:
    ti = _TI(task_id=task_id, try_number=try_number)
    return {"ti": ti, "task_instance": ti, "run_id": ti.run_id, "task_state_store": store or _Store()}


def send_operator(**kwargs: Any) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    return SendSmsOperator(
        task_id=kwargs.pop("task_id", "send"), conn_id=kwargs.pop("conn_id", CONN), **kwargs
    )


def orders(ileti_sandbox) -> list[dict[str, Any]]:
    return ileti_sandbox.admin.state("iletimerkezi")["orders"]


@pytest.mark.parametrize("conn_id", ["iletimerkezi_default", "iletimerkezi_json"])
def test_send_one_text_to_many(conn_id, ileti_sandbox_env):
    op = send_operator(
        conn_id=conn_id, message="Merhaba", recipients=["0555 555 00 01", "5555550002", "+905555550003"]
    )
    result = op.execute(context("send"))
    assert result["service"] == "iletimerkezi" and result["recipients"] == 3 and result["chunks"] == 1
    [order] = orders(ileti_sandbox_env)
    assert [str(order["id"])] == result["references"] and order["total"] == 3
    import json

    json.dumps(result)  # JSON-safe XCom


def test_personalised_send_is_one_order_with_a_message_each(ileti_sandbox_env):
    recipients = [{"phone": "5555550001", "name": "Ayşe"}, {"phone": "5555550002", "name": "Mehmet"}]
    op = send_operator(message_template="Merhaba {{ r.name }}", recipients=recipients)
    result = op.execute(context("send"))
    [entry] = im_requests(ileti_sandbox_env, "/send-sms")
    assert entry["body"].count("<message>") == 2 and "Merhaba Ayşe" in entry["body"]
    assert result["recipients"] == 2 and len(orders(ileti_sandbox_env)) == 1


def test_chunks_become_orders(ileti_sandbox_env):
    numbers = [f"555555000{i}" for i in range(5)]
    result = send_operator(message="Parça", recipients=numbers, chunk_size=2).execute(context("send"))
    assert result["chunks"] == 3 and len(result["references"]) == 3
    assert [o["total"] for o in orders(ileti_sandbox_env)] == [2, 2, 1]


def test_commercial_send_carries_iys(ileti_sandbox_env):
    send_operator(
        message="Kampanya", recipients=["5555550001"], commercial=True, iys_recipient_type="TACIR"
    ).execute(context("send"))
    [order] = orders(ileti_sandbox_env)
    assert (order["iys"], order["iys_list"]) == (1, "TACIR")


def test_validation_fails_before_any_request(ileti_sandbox_env):
    op = send_operator(message="Merhaba", recipients=["5555550001"], sender="ÇOKUZUNBAŞLIK")
    with pytest.raises(AirflowFailException, match="sender"):
        op.execute(context("send"))
    assert [r for r in im_requests(ileti_sandbox_env) if "send-sms" in r["path"]] == []


def test_ambiguous_send_fails_and_a_retry_does_not_send_again(ileti_sandbox_env):
    ileti_sandbox_env.admin.add_fault(PREFIX + "/send-sms", "drop_after_commit", times=1)
    store = _Store()
    op = send_operator(message="Kodunuz 4711", recipients=["5555550001", "5555550002"])
    with pytest.raises(AirflowFailException) as info:
        op.execute(context("send", store))
    message = str(info.value)
    assert "may have gone out" in message and "2 recipient(s)" in message
    assert "4711" not in message and "5555550001" not in message and mask_number("905555550001") in message
    with pytest.raises(AirflowFailException, match="ambiguous"):
        send_operator(message="Kodunuz 4711", recipients=["5555550001", "5555550002"]).execute(
            context("send", store, try_number=2)
        )
    assert len(im_requests(ileti_sandbox_env, "/send-sms")) == 1
    assert len(orders(ileti_sandbox_env)) == 1


def test_schedule_then_cancel(ileti_sandbox_env):
    from airflow_provider_ileti.operators.cancel import CancelSmsOperator

    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    scheduled = send_operator(message="Yarın", recipients=["5555550001"], send_at=later).execute(
        context("send")
    )
    now = send_operator(task_id="now", message="Şimdi", recipients=["5555550002"]).execute(context("now"))
    refs = scheduled["references"] + now["references"]
    result = CancelSmsOperator(task_id="cancel", conn_id=CONN, references=refs).execute(context("cancel"))
    assert result == {
        "service": "iletimerkezi",
        "cancelled": scheduled["references"],
        "not_cancellable": now["references"],
    }
    assert [o["cancelled"] for o in orders(ileti_sandbox_env)] == [True, False]


def test_sensor_waits_until_orders_are_final(ileti_sandbox_env):
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    result = send_operator(message="Merhaba", recipients=["5555550001", "5555550002", "5555550009"]).execute(
        context("send")
    )
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id=CONN, references=result["references"], deferrable=False
    )
    assert sensor.poke(context("watch")).is_done is False
    ileti_sandbox_env.admin.clock(advance=30)
    done = sensor.poke(context("watch"))
    assert done.is_done is True
    assert done.xcom_value["delivered"] == 2 and done.xcom_value["undelivered"] == 1
    assert done.xcom_value["total"] == 3 and done.xcom_value["failed_packages"] == 0


def test_sensor_fails_on_an_order_that_went_nowhere(ileti_sandbox_env):
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    result = send_operator(message="Olmadı", recipients=["5555550009"]).execute(context("send"))
    ileti_sandbox_env.admin.clock(advance=30)
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id=CONN, references=result["references"], deferrable=False
    )
    with pytest.raises(AirflowFailException, match="failed or were cancelled"):
        sensor.poke(context("watch"))


def test_sensor_min_delivered_ratio(ileti_sandbox_env):
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    result = send_operator(message="Oran", recipients=["5555550001", "5555550009"]).execute(context("send"))
    ileti_sandbox_env.admin.clock(advance=30)
    sensor = SmsDeliverySensor(
        task_id="watch",
        conn_id=CONN,
        references=result["references"],
        min_delivered_ratio=0.9,
        deferrable=False,
    )
    with pytest.raises(AirflowFailException, match="below"):
        sensor.poke(context("watch"))


async def test_deferred_trigger_polls_with_the_async_client(ileti_sandbox_env):
    from airflow_provider_ileti.triggers.delivery import SmsDeliveryTrigger

    result = send_operator(message="Merhaba", recipients=["5555550001", "5555550002"]).execute(
        context("send")
    )
    result2 = send_operator(task_id="s2", message="Tekrar", recipients=["5555550003"]).execute(context("s2"))
    refs = result["references"] + result2["references"]
    ileti_sandbox_env.admin.clock(advance=30)
    trigger = SmsDeliveryTrigger(conn_id="iletimerkezi_json", references=refs, poll_interval=0.05)
    classpath, kwargs = trigger.serialize()
    assert kwargs["references"] == refs
    events = trigger.run()
    event = await anext(events)
    await events.aclose()
    assert event.payload["status"] == "final"
    assert event.payload["summary"]["delivered"] == 3 and event.payload["summary"]["packages"] == 2
    assert len(im_requests(ileti_sandbox_env, "/get-report/json")) == 2  # one report request per order


def test_send_and_wait_for_delivery(ileti_sandbox_env):
    ileti_sandbox_env.admin.clock(speed=600)
    op = send_operator(
        message="Bekle",
        recipients=["5555550001"],
        wait_for_delivery=True,
        poll_interval=0.05,
        deferrable=False,
    )
    result = op.execute(context("send"))
    assert result["delivery"]["delivered"] == 1 and result["delivery"]["final"] == 1


def test_balance_gate(ileti_sandbox_env):
    from airflow_provider_ileti.operators.balance import SmsBalanceGateOperator

    ok = SmsBalanceGateOperator(
        task_id="gate", conn_id=CONN, planned_recipients=1000, planned_message="x" * 200
    )
    result = ok.execute(context("gate"))
    assert result["service"] == "iletimerkezi" and result["needed_credits"] == 2000
    assert result["balance"]["currency"] == "TRY"
    ileti_sandbox_env.sandbox.services["iletimerkezi"].initial_credits = 10
    with pytest.raises(AirflowFailException, match="too low"):
        SmsBalanceGateOperator(task_id="gate", conn_id=CONN, planned_recipients=11).execute(context("gate"))


def test_on_ambiguous_resend_within_10_minutes_meets_451(ileti_sandbox_env):
    """A person chose to resend after an ambiguous send: the service's 451 still stops a double send."""
    ileti_sandbox_env.admin.add_fault(PREFIX + "/send-sms", "drop_after_commit", times=1)
    store = _Store()
    with pytest.raises(AirflowFailException):
        send_operator(message="Kampanya", recipients=["5555550001"]).execute(context("send", store))
    retry = send_operator(message="Kampanya", recipients=["5555550001"], on_ambiguous="resend")
    with pytest.raises(AirflowFailException, match="451|within 10 minutes"):
        retry.execute(context("send", store, try_number=2))
    assert len(orders(ileti_sandbox_env)) == 1


def test_on_ambiguous_skip_counts_it_as_sent_and_goes_on(ileti_sandbox_env):
    ileti_sandbox_env.admin.add_fault(PREFIX + "/send-sms", "drop_after_commit", times=1)
    store = _Store()
    numbers = ["5555550001", "5555550002", "5555550003"]
    with pytest.raises(AirflowFailException):
        send_operator(message="Parça", recipients=numbers, chunk_size=1).execute(context("send", store))
    retry = send_operator(message="Parça", recipients=numbers, chunk_size=1, on_ambiguous="skip")
    result = retry.execute(context("send", store, try_number=2))
    assert len(orders(ileti_sandbox_env)) == 3  # chunk 0 went out once; chunks 1 and 2 after the skip
    assert len(result["references"]) == 2 and result["chunks"] == 3
