"""The hook, the async status client, and the generic operators/sensor on an ``iletiniz`` connection."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.hooks.iletiniz import IletinizHook
from airflow_provider_ileti.hooks.registry import get_sms_hook
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY


@dataclasses.dataclass
class _TI:
    task_id: str
    dag_id: str = "iz_dag"
    run_id: str = "manual__2026-01-01T00:00:00+00:00"
    map_index: int = -1
    try_number: int = 1
    stats_tags: dict[str, str] = dataclasses.field(default_factory=dict)


class _Store(dict[str, Any]):
    """What Airflow 3.3 gives as ``task_state_store``: values kept across the tries of a task instance."""

    def set(self, key: str, value: Any) -> None:
        self[key] = value

    def delete(self, key: str) -> None:
        self.pop(key, None)


def context(task_id: str) -> dict[str, Any]:
    ti = _TI(task_id=task_id)
    return {"ti": ti, "task_instance": ti, "run_id": ti.run_id, "task_state_store": _Store()}


def test_hook_from_the_sandbox_connection(ileti_sandbox_env: Any) -> None:
    hook = get_sms_hook("iletiniz_default")
    assert isinstance(hook, IletinizHook)
    client = hook.get_client()
    assert client.base_url == ileti_sandbox_env.url + "/iletiniz" and ILETINIZ_API_KEY not in repr(client)
    ok, message = hook.test_connection()
    assert ok and "100,000 SMS left in the quota" in message
    assert [r["path"] for r in ileti_sandbox_env.requests(service="iletiniz")] == ["/iletiniz/v1/account"]
    hook.close()


def test_test_connection_reports_a_refused_key(ileti_sandbox_env: Any, monkeypatch: Any) -> None:
    conn = {
        "conn_type": "iletiniz",
        "host": ileti_sandbox_env.url + "/iletiniz",
        "password": "iltz_test_revoked",
    }
    monkeypatch.setenv("AIRFLOW_CONN_IZ_BAD", json.dumps(conn))
    ok, message = IletinizHook(iletiniz_conn_id="iz_bad").test_connection()
    assert not ok and "401" in message and "iltz_test_revoked" not in message


def test_hook_quota_gate(ileti_sandbox_env: Any) -> None:
    assert IletinizHook().check_quota(("Merhaba", 10)).needed == 10


async def test_async_status_client(ileti_sandbox_env: Any) -> None:
    ileti_sandbox_env.admin.clock(speed=1)  # jobs stay unfinished until the test advances the clock
    hook = IletinizHook()
    batch = SendBatch(messages=(SmsMessage("x", ("+905551230001", "+905551230009")),))
    receipt = hook.get_client().send(batch)
    aclient = hook.get_async_client()
    try:
        (status,) = await aclient.get_statuses([receipt.reference])
        assert status.phase in (DeliveryPhase.PENDING, DeliveryPhase.SENT) and status.pending == 2
        ileti_sandbox_env.admin.clock(advance=60)
        ileti_sandbox_env.admin.add_fault("/iletiniz/v1/messages/*", "status", status=503, times=1)
        (status,) = await aclient.get_statuses([receipt.reference])
        assert status.phase is DeliveryPhase.COMPLETE and (status.delivered, status.undelivered) == (1, 1)
        assert ILETINIZ_API_KEY not in repr(aclient)
    finally:
        await aclient.aclose()


def test_send_sms_operator_and_sensor(ileti_sandbox_env: Any, state: Any) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    ileti_sandbox_env.admin.clock(speed=1)
    recipients = [f"+90555{i:07d}" for i in range(450)]
    op = SendSmsOperator(task_id="send", conn_id="iletiniz_default", message="Merhaba", recipients=recipients)
    result = op.execute(context("send"))
    assert result["service"] == "iletiniz" and result["recipients"] == 450 and result["chunks"] == 3
    json.dumps(result)
    assert len(state.snapshot()["jobs"]) == 450
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id="iletiniz_default", references=result["references"], deferrable=False
    )
    assert sensor.poke(context("watch")).is_done is False
    ileti_sandbox_env.admin.clock(advance=700)
    done = sensor.poke(context("watch"))
    assert done.is_done is True and done.xcom_value["total"] == 450
    assert done.xcom_value["delivered"] == 360 and done.xcom_value["undelivered"] == 90


def test_send_sms_operator_ambiguous_is_not_resent(ileti_sandbox_env: Any, state: Any) -> None:
    from airflow.providers.common.compat.sdk import AirflowFailException

    from airflow_provider_ileti.operators.send import SendSmsOperator

    ileti_sandbox_env.admin.add_fault("/iletiniz/v1/messages/bulk", "drop_after_commit", times=1)
    op = SendSmsOperator(
        task_id="send", conn_id="iletiniz_default", message="x", recipients=["+905551234567"]
    )
    with pytest.raises(AirflowFailException):
        op.execute(context("send"))
    assert len(state.snapshot()["jobs"]) == 1
