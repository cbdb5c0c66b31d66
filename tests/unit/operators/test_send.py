"""SendSmsOperator against a fake SmsClient: chunking, personalisation, sources, exactly once, on_kill."""

from __future__ import annotations

import datetime as dt

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.core.idempotency import make_custom_id
from airflow_provider_ileti.core.models import DeliveryPhase
from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.tasks.personal_data import Hidden, reveal
from tests.unit.operators.support import (
    NUMBERS,
    FakeSmsClient,
    FakeStateStore,
    FakeTI,
    make_context,
    run_with_retries,
)


def op(**kwargs):
    kwargs.setdefault("task_id", "send")
    kwargs.setdefault("conn_id", "node_sms_default")
    return SendSmsOperator(**kwargs)


def sends(client: FakeSmsClient) -> list[str]:
    return [key for name, key in client.calls if name == "send"]


def test_one_text_in_chunks_of_the_service_limit(fake_client: FakeSmsClient) -> None:
    result = op(message="Kampanya", recipients=NUMBERS[:25]).execute(make_context(store=FakeStateStore()))
    assert result == {
        "service": "fake",
        "references": ["1000", "1001", "1002"],
        "chunks": 3,
        "recipients": 25,
        "replayed_chunks": 0,
    }
    batches = list(fake_client.packages.values())
    assert [b.recipient_count for b in batches] == [10, 10, 5]
    assert batches[0].messages[0].numbers[0] == "905555550000"
    assert {m.text for b in batches for m in b.messages} == {"Kampanya"}


def test_chunk_size_smaller_than_the_limit_and_deterministic_keys(fake_client: FakeSmsClient) -> None:
    ti = FakeTI(dag_id="d", task_id="send", run_id="r1", map_index=3)
    op(message="x", recipients=NUMBERS[:7], chunk_size=3).execute(make_context(ti))
    assert sends(fake_client) == [make_custom_id("d", "send", "r1", 3, n) for n in range(3)]
    # never the try number: a retry makes the same keys
    assert make_custom_id("d", "send", "r1", 3, 0) == "af.d.send.r1.3.0"


def test_chunk_size_larger_than_the_limit_is_capped(fake_client: FakeSmsClient) -> None:
    result = op(message="x", recipients=NUMBERS[:25], chunk_size=500).execute(make_context())
    assert result["chunks"] == 3


def test_personalised_text_per_recipient(fake_client: FakeSmsClient) -> None:
    people = [{"phone": NUMBERS[i], "first_name": f"Ayşe{i}"} for i in range(12)]
    result = op(message_template="Merhaba {{ r.first_name }}", recipients=people).execute(make_context())
    assert result["recipients"] == 12
    first = next(iter(fake_client.packages.values()))
    assert [(m.text, m.numbers) for m in first.messages[:2]] == [
        ("Merhaba Ayşe0", ("905555550000",)),
        ("Merhaba Ayşe1", ("905555550001",)),
    ]


def test_airflow_templating_leaves_the_per_recipient_template_alone() -> None:
    task = op(message_template="Merhaba {{ r.first_name }} {{ ds }}", recipients=["x"])
    assert "message_template" not in task.template_fields
    assert "message" in task.template_fields
    task.render_template_fields({"ds": "2026-01-01", "params": {}})
    assert task.message_template == "Merhaba {{ r.first_name }} {{ ds }}"


def test_message_is_templated_by_airflow() -> None:
    task = op(message="Rapor {{ ds }}", recipients=["05555550001"])
    task.render_template_fields({"ds": "2026-01-01", "params": {}})
    assert reveal(task.message) == "Rapor 2026-01-01"


def test_rendered_numbers_and_text_are_hidden_from_the_rendered_view_unless_shown() -> None:
    task = op(message="Rapor {{ ds }}", recipients="{{ params.numbers }}")
    task.render_template_fields({"ds": "2026-01-01", "params": {"numbers": "05555550001,05555550002"}})
    assert isinstance(task.recipients, Hidden) and isinstance(task.message, Hidden)
    assert str(task.message) == "<hidden: text of 16 characters; show_personal_data=True shows it>"
    assert "5555" not in str(task.recipients) and "5555" not in repr(task.recipients)
    assert reveal(task.recipients) == "05555550001,05555550002"
    shown = op(message="Rapor {{ ds }}", recipients=["05555550001"], show_personal_data=True)
    shown.render_template_fields({"ds": "2026-01-01", "params": {}})
    assert shown.message == "Rapor 2026-01-01" and shown.recipients == ["05555550001"]


def test_template_is_sandboxed(fake_client: FakeSmsClient) -> None:
    task = op(message_template="{{ r.__class__.__mro__ }}", recipients=[{"phone": NUMBERS[0]}])
    with pytest.raises(AirflowFailException, match="message_template"):
        task.execute(make_context())
    assert fake_client.calls == []


def test_missing_field_fails_before_any_request(fake_client: FakeSmsClient) -> None:
    people = [{"phone": n, "first_name": "A"} for n in NUMBERS[:30]] + [{"phone": NUMBERS[30]}]
    with pytest.raises(AirflowFailException, match=r"recipients\[30\]"):
        op(message_template="Merhaba {{ r.first_name }}", recipients=people).execute(make_context())
    assert fake_client.calls == []


def test_bad_number_deep_in_a_list_fails_before_any_request(fake_client: FakeSmsClient) -> None:
    with pytest.raises(AirflowFailException, match=r"recipients\[25\]"):
        op(message="x", recipients=NUMBERS[:25] + ["12"]).execute(make_context())
    assert fake_client.calls == []


def test_recipients_from_a_rendered_xcom_string(fake_client: FakeSmsClient) -> None:
    as_json = '["05555550001", "+90 555 555 0002"]'
    assert op(message="x", recipients=as_json).execute(make_context())["recipients"] == 2
    as_repr = "[{'gsm': '05555550003', 'ad': 'Ali'}]"
    assert op(message="x", recipients=as_repr).execute(make_context())["recipients"] == 1
    assert (
        op(message="x", recipients="05555550004, 05555550005\n05555550006").execute(make_context())[
            "recipients"
        ]
        == 3
    )


def test_recipients_from_a_csv_file(fake_client: FakeSmsClient, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("ad;telefon\n" + "".join(f"Kişi {i};{NUMBERS[i]}\n" for i in range(15)), encoding="utf-8")
    task = op(message_template="Sayın {{ r.ad }}", recipients_csv=str(path), csv_delimiter=";")
    result = task.execute(make_context())
    assert result["recipients"] == 15 and result["chunks"] == 2
    texts = [m.text for b in fake_client.packages.values() for m in b.messages]
    assert texts[14] == "Sayın Kişi 14"


def test_recipients_from_a_one_shot_generator_are_streamed(fake_client: FakeSmsClient) -> None:
    consumed = []

    def people():
        for i in range(35):
            consumed.append(i)
            yield NUMBERS[i]

    result = op(message="x", recipients=people()).execute(make_context())
    assert result["chunks"] == 4 and len(consumed) == 35


def test_send_options_reach_the_batch(fake_client: FakeSmsClient) -> None:
    task = op(
        message="x",
        recipients=[NUMBERS[0]],
        sender="ILETI",
        send_at="2030-01-02T10:00:00+03:00",
        validity=dt.timedelta(hours=2),
        commercial=True,
        iys_recipient_type="bireysel",
        push_url="https://example.com/hook",
        title="Ocak",
    )
    task.execute(make_context())
    batch = next(iter(fake_client.packages.values()))
    assert batch.sender == "ILETI"
    assert batch.send_at == dt.datetime(2030, 1, 2, 7, 0, tzinfo=dt.UTC)
    assert batch.validity_minutes == 120
    assert (batch.commercial, batch.iys_recipient_type) == (True, "BIREYSEL")
    assert (batch.push_url, batch.title) == ("https://example.com/hook", "Ocak")


BAD_ARGUMENTS = [
    ({"conn_id": ""}, "conn_id"),
    ({"message": None}, "message"),
    ({"message_template": "Merhaba"}, "message"),  # both given
    ({"message": "  "}, "message"),
    ({"message": None, "message_template": "{{ r.x "}, "message_template"),
    ({"recipients": None}, "recipients"),
    ({"recipients": []}, "recipients"),
    ({"recipients": ["0212 555 00 01"]}, r"recipients\[0\]"),
    ({"recipients": [{"name": "no number"}]}, r"recipients\[0\]"),
    ({"recipients": [{"tel": "05555550001"}], "number_field": "phone"}, "recipients"),
    ({"recipients": 42}, "recipients"),
    ({"recipients": None, "recipients_csv": "/nonexistent/x.csv"}, "recipients_csv"),
    ({"csv_delimiter": ";;"}, "csv_delimiter"),
    ({"chunk_size": 0}, "chunk_size"),
    ({"chunk_size": True}, "chunk_size"),
    ({"sender": ""}, "sender"),
    ({"send_at": "next tuesday"}, "send_at"),
    ({"send_at": 12}, "send_at"),
    ({"validity": 0}, "validity"),
    ({"validity": "2h"}, "validity"),
    ({"validity": dt.timedelta(seconds=90)}, "validity"),
    ({"commercial": "yes"}, "commercial"),
    ({"iys_recipient_type": "HERKES", "commercial": True}, "iys_recipient_type"),
    ({"iys_recipient_type": "TACIR"}, "iys_recipient_type"),  # not commercial
    ({"push_url": "ftp://x"}, "push_url"),
    ({"region": "TUR"}, "region"),
    ({"poll_interval": 0}, "poll_interval"),
    ({"on_ambiguous": "maybe"}, "on_ambiguous"),
    ({"min_delivered_ratio": 1.5}, "min_delivered_ratio"),
    ({"wait_for_delivery": "yes"}, "wait_for_delivery"),
]


@pytest.mark.parametrize(("kwargs", "field"), BAD_ARGUMENTS, ids=[f for _, f in BAD_ARGUMENTS])
def test_every_bad_argument_fails_before_any_request(fake_client: FakeSmsClient, kwargs, field) -> None:
    args = {"message": "x", "recipients": [NUMBERS[0]], **kwargs}
    with pytest.raises(AirflowFailException, match=field):
        op(**args).execute(make_context())
    assert fake_client.calls == []
    assert fake_client.hook.created == 0


def test_a_lost_answer_is_resumed_not_resent(fake_client: FakeSmsClient) -> None:
    """Try 1 dies at chunk 3 after the service committed it; try 2 finds chunks 0..3 and sends 4.."""
    fake_client.fail_on = {4: "drop_after_commit"}
    store = FakeStateStore()
    result, errors = run_with_retries(op(message="x", recipients=NUMBERS[:60]), tries=3, store=store)
    assert len(errors) == 1 and isinstance(errors[0], AirflowException)
    assert len(fake_client.packages) == 6
    assert result["chunks"] == 6 and result["recipients"] == 60
    assert result["references"] == sorted(fake_client.packages)
    assert result["replayed_chunks"] == 1  # chunk 3, committed by try 1
    lookups = [c for c in fake_client.calls if c[0] == "find_sent"]
    assert len(lookups) == 1  # one lookup request for a batch of keys


def test_resume_without_a_state_store_uses_lookups_only(fake_client: FakeSmsClient, monkeypatch) -> None:
    fake_client.fail_on = {2: "drop_after_commit", 5: "transient"}
    task = op(message="x", recipients=NUMBERS[:60], persist_progress=False)
    result, errors = run_with_retries(task, tries=4)
    assert len(errors) == 2
    assert len(fake_client.packages) == 6 and result["chunks"] == 6
    assert result["references"] == sorted(fake_client.packages)


def test_non_idempotent_service_resumes_at_the_chunk_that_surely_failed(fake_client: FakeSmsClient) -> None:
    fake_client.supports_idempotency = False
    fake_client.fail_on = {3: "transient"}
    store = FakeStateStore()
    result, errors = run_with_retries(op(message="x", recipients=NUMBERS[:50]), tries=2, store=store)
    assert len(errors) == 1 and not isinstance(errors[0], AirflowFailException)
    assert len(fake_client.packages) == 5 and result["chunks"] == 5
    assert not [c for c in fake_client.calls if c[0] == "find_sent"]


def test_an_ambiguous_send_fails_and_names_what_may_have_gone_out(fake_client: FakeSmsClient) -> None:
    fake_client.supports_idempotency = False
    fake_client.fail_on = {3: "drop_after_commit"}
    store = FakeStateStore()
    task = op(message="x", recipients=NUMBERS[:50])
    result, errors = run_with_retries(task, tries=3, store=store)
    assert result is None and len(errors) == 1
    message = str(errors[0])
    assert isinstance(errors[0], AirflowFailException)
    assert "chunk 2" in message and "1000, 1001" in message and "may have gone out" in message
    assert "905555550020" not in message  # numbers masked
    # a person clears the task: the next try still refuses without a decision
    sent_before = len(fake_client.packages)
    _, errors = run_with_retries(task, tries=1, store=store, ti=FakeTI(try_number=4))
    assert "ambiguous" in str(errors[0]) and len(fake_client.packages) == sent_before
    # they checked the panel: it went out
    task.on_ambiguous = "skip"
    result, errors = run_with_retries(task, tries=1, store=store, ti=FakeTI(try_number=5))
    assert not errors and len(fake_client.packages) == 5
    assert result["chunks"] == 5 and result["recipients"] == 40  # the ambiguous chunk's 10 are unknown


def test_on_ambiguous_resend(fake_client: FakeSmsClient) -> None:
    fake_client.supports_idempotency = False
    fake_client.fail_on = {2: "drop_after_commit"}
    store = FakeStateStore()
    task = op(message="x", recipients=NUMBERS[:30])
    run_with_retries(task, tries=1, store=store)
    task.on_ambiguous = "resend"
    result, _ = run_with_retries(task, tries=1, store=store, ti=FakeTI(try_number=2))
    assert result["chunks"] == 3 and len(fake_client.packages) == 4  # chunk 1 sent twice, on request


def test_state_store_records_progress_and_keeps_it_marked_complete(fake_client: FakeSmsClient) -> None:
    store = FakeStateStore()
    op(message="x", recipients=NUMBERS[:30]).execute(make_context(store=store))
    assert store.writes >= 3
    record = store.data["ileti_send_progress"]
    assert record["complete"] is True and record["references"] == ["1000", "1001", "1002"]
    assert record["in_flight"] is None and record["cancelled"] == []


def test_on_kill_cancels_only_scheduled_packages(fake_client: FakeSmsClient) -> None:
    task = op(message="x", recipients=NUMBERS[:20], send_at="2030-01-01T10:00:00Z")
    task.execute(make_context())
    refs = list(fake_client.packages)
    fake_client.phases[refs[1]] = DeliveryPhase.SENT
    task.on_kill()
    assert fake_client.cancelled == [refs[0]]


def test_wait_for_delivery_polls_until_final(fake_client: FakeSmsClient, monkeypatch) -> None:
    monkeypatch.setattr("time.sleep", lambda s: fake_client.complete_all())
    task = op(message="x", recipients=NUMBERS[:20], wait_for_delivery=True, poll_interval=1)
    result = task.execute(make_context())
    assert result["delivery"]["delivered"] == 18 and result["delivery"]["packages"] == 2


def test_wait_for_delivery_applies_the_ratio(fake_client: FakeSmsClient, monkeypatch) -> None:
    monkeypatch.setattr("time.sleep", lambda s: fake_client.complete_all())
    task = op(message="x", recipients=NUMBERS[:20], wait_for_delivery=True, min_delivered_ratio=0.95)
    with pytest.raises(AirflowFailException, match="below"):
        task.execute(make_context())


def test_deferrable_wait_defers_to_the_delivery_trigger(fake_client: FakeSmsClient) -> None:
    from airflow.providers.common.compat.sdk import TaskDeferred

    task = op(message="x", recipients=NUMBERS[:20], wait_for_delivery=True, deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        task.execute(make_context())
    trigger = deferred.value.trigger
    assert trigger.references == ["1000", "1001"] and deferred.value.method_name == "execute_complete"
    result = task.execute_complete(
        make_context(),
        event={"status": "final", "summary": {"packages": 2, "total": 20, "delivered": 20}},
        **deferred.value.kwargs,
    )
    assert result["references"] == ["1000", "1001"] and result["delivery"]["delivered"] == 20


def test_a_retry_after_a_completed_send_reconnects_instead_of_sending(fake_client: FakeSmsClient) -> None:
    """3.3: ResumableJobMixin finds the stored result; below 3.3 the progress record is marked complete.

    Either way the retry makes no request at all."""
    from airflow_provider_ileti.version_compat import AIRFLOW_V_3_3_PLUS

    store = FakeStateStore()
    ti = FakeTI()
    task = op(message="x", recipients=NUMBERS[:30])
    first = task.execute(make_context(ti, store))
    calls = len(fake_client.calls)
    ti.try_number = 2  # e.g. the worker died after the send, before Airflow recorded success
    again = task.execute(make_context(ti, store))
    assert again["references"] == first["references"] and len(fake_client.packages) == 3
    if AIRFLOW_V_3_3_PLUS:
        assert store.data["ileti_send_result"]["references"] == first["references"]
    assert store.data["ileti_send_progress"]["complete"] is True
    assert len(fake_client.calls) == calls  # reconnected / completed: not even a lookup
