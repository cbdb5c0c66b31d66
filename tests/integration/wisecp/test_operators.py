"""The generic operators (balance gate, send, delivery sensor) and WisecpCostGateOperator on a ``wisecp``
connection, against the sandbox (``ileti_sandbox_env`` puts ``wisecp_default`` in the environment)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import InsufficientCreditError, ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from tests.unit.operators.support import FakeStateStore, make_context

CONN = "wisecp_default"
SUBMIT = "/wisecp/api/sms/submit"
GB = [f"+44740012{i:04d}" for i in range(20)]  # last digit 9: undelivered, 8: expired (sandbox outcomes)
DE = "+4915112345678"


def submits(handle: Any) -> list[dict[str, Any]]:
    return handle.requests(path=SUBMIT)


def wisecp(handle: Any) -> Any:
    return handle.sandbox.services["wisecp"]


# -- check_quota: the protocol the balance gate speaks ------------------------------------------------------
def test_check_quota_prices_a_batch_by_country(ileti_sandbox_env: Any) -> None:
    client = WisecpClient(ileti_sandbox_env.url + "/wisecp/api/sms", WISECP_TOKEN, default_sender="ILETI")
    batch = SendBatch(messages=(SmsMessage("hello", (GB[0], GB[1], DE)),))
    check = client.check_quota(batch)
    assert check.needed == pytest.approx(2 * 0.045 + 0.1234) and check.priced == "by country"
    assert check.balance == 100.0 and check.currency == "EUR" and check.recipients == 3
    json.dumps(check.to_dict())
    # only counts known: the dearest country (DE 0.1234) unless a country is named
    assert client.check_quota(10).needed == pytest.approx(1.234)
    assert client.check_quota(("hello", 10), country="gb").needed == pytest.approx(0.45)
    wisecp(ileti_sandbox_env).set_balance(1.0)
    with pytest.raises(
        InsufficientCreditError, match=r"costs 1\.2340 EUR .*worst case DE.*balance is 1\.0000"
    ):
        client.check_quota(10)
    assert client.check_quota(("hello", 10), country="GB").needed == pytest.approx(0.45)
    with pytest.raises(ValidationError, match="country"):
        client.check_quota(5, country="ZZ")
    assert submits(ileti_sandbox_env) == []


def test_balance_gate_passes_and_stops_on_wisecp_without_sending(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.balance import SmsBalanceGateOperator

    gate = SmsBalanceGateOperator(
        task_id="gate", conn_id=CONN, planned_recipients=100, planned_message="Kampanya"
    )
    result = gate.execute(make_context())
    assert result["service"] == "wisecp" and result["needed_credits"] == 100
    assert result["balance"]["amount"] == 100.0  # 100 parts x 0.1234 (worst case) = 12.34 EUR: enough
    wisecp(ileti_sandbox_env).set_balance(12.0)
    with pytest.raises(AirflowFailException, match="WISECP balance too small"):
        gate.execute(make_context())
    assert submits(ileti_sandbox_env) == []
    paths = {r["path"].rsplit("/", 1)[-1] for r in ileti_sandbox_env.requests(service="wisecp")}
    assert paths == {"balance", "prices"}


# -- validate_send: the send's checks, no request ----------------------------------------------------
def test_validate_send_refuses_what_send_refuses_without_a_request(ileti_sandbox_env: Any) -> None:
    client = WisecpClient(ileti_sandbox_env.url + "/wisecp/api/sms", WISECP_TOKEN, default_sender="ILETI")
    client.validate_send(SendBatch(messages=(SmsMessage("hi", (GB[0],)),)))
    bad = [
        (SendBatch(messages=(SmsMessage("hi", ("not a number",)),)), "messages[0].numbers[0]"),
        (SendBatch(messages=(SmsMessage(" ", (GB[0],)),)), "messages[0].text"),
        (SendBatch(messages=(SmsMessage("hi", (GB[0],)),), sender="Way too long id"), "sender"),
        (SendBatch(messages=(SmsMessage("hi", (GB[0],)),), push_url="https://x"), "push_url"),
        (SendBatch(messages=(SmsMessage("hi", tuple(GB) * 60),)), "messages"),
    ]
    for batch, field in bad:
        with pytest.raises(ValidationError) as info:
            client.validate_send(batch)
        assert info.value.field == field
        with pytest.raises(ValidationError):
            client.send(batch)
    assert ileti_sandbox_env.requests(service="wisecp") == []


# -- the generic send operator and delivery sensor -----------------------------------------------------------
def test_send_sms_operator_and_delivery_sensor(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator
    from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

    ileti_sandbox_env.admin.clock(speed=1)
    op = SendSmsOperator(task_id="send", conn_id=CONN, message="Merhaba", recipients=GB, chunk_size=8)
    result = op.execute(make_context(store=FakeStateStore()))  # a record: WISECP has no client ids
    assert result["service"] == "wisecp" and result["recipients"] == 20 and result["chunks"] == 3
    json.dumps(result)
    assert len(submits(ileti_sandbox_env)) == 3
    assert sum(r["recipients"] for r in wisecp(ileti_sandbox_env).snapshot()["reports"]) == 20
    assert wisecp(ileti_sandbox_env).snapshot()["balance"] == pytest.approx(100 - 20 * 0.045)
    sensor = SmsDeliverySensor(
        task_id="watch", conn_id=CONN, references=result["references"], fail_on_failed=False, deferrable=False
    )
    assert sensor.poke(make_context()).is_done is False
    ileti_sandbox_env.admin.clock(advance=700)
    done = sensor.poke(make_context())
    assert done.is_done is True
    assert (done.xcom_value["total"], done.xcom_value["delivered"], done.xcom_value["undelivered"]) == (
        20,
        16,
        4,
    )
    assert len(submits(ileti_sandbox_env)) == 3  # the sensor only reads


def test_send_sms_operator_on_a_plain_503_fails_without_resending(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    ileti_sandbox_env.admin.add_fault(SUBMIT, "status", status=503, times=1)
    op = SendSmsOperator(task_id="send", conn_id=CONN, message="x", recipients=GB[:2])
    with pytest.raises(AirflowFailException, match="may have reached WISECP"):
        op.execute(make_context(store=FakeStateStore()))
    assert len(submits(ileti_sandbox_env)) == 1


# -- WisecpCostGateOperator ------------------------------------------------------------------------
def test_cost_gate_returns_the_estimate_per_country(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator

    numbers = [*GB[:3], DE]
    op = WisecpCostGateOperator(task_id="cost", message="x" * 200, recipients=json.dumps(numbers))
    result = op.execute(make_context())
    assert result["parts"] == 2 and result["recipients"] == 4 and result["enough"] is True
    assert result["total"] == pytest.approx(2 * (3 * 0.045 + 0.1234)) and result["currency"] == "EUR"
    by_country = {c["country"]: c for c in result["by_country"]}
    assert by_country["GB"]["recipients"] == 3 and by_country["DE"]["cost"] == pytest.approx(0.2468)
    text = json.dumps(result)
    assert "447400120000" not in text and "x" * 20 not in text and WISECP_TOKEN not in text
    assert submits(ileti_sandbox_env) == []


def test_cost_gate_stops_when_short_or_above_max_cost(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator

    wisecp(ileti_sandbox_env).set_balance(0.1)
    op = WisecpCostGateOperator(task_id="cost", message="hi", recipients=GB[:5])
    with pytest.raises(AirflowFailException, match=r"balance too low: .*0\.2250 EUR .*GB 5x0\.045"):
        op.execute(make_context())
    soft = WisecpCostGateOperator(task_id="cost", message="hi", recipients=GB[:5], fail_if_short=False)
    assert soft.execute(make_context())["enough"] is False
    wisecp(ileti_sandbox_env).set_balance(100)
    capped = WisecpCostGateOperator(task_id="cost", message="hi", recipients=GB[:5], max_cost="0.2")
    with pytest.raises(AirflowFailException, match="above max_cost=0.2"):
        capped.execute(make_context())
    assert submits(ileti_sandbox_env) == []


def test_cost_gate_refuses_bad_input_before_any_request(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator

    cases = [
        ({"message": "", "recipients": GB[:1]}, "message"),
        ({"message": "hi", "recipients": []}, "recipients"),
        ({"message": "hi", "recipients": [5]}, "recipients[0]"),
        ({"message": "hi", "recipients": GB[:1], "max_cost": "lots"}, "max_cost"),
    ]
    for kwargs, field in cases:
        with pytest.raises(AirflowFailException, match=re.escape(f"{field}=")):
            WisecpCostGateOperator(task_id="cost", **kwargs).execute(make_context())
    # a country without a price is named, with the number masked
    with pytest.raises(AirflowFailException, match=r"no price for JP") as info:
        WisecpCostGateOperator(task_id="cost", message="hi", recipients=["+81 90 1234 5678"]).execute(
            make_context()
        )
    assert "819012345678" not in str(info.value)
    assert submits(ileti_sandbox_env) == []
    assert [r["path"] for r in ileti_sandbox_env.requests(service="wisecp")] == ["/wisecp/api/sms/prices"]


def test_cost_gate_template_fields_and_cheap_import() -> None:
    import subprocess
    import sys

    from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator

    assert {"message", "recipients", "max_cost", "wisecp_conn_id"} <= set(
        WisecpCostGateOperator.template_fields
    )
    code = (
        "import sys; import airflow_provider_ileti.operators.wisecp; "
        "print('LOADED', sorted(m for m in ('phonenumbers', 'airflow_provider_ileti.clients.wisecp.client', "
        "'airflow_provider_ileti.hooks.wisecp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out
