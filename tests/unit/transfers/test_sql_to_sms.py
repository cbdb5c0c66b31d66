"""``SqlToSmsOperator`` on a SQLite file and a fake service: the send's guarantees, with a query as source.

Every check that matters happens before a request (the fake service counts them): the ORDER BY rule, a bad
row named by its place in the query, a retry whose query now returns other rows in a chunk that went out.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.core.phone import normalize_number
from airflow_provider_ileti.transfers.sql_to_sms import SqlToSmsOperator
from tests.unit.operators.support import FakeSmsClient, FakeStateStore, FakeTI, make_context
from tests.unit.transfers.conftest import PEOPLE, execute_sql

ORDERED = "SELECT id, name, phone FROM people WHERE status = :status ORDER BY id"


def op(**kwargs: Any) -> SqlToSmsOperator:
    kwargs.setdefault("task_id", "send")
    kwargs.setdefault("conn_id", "node_sms_default")
    kwargs.setdefault("sql_conn_id", "shop")
    kwargs.setdefault("sql", ORDERED)
    kwargs.setdefault("parameters", {"status": "shipped"})
    kwargs.setdefault("chunk_size", 4)
    if "message" not in kwargs and "message_column" not in kwargs:
        kwargs.setdefault("message_template", "Merhaba {{ r.name }}, siparişiniz yolda.")
    return SqlToSmsOperator(**kwargs)


def sent(client: FakeSmsClient) -> list[tuple[str, str]]:
    """(number, text) of every message the fake service accepted, in order."""
    return [
        (number, message.text)
        for batch in client.packages.values()
        for message in batch.messages
        for number in message.numbers
    ]


def expected(rows: list[tuple[Any, ...]] = PEOPLE) -> list[tuple[str, str]]:
    return [(normalize_number(phone), f"Merhaba {name}, siparişiniz yolda.") for _, name, phone, _ in rows]


def test_every_row_gets_its_text_in_chunks(shop_db: Path, fake_client: FakeSmsClient) -> None:
    result = op().execute(make_context())
    assert (result["recipients"], result["chunks"]) == (10, 3)
    assert sent(fake_client) == expected()


def test_key_columns_order_a_query_that_has_no_order_by(shop_db: Path, fake_client: FakeSmsClient) -> None:
    op(sql="SELECT name, phone, id FROM people", parameters=None, key_columns="id").execute(make_context())
    assert sent(fake_client) == expected()


def test_a_column_can_hold_the_text(shop_db: Path, fake_client: FakeSmsClient) -> None:
    sql = "SELECT phone AS gsm, 'Kargo ' || id AS body FROM people ORDER BY id"
    op(sql=sql, parameters=None, message_column="body", number_field="gsm").execute(make_context())
    assert sent(fake_client) == [(normalize_number(p), f"Kargo {i}") for i, _, p, _ in PEOPLE]


def test_one_text_for_every_row(shop_db: Path, fake_client: FakeSmsClient) -> None:
    op(message="Mağazamız açıldı").execute(make_context())
    assert {text for _, text in sent(fake_client)} == {"Mağazamız açıldı"}
    assert len(sent(fake_client)) == len(PEOPLE)


def test_a_query_without_order_by_is_refused_before_any_request(
    shop_db: Path, fake_client: FakeSmsClient
) -> None:
    with pytest.raises(AirflowFailException) as info:
        op(sql="SELECT * FROM people WHERE status = :status").execute(make_context())
    message = str(info.value)
    assert "ORDER BY" in message and "key_columns" in message and "fingerprint" in message
    assert fake_client.calls == [] and fake_client.hook.created == 0  # type: ignore[attr-defined]


def test_a_bad_row_is_named_by_its_place_in_the_query_before_any_request(
    shop_db: Path, fake_client: FakeSmsClient
) -> None:
    execute_sql(shop_db, "UPDATE people SET phone = '02125550007' WHERE id = 8")
    with pytest.raises(AirflowFailException) as info:
        op().execute(make_context())
    message = str(info.value)
    assert "query row[7]" in message  # the 8th row of the query's order, counted from 0
    assert "0212***0007" in message and "02125550007" not in message  # the value, masked
    assert fake_client.calls == []


def test_a_row_without_a_value_the_template_uses_is_named(shop_db: Path, fake_client: FakeSmsClient) -> None:
    execute_sql(shop_db, "UPDATE people SET name = NULL WHERE id = 3")
    with pytest.raises(AirflowFailException, match=r"query row\[2\]\.name"):
        op().execute(make_context())
    assert fake_client.calls == []


def test_a_retry_after_the_query_changed_order_is_refused_by_the_fingerprint_check(
    shop_db: Path, fake_client: FakeSmsClient
) -> None:
    store, ti = FakeStateStore(), FakeTI()
    fake_client.fail_on = {2: "transient"}  # chunk 1 surely did not go out
    with pytest.raises(AirflowException, match="503"):
        op().execute(make_context(ti, store))
    assert len(sent(fake_client)) == 4
    # the rows now come back in another order (a new row first; the data changed under the query)
    execute_sql(shop_db, "INSERT INTO people VALUES (0, 'Yeni', '05555559999', 'shipped')")
    ti.try_number = 2
    requests = fake_client.requests
    with pytest.raises(AirflowFailException) as info:
        op().execute(make_context(ti, store))
    assert "recipients changed between tries" in str(info.value) and "chunk 0" in str(info.value)
    assert [c for c in fake_client.calls[requests:] if c[0] == "send"] == []
    assert len(sent(fake_client)) == 4


def test_a_retry_after_a_crash_mid_send_sends_nothing_twice(
    shop_db: Path, fake_client: FakeSmsClient
) -> None:
    store, ti = FakeStateStore(), FakeTI()
    fake_client.fail_on = {2: "drop_after_commit"}  # chunk 1 went out, its answer was lost
    with pytest.raises(AirflowException):
        op().execute(make_context(ti, store))
    assert len(sent(fake_client)) == 8
    ti.try_number = 2
    result = op().execute(make_context(ti, store))
    assert result["recipients"] == 10 and result["replayed_chunks"] >= 1
    assert Counter(sent(fake_client)) == Counter(expected())  # each row exactly once
    # a third try (the task cleared after success) sends nothing either
    ti.try_number = 3
    op().execute(make_context(ti, store))
    assert Counter(sent(fake_client)) == Counter(expected())


def test_recipients_are_not_an_argument() -> None:
    with pytest.raises(TypeError, match="sql="):
        SqlToSmsOperator(task_id="t", conn_id="c", sql_conn_id="s", sql="x", recipients=["05555550001"])
    with pytest.raises(TypeError, match="one of message"):
        SqlToSmsOperator(task_id="t", conn_id="c", sql_conn_id="s", sql="x", message="a", message_column="b")


def test_a_connection_without_a_dbapi_hook_is_refused(
    monkeypatch: pytest.MonkeyPatch, fake_client: FakeSmsClient
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_NOT_A_DB", "http://example.invalid")
    with pytest.raises(AirflowFailException, match="not_a_db"):
        op(sql_conn_id="not_a_db").execute(make_context())
    assert fake_client.calls == []


def test_sql_and_parameters_are_templated_and_the_parameters_hidden() -> None:
    task = op()
    assert {"sql", "parameters", "sql_conn_id", "conn_id", "campaign_id"} <= set(task.template_fields)
    assert "recipients" not in task.template_fields and task.template_ext == (".sql",)
    assert "parameters" in task.personal_fields
