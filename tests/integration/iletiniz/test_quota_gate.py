"""The quota gate stops a send the plan cannot cover, before a single message reaches the sandbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.core.errors import InsufficientCreditError, ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.operators.iletiniz import IletinizQuotaGateOperator

LONG_TURKISH = "ğ" * 100  # 200 septets: 2 parts of 149 in the Turkish table


def sends(ileti_sandbox: Any) -> list[Any]:
    return [
        r for r in ileti_sandbox.requests(service="iletiniz", method="POST") if "/v1/messages" in r["path"]
    ]


def test_gate_counts_segments_times_recipients(
    client: IletinizClient, state: Any, ileti_sandbox: Any
) -> None:
    state.set_plan(quota=1000, used=0)
    assert client.check_quota((LONG_TURKISH, 500)).needed == 1000
    batch = SendBatch(messages=(SmsMessage(LONG_TURKISH, tuple(f"+90555{i:07d}" for i in range(501))),))
    with pytest.raises(InsufficientCreditError) as exc:
        client.check_quota(batch)
    assert (
        "1002 SMS" in str(exc.value)
        and "iletiniz.com" in str(exc.value)
        and exc.value.code == "quota_exceeded"
    )
    assert sends(ileti_sandbox) == []


def test_gate_with_no_active_plan(client: IletinizClient, state: Any, ileti_sandbox: Any) -> None:
    state.set_plan(active=None)
    with pytest.raises(InsufficientCreditError, match="no active plan") as exc:
        client.check_quota(1)
    assert "https://iletiniz.com/panel/plan" in str(exc.value) and sends(ileti_sandbox) == []
    state.set_plan(active=False)
    with pytest.raises(InsufficientCreditError, match="no active plan"):
        client.check_quota(("x", 1))


def test_the_sandbox_charges_segments_and_refuses_over_quota(client: IletinizClient, state: Any) -> None:
    state.set_plan(quota=5, used=0)
    client.send_message("+905551234567", LONG_TURKISH)
    assert state.snapshot()["used"] == 2
    with pytest.raises(InsufficientCreditError, match="quota_exceeded") as exc:
        client.send_bulk([f"+90555{i:07d}" for i in range(2)], body=LONG_TURKISH)
    assert exc.value.http_status == 402 and len(state.snapshot()["jobs"]) == 1


def test_operator_stops_before_sending(ileti_sandbox_env: Any, state: Any) -> None:
    state.set_plan(quota=100, used=99)
    gate = IletinizQuotaGateOperator(task_id="gate", planned_message="Merhaba", planned_recipients="2")
    with pytest.raises(AirflowFailException, match="upgrade at https://iletiniz.com"):
        gate.execute({})
    assert sends(ileti_sandbox_env) == []
    assert len(ileti_sandbox_env.requests(service="iletiniz", path="/v1/account")) == 1


def test_operator_passes_and_returns_json(ileti_sandbox_env: Any, state: Any) -> None:
    state.set_plan(quota=100, used=0)
    result = IletinizQuotaGateOperator(
        task_id="gate", planned_message="Merhaba", planned_recipients=3
    ).execute({})
    assert result == {
        "needed": 3,
        "remaining": 100,
        "plan": "Sandbox",
        "upgrade_url": "https://iletiniz.com/panel/plan?upgrade=1",
    }
    assert IletinizQuotaGateOperator(task_id="g2", credits=100).execute({})["needed"] == 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"planned_message": "", "planned_recipients": 1},
        {"planned_message": "x", "planned_recipients": -1},
        {"planned_message": "x", "planned_recipients": "many"},
        {"credits": 1, "planned_message": "x"},
        {"credits": True},
    ],
)
def test_operator_arguments_checked_before_any_request(ileti_sandbox_env: Any, kwargs: Any) -> None:
    with pytest.raises(ValidationError):
        IletinizQuotaGateOperator(task_id="gate", **kwargs).planned()
    with pytest.raises(AirflowFailException):
        IletinizQuotaGateOperator(task_id="gate", **kwargs).execute({})
    assert ileti_sandbox_env.requests(service="iletiniz") == []


def test_generic_balance_gate_asks_check_quota(ileti_sandbox_env: Any, state: Any) -> None:
    from airflow_provider_ileti.operators.balance import SmsBalanceGateOperator

    state.set_plan(quota=10, used=0)
    gate = SmsBalanceGateOperator(
        task_id="g", conn_id="iletiniz_default", planned_recipients=11, planned_message="x"
    )
    with pytest.raises(AirflowFailException, match="quota"):
        gate.execute({})
    assert sends(ileti_sandbox_env) == []


def test_operator_gates_several_texts(ileti_sandbox_env: Any, state: Any) -> None:
    state.set_plan(quota=100, used=0)
    planned = [{"text": LONG_TURKISH, "recipients": 30}, ["Merhaba", 5]]
    result = IletinizQuotaGateOperator(task_id="gate", planned_messages=planned).execute({})
    assert result["needed"] == 2 * 30 + 5
    # the same as a JSON string rendered from XCom; 2 x 48 + 5 = 101 > 100 stops it
    as_json = json.dumps([{"text": LONG_TURKISH, "recipients": 48}, {"message": "Merhaba", "recipients": 5}])
    with pytest.raises(AirflowFailException, match="needs 101 SMS"):
        IletinizQuotaGateOperator(task_id="gate", planned_messages=as_json).execute({})
    assert sends(ileti_sandbox_env) == []


@pytest.mark.parametrize(
    ("planned", "field"),
    [
        ([], "planned_messages"),
        ("not json", "planned_messages"),
        ([{"text": "", "recipients": 1}], "planned_messages[0].text"),
        ([["x", -1]], "planned_messages[0].recipients"),
        ([("x", 1, 2)], "planned_messages[0]"),
    ],
)
def test_several_texts_checked_before_any_request(ileti_sandbox_env: Any, planned: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        IletinizQuotaGateOperator(task_id="gate", planned_messages=planned).planned()
    assert info.value.field == field
    with pytest.raises(ValidationError, match="give one of"):
        IletinizQuotaGateOperator(task_id="g", planned_messages=[["x", 1]], credits=3).planned()
    assert ileti_sandbox_env.requests(service="iletiniz") == []


def test_operator_carries_the_retry_policy_on_3_3() -> None:
    from airflow_provider_ileti.version_compat import AIRFLOW_V_3_3_PLUS

    gate = IletinizQuotaGateOperator(task_id="gate", credits=1)
    if AIRFLOW_V_3_3_PLUS:
        from airflow_provider_ileti.tasks.retry_policy import IletiRetryPolicy

        assert isinstance(gate.retry_policy, IletiRetryPolicy)
        custom = IletinizQuotaGateOperator(task_id="g2", credits=1, retry_policy=None)
        assert custom.retry_policy is None
    else:
        assert getattr(gate, "retry_policy", None) is None
