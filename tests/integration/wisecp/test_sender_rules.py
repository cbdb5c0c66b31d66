"""WISECP sender IDs per country against the sandbox panel: the client refuses what a country cannot take
before any submit, warns (or, strict, refuses) where a sender needs pre-approval; the cost gate says both."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import ServiceError
from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

SUBMIT = "/wisecp/api/sms/submit"
GB = [f"+44740012{i:04d}" for i in range(3)]
US = "+12025550143"
TR = "+905551234560"
DE = "+4915112345678"


def context() -> dict[str, Any]:
    return make_context(FakeTI(), FakeStateStore())


def strict_connection(monkeypatch: pytest.MonkeyPatch, handle: Any, **extra: Any) -> str:
    conn = {
        "conn_type": "wisecp",
        "host": handle.url + "/wisecp/api/sms",
        "password": WISECP_TOKEN,
        "extra": {"default_sender": "ILETI", **extra},
    }
    monkeypatch.setenv("AIRFLOW_CONN_WISECP_STRICT", json.dumps(conn))
    return "wisecp_strict"


def test_a_numeric_only_country_stops_the_send_before_any_submit(ileti_sandbox_env: Any) -> None:
    op = SendSmsOperator(
        task_id="send", conn_id="wisecp_default", message="Merhaba", recipients=[*GB, US], chunk_size=2
    )
    with pytest.raises(AirflowFailException) as caught:
        op.execute(context())
    message = str(caught.value)
    assert "recipients[2..3] (chunk 1)" in message and "US takes only numeric senders" in message
    assert "1202***0143" in message
    assert "2025550143" not in message
    assert ileti_sandbox_env.requests(path=SUBMIT) == [] and ileti_sandbox_env.refusals() == []


def test_a_number_as_sender_reaches_every_country(ileti_sandbox_env: Any) -> None:
    op = SendSmsOperator(
        task_id="send",
        conn_id="wisecp_default",
        message="Merhaba",
        recipients=[GB[0], US, TR],
        sender="+905550000000",
    )
    assert op.execute(context())["recipients"] == 3
    assert ileti_sandbox_env.refusals() == []


def test_pre_approval_is_a_warning_by_default_and_the_panel_decides(
    ileti_sandbox_env: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = WisecpClient(ileti_sandbox_env.url + "/wisecp/api/sms", WISECP_TOKEN, retries=0)
    with caplog.at_level(logging.WARNING, logger="airflow_provider_ileti.clients.wisecp.senders"):
        assert client.submit([TR, GB[0]], "Merhaba", origin="ILETI")  # approved in the sandbox panel
        with pytest.raises(ServiceError, match="pre-approval"):
            client.submit([TR], "Merhaba", origin="OTHER")  # not approved: the panel refuses it
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 2 and "'ILETI'" in warned[0] and "'OTHER'" in warned[1] and "TR (1" in warned[0]
    assert ileti_sandbox_env.refusals() == []


def test_strict_sender_rules_refuse_before_any_submit_unless_listed_approved(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn_id = strict_connection(monkeypatch, ileti_sandbox_env, strict_sender_rules=True)
    op = SendSmsOperator(task_id="send", conn_id=conn_id, message="Merhaba", recipients=[GB[0], TR])
    with pytest.raises(AirflowFailException, match="TR needs documents approved in advance"):
        op.execute(context())
    assert ileti_sandbox_env.requests(path=SUBMIT) == []
    rules = {"TR": {"rule": "approval", "approved": ["ILETI"]}}
    conn_id = strict_connection(monkeypatch, ileti_sandbox_env, strict_sender_rules=True, sender_rules=rules)
    op = SendSmsOperator(task_id="send", conn_id=conn_id, message="Merhaba", recipients=[GB[0], TR])
    assert op.execute(context())["recipients"] == 2
    assert len(ileti_sandbox_env.requests(path=SUBMIT)) == 1


def test_the_cost_gate_checks_senders_and_budgets_per_country(ileti_sandbox_env: Any) -> None:
    gate = WisecpCostGateOperator(
        task_id="cost",
        message="Merhaba",
        recipients=[*GB, DE, TR],
        max_cost_per_country='{"DE": 0.1, "*": 1}',
        fail_over_budget=False,
    )
    result = gate.execute(context())
    assert result["within_budget"] is False and result["over_budget"] == ["DE"]
    assert result["needs_approval"] == ["TR"] and result["enough"] is True
    json.dumps(result)
    gate.fail_over_budget = True
    with pytest.raises(AirflowFailException, match=r"DE 0\.1234 EUR above max_cost_per_country 0\.1"):
        gate.execute(context())
    to_us = WisecpCostGateOperator(task_id="cost", message="Merhaba", recipients=[GB[0], US])
    with pytest.raises(AirflowFailException, match="US takes only numeric senders"):
        to_us.execute(context())
    strict = WisecpCostGateOperator(
        task_id="cost", message="Merhaba", recipients=[GB[0], TR], strict_sender_rules=True
    )
    with pytest.raises(AirflowFailException, match="TR needs documents approved in advance"):
        strict.execute(context())
    numeric = WisecpCostGateOperator(
        task_id="cost", message="Merhaba", recipients=[US], sender="+905550000000"
    )
    assert numeric.execute(context())["within_budget"] is True
    assert ileti_sandbox_env.requests(path=SUBMIT) == []
