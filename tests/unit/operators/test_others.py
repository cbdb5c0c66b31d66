"""CancelSmsOperator, SmsBalanceGateOperator, SmsNotifier and the retry policy against a fake client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    InsufficientCreditError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.models import Balance, DeliveryPhase
from airflow_provider_ileti.notifications.sms import SmsNotifier
from airflow_provider_ileti.operators.balance import SmsBalanceGateOperator
from airflow_provider_ileti.operators.cancel import CancelSmsOperator
from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.tasks.retry_policy import default_retry_policy, ileti_error_in
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_3_PLUS
from tests.unit.operators.support import NUMBERS, FakeSmsClient, FakeTI, make_context


def scheduled_packages(client: FakeSmsClient, count: int) -> list[str]:
    task = SendSmsOperator(
        task_id="s",
        conn_id="c",
        message="x",
        recipients=NUMBERS[: count * 10],
        send_at="2030-01-01T00:00:00Z",
    )
    refs = task.execute(make_context())["references"]
    client.calls.clear()
    return refs


def test_cancel_reports_what_could_not_be_cancelled(fake_client: FakeSmsClient) -> None:
    refs = scheduled_packages(fake_client, 3)
    fake_client.phases[refs[2]] = DeliveryPhase.SENT
    result = CancelSmsOperator(task_id="c", conn_id="c", references=refs).execute(make_context())
    assert result == {"service": "fake", "cancelled": refs[:2], "not_cancellable": [refs[2]]}
    with pytest.raises(AirflowFailException, match="could not be cancelled"):
        CancelSmsOperator(
            task_id="c", conn_id="c", references=[refs[2]], fail_if_not_cancellable=True
        ).execute(make_context())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"references": []}, "references"),
        ({"conn_id": " "}, "conn_id"),
        ({"references": "1", "fail_if_not_cancellable": 1}, "fail_if"),
    ],
)
def test_cancel_bad_arguments_make_no_request(fake_client: FakeSmsClient, kwargs, field) -> None:
    args = {"task_id": "c", "conn_id": "c", "references": ["1"], **kwargs}
    with pytest.raises(AirflowFailException, match=field):
        CancelSmsOperator(**args).execute(make_context())
    assert fake_client.calls == [] and fake_client.hook.created == 0


def gate(**kwargs) -> SmsBalanceGateOperator:
    return SmsBalanceGateOperator(task_id="gate", conn_id="c", **kwargs)


def test_balance_gate_passes_and_fails_on_the_planned_send(fake_client: FakeSmsClient) -> None:
    fake_client.balance = Balance(credits=100.0)
    result = gate(planned_recipients=50, planned_message="kısa").execute(make_context())
    assert result["needed_credits"] == 50 and result["balance"]["credits"] == 100.0
    with pytest.raises(AirflowFailException, match="needs 200"):
        gate(planned_recipients=100, planned_message="x" * 200).execute(make_context())  # 2 parts each
    with pytest.raises(AirflowFailException, match="needs 150"):
        gate(min_credits=150).execute(make_context())
    assert (
        gate(planned_recipients="30", credits_per_recipient=3).execute(make_context())["needed_credits"] == 90
    )


def test_balance_gate_amount_and_quota(fake_client: FakeSmsClient) -> None:
    fake_client.balance = Balance(amount=12.5, currency="USD")
    assert gate(min_amount=10).execute(make_context())["balance"]["amount"] == 12.5
    with pytest.raises(AirflowFailException, match="min_amount"):
        gate(min_amount=20).execute(make_context())
    asked = []

    def check_quota(needed: float) -> None:
        asked.append(needed)
        raise InsufficientCreditError("quota exhausted", service="fake")

    fake_client.check_quota = check_quota  # type: ignore[attr-defined]
    fake_client.balance = Balance(credits=1000.0)
    with pytest.raises(AirflowFailException, match="quota exhausted"):
        gate(planned_recipients=10).execute(make_context())
    assert asked == [10.0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "min_credits"),
        ({"min_credits": -1}, "min_credits"),
        ({"min_amount": "lots"}, "min_amount"),
        ({"planned_recipients": -5}, "planned_recipients"),
        ({"planned_recipients": "many"}, "planned_recipients"),
        ({"planned_recipients": 5, "planned_message": ""}, "planned_message"),
        ({"planned_recipients": 5, "planned_message": "a", "credits_per_recipient": 1}, "planned_message"),
        ({"planned_recipients": 5, "credits_per_recipient": 0}, "credits_per_recipient"),
        ({"conn_id": "", "min_credits": 1}, "conn_id"),
    ],
)
def test_balance_gate_bad_arguments_make_no_request(fake_client: FakeSmsClient, kwargs, field) -> None:
    args = {"task_id": "gate", "conn_id": "c", **kwargs}
    with pytest.raises(AirflowFailException, match=field):
        SmsBalanceGateOperator(**args).execute(make_context())
    assert fake_client.calls == [] and fake_client.hook.created == 0


def test_notifier_sends_once_per_failed_try(fake_client: FakeSmsClient) -> None:
    notifier = SmsNotifier(
        "c", to=["0555 555 00 01", "+905555550001", "05555550002"], message="{{ ti.task_id }} failed"
    )
    ti = FakeTI(task_id="load", try_number=2)
    from airflow import DAG

    context = {**make_context(ti), "dag": DAG("dag", schedule=None)}
    notifier.render_template_fields(context)
    notifier.notify(context)
    notifier.notify(context)  # a callback run twice for the same failure
    (batch,) = fake_client.packages.values()
    assert batch.messages[0].text == "load failed"
    assert batch.messages[0].numbers == ("905555550001", "905555550002")
    assert len([c for c in fake_client.calls if c[0] == "send"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": []}, "to"),
        ({"to": ["12"]}, r"to\[0\]"),
        ({"message": ""}, "message"),
        ({"to": ["05555550001"] * 101}, "to"),
    ],
)
def test_notifier_bad_arguments_make_no_request(fake_client: FakeSmsClient, kwargs, field) -> None:
    args = {"conn_id": "c", "to": ["05555550001"], "message": "m", **kwargs}
    with pytest.raises(ValidationError, match=field):
        SmsNotifier(**args).notify(make_context())
    assert fake_client.calls == [] and fake_client.hook.created == 0


def test_error_chain_is_followed() -> None:
    cause = TransientError("429", retry_after=30)
    try:
        try:
            raise cause
        except TransientError as exc:
            raise AirflowException("send failed") from exc
    except AirflowException as wrapped:
        assert ileti_error_in(wrapped) is cause
    assert ileti_error_in(ValueError("x")) is None


@pytest.mark.skipif(not AIRFLOW_V_3_3_PLUS, reason="retry policies arrived in Airflow 3.3")
def test_retry_policy_on_3_3() -> None:
    from airflow.providers.common.compat.sdk import RetryAction

    policy = default_retry_policy()
    assert SendSmsOperator(task_id="s", conn_id="c", message="x", recipients=["1"]).retry_policy is not None
    wrapped = AirflowException("x")
    wrapped.__cause__ = TransientError("429", retry_after=30)
    decision = policy.evaluate(wrapped, 1, 3)
    assert decision.action is RetryAction.RETRY and decision.retry_delay == timedelta(seconds=30)
    assert policy.evaluate(AmbiguousSendError("maybe"), 1, 3).action is RetryAction.FAIL
    assert policy.evaluate(TransientError("503"), 1, 3).action is RetryAction.DEFAULT
    assert policy.evaluate(KeyError("x"), 1, 3).action is RetryAction.DEFAULT
    assert policy.serialize() == {"__type": "IletiRetryPolicy"}


@pytest.mark.skipif(AIRFLOW_V_3_3_PLUS, reason="below 3.3 there is no retry_policy")
def test_no_retry_policy_below_3_3() -> None:
    assert default_retry_policy() is None
    assert (
        getattr(
            SendSmsOperator(task_id="s", conn_id="c", message="x", recipients=["1"]), "retry_policy", None
        )
        is None
    )
