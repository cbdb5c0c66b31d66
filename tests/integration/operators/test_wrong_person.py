"""A number with letters never reaches a service (issue 13, "wrong person").

``phonenumbers`` reads letters as keypad digits, so ``0532abc4567`` once went to 905322224567 — someone else —
on every connection kind and from the OTP operator. Now it is refused before any request, with the field
named and the number masked.
"""

from __future__ import annotations

from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

pytestmark = pytest.mark.integration

LETTERED = "0532abc4567"
CONNECTIONS = [
    ("node_sms_default", "node"),
    ("node_sms_soap", "node"),
    ("iletimerkezi_default", "iletimerkezi"),
    ("iletimerkezi_json", "iletimerkezi"),
    ("iletiniz_default", "iletiniz"),
    ("wisecp_default", "wisecp"),
]


def _refused(error: BaseException) -> str:
    message = str(error)
    assert LETTERED not in message and "2224567" not in message
    return message


@pytest.mark.parametrize(("conn_id", "service"), CONNECTIONS, ids=[c for c, _ in CONNECTIONS])
def test_a_number_with_letters_is_refused_before_any_request(
    ileti_sandbox_env: Any, conn_id: str, service: str
) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    task = SendSmsOperator(
        task_id="send", conn_id=conn_id, message="Merhaba", recipients=["05555550001", LETTERED]
    )
    with pytest.raises(AirflowFailException) as info:
        task.execute(make_context(FakeTI(run_id="letters"), FakeStateStore()))
    message = _refused(info.value)
    assert "letters are never read as digits" in message
    assert ileti_sandbox_env.requests(service=service) == []


def test_the_otp_operator_refuses_a_number_with_letters_before_any_request(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.node_otp import NodeOtpOperator

    task = NodeOtpOperator(task_id="otp", number=LETTERED, content="Kodunuz 123456")
    with pytest.raises(AirflowFailException) as info:
        task.execute(make_context(FakeTI(run_id="letters-otp"), FakeStateStore()))
    assert "letters are never read as digits" in _refused(info.value)
    assert ileti_sandbox_env.requests(service="node") == []


def test_a_number_a_service_echoes_in_its_error_is_masked_in_the_task_failure(ileti_sandbox_env: Any) -> None:
    from airflow_provider_ileti.operators.node_otp import NodeOtpOperator

    ileti_sandbox_env.admin.add_fault(
        "/node/sms/create-otp", "service_error", code="SMS00", status=400,
        message="number 905551234567 is not allowed",
    )  # fmt: skip
    task = NodeOtpOperator(task_id="otp", number="0555 123 45 67", content="Kodunuz 123456")
    with pytest.raises(AirflowFailException) as info:
        task.execute(make_context(FakeTI(run_id="echo"), FakeStateStore()))
    message = str(info.value)
    assert "90555***4567" in message and "905551234567" not in message
