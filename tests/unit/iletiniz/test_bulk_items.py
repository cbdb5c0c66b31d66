"""The bulk send's per-item work: every item checked before any request (a text once however many numbers
carry it), the item named in an error, and each answer row read into a ``JobResult``."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.iletiniz import client as iletiniz_client
from airflow_provider_ileti.clients.iletiniz.client import IletinizClient, JobResult, _bulk_items, _job_result
from airflow_provider_ileti.core.errors import AmbiguousSendError, ValidationError

KEY = "iltz_test_unit0key"


def test_one_text_for_many_numbers_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = iletiniz_client.check_message_text

    def counting(value: Any, field: str, **kwargs: Any) -> str:
        checked.append(field)
        return real(value, field, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(iletiniz_client, "check_message_text", counting)
    items = [f"+90555000{i:04d}" for i in range(500)]
    prepared = _bulk_items(items, "Merhaba", None)
    assert checked == ["items[0].body"]
    assert prepared[7] == {"to": "+905550000007", "body": "Merhaba"}
    pairs = [(n, "Bir" if i % 2 else "İki") for i, n in enumerate(items)]
    checked.clear()
    assert [p["body"] for p in _bulk_items(pairs, None, None)[:3]] == ["İki", "Bir", "İki"]
    assert checked == ["items[0].body", "items[1].body"]


@pytest.mark.parametrize(
    ("items", "body", "field"),
    [
        (["+905550000001", "+905550000002", "12"], "Merhaba", "items[2].to"),
        ([("+905550000001", "Bir"), ("+905550000002", "B\x00ir")], None, "items[1].body"),
        ([("+905550000001", "Bir"), ("+905550000002", "")], None, "items[1].body"),
        ([("+905550000001", "Bir"), ("+905550000002", None)], None, "items[1].body"),
        (["+905550000001", "@"], "Merhaba", "items[1].to"),
    ],
)
def test_a_bad_item_is_named(items: list[Any], body: str | None, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _bulk_items(items, body, None, handles=True)
    assert caught.value.field == field


def test_numbers_come_out_in_e164_and_handles_as_given() -> None:
    prepared = _bulk_items(
        ["0555 000 00 01", "@kanal", "-1001234567890", "+44 7400 123456"], "Hi", None, handles=True
    )
    assert [p["to"] for p in prepared] == ["+905550000001", "@kanal", "-1001234567890", "+447400123456"]
    chats = _bulk_items(["8409353994"], "Hi", None, handles=True, chat_ids=True)
    assert chats[0]["to"] == "8409353994"


def test_answer_rows_become_job_results() -> None:
    assert _job_result({"to": "+905550000001", "status": "sent", "job_id": "job_1"}) == JobResult(
        "+905550000001", "sent", "job_1"
    )
    failed = {"to": "+905550000002", "status": "failed", "error": {"code": "invalid", "message": "no"}}
    assert _job_result(failed) == JobResult("+905550000002", "failed", None, "invalid", "no")
    assert _job_result({"to": 1, "status": "failed", "error": "odd"}) == JobResult("1", "failed")


def test_an_answer_whose_rows_are_not_objects_is_ambiguous(monkeypatch: pytest.MonkeyPatch) -> None:
    client = IletinizClient("https://api.example.invalid", KEY)
    answer = Answer(200, {"Content-Type": "application/json"}, b'{"results": ["x", "y"]}', what="send")
    monkeypatch.setattr(client._http, "request", lambda *args, **kwargs: answer)
    with pytest.raises(AmbiguousSendError, match="not all objects"):
        client.send_bulk(["+905550000001", "+905550000002"], body="Merhaba")
    client.close()


def test_a_job_result_built_from_its_slots_is_the_dataclass() -> None:
    from airflow_provider_ileti.clients.iletiniz.client import _new_job_result

    made = _new_job_result("+905550000001", "failed", None, "invalid", "no")
    assert made == JobResult("+905550000001", "failed", None, "invalid", "no")
    assert hash(made) == hash(JobResult("+905550000001", "failed", None, "invalid", "no"))
    with pytest.raises(AttributeError):
        made.status = "sent"  # type: ignore[misc]
