"""The SQL row source: the ORDER BY rule, key columns, and rows streamed with ``fetchmany``."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.transfers.sql_source import (
    SERVER_CURSOR_NAME,
    SqlRowSource,
    has_top_level_order_by,
    key_column_names,
    ordered_query,
)

ORDERED = [
    "SELECT * FROM people ORDER BY id",
    "select * from people order  by id desc;",
    "SELECT * FROM people\nORDER\nBY id",
    "SELECT a FROM x UNION SELECT a FROM y ORDER BY a",
    "SELECT * FROM (SELECT * FROM people) p ORDER BY p.id -- newest last",
    "SELECT 'it''s' AS q, id FROM people ORDER BY id",
]
NOT_ORDERED = [
    "SELECT * FROM people",
    "SELECT * FROM people -- ORDER BY id",
    "SELECT * FROM people /* ORDER BY id */",
    "SELECT 'ORDER BY id' AS note FROM people",
    'SELECT "order by" FROM people',
    "SELECT * FROM (SELECT * FROM people ORDER BY id) p",
    "SELECT id, row_number() OVER (ORDER BY id) FROM people",
    "SELECT * FROM border_byways",
]


@pytest.mark.parametrize("sql", ORDERED)
def test_a_top_level_order_by_is_found(sql: str) -> None:
    assert has_top_level_order_by(sql)


@pytest.mark.parametrize("sql", NOT_ORDERED)
def test_an_order_by_in_a_comment_a_string_or_parentheses_does_not_order_the_result(sql: str) -> None:
    assert not has_top_level_order_by(sql)


def test_a_query_without_order_by_is_refused_saying_why_and_what_to_do() -> None:
    with pytest.raises(ValidationError) as info:
        ordered_query("SELECT * FROM people WHERE status = 'shipped'", ())
    message = str(info.value)
    assert message.startswith("sql=")
    assert "ORDER BY" in message and "key_columns=" in message
    assert "fingerprint" in message and "stable order" in message


def test_key_columns_order_the_query_as_a_sub_query() -> None:
    sql = ordered_query("SELECT * FROM people;  ", key_column_names(["status", "people.id"]))
    assert sql == "SELECT * FROM (\nSELECT * FROM people\n) ileti_rows ORDER BY status, people.id"
    assert key_column_names("id") == ("id",)


@pytest.mark.parametrize("bad", ["id; DROP TABLE people", "1id", "", ["id", 3], []])
def test_key_columns_must_be_plain_column_names(bad: Any) -> None:
    with pytest.raises(ValidationError, match="key_columns"):
        key_column_names(bad)


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_an_empty_query_is_refused(bad: Any) -> None:
    with pytest.raises(ValidationError, match="non-empty SQL"):
        ordered_query(bad, ("id",))


class FakeCursor:
    def __init__(
        self, rows: list[tuple[Any, ...]], columns: list[str], *, describe_after_fetch: bool
    ) -> None:
        self._rows = rows
        self._columns = columns
        self._describe_after_fetch = describe_after_fetch
        self.fetched: list[int] = []
        self.executed: tuple[Any, ...] = ()
        self.closed = False

    @property
    def description(self) -> Any:
        if self._describe_after_fetch and not self.fetched:
            return None  # a psycopg named cursor describes its result only once it fetched
        return [(c, None) for c in self._columns]

    def execute(self, *args: Any) -> None:
        self.executed = args

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        self.fetched.append(size)
        out, self._rows = self._rows[:size], self._rows[size:]
        return out

    def close(self) -> None:
        self.closed = True


class FakeConnection:
    def __init__(self, cursor: FakeCursor) -> None:
        self.the_cursor = cursor
        self.cursor_names: list[str | None] = []
        self.rolled_back = self.closed = False

    def cursor(self, name: str | None = None) -> FakeCursor:
        self.cursor_names.append(name)
        return self.the_cursor

    def rollback(self) -> None:
        self.rolled_back = True

    def close(self) -> None:
        self.closed = True


def test_rows_are_fetched_in_batches_as_the_send_reads_them() -> None:
    cursor = FakeCursor(
        [(i, f"0555555{i:04d}") for i in range(7)], ["id", "phone"], describe_after_fetch=False
    )
    conn = FakeConnection(cursor)
    source = SqlRowSource(lambda: conn, "SELECT id, phone FROM p ORDER BY id", {"x": 1}, fetch_size=3)
    rows = source.iterate()
    assert next(rows) == {"id": 0, "phone": "05555550000"}
    assert cursor.fetched == [3], "only the first batch is read for the first row"
    assert list(rows)[-1] == {"id": 6, "phone": "05555550006"}
    assert cursor.fetched == [3, 3, 3, 3]
    assert cursor.executed == ("SELECT id, phone FROM p ORDER BY id", {"x": 1})
    assert conn.cursor_names == [None] and cursor.closed and conn.closed
    assert source.rereadable


def test_psycopg_gets_a_server_side_cursor_described_after_its_first_fetch() -> None:
    cursor = FakeCursor([(1, "05555550001")], ["id", "phone"], describe_after_fetch=True)
    psycopg_connection = type("connection", (FakeConnection,), {"__module__": "psycopg2.extensions"})
    conn = psycopg_connection(cursor)
    rows = list(SqlRowSource(lambda: conn, "SELECT 1 ORDER BY 1").iterate())
    assert rows == [{"id": 1, "phone": "05555550001"}]
    assert conn.cursor_names == [SERVER_CURSOR_NAME] and conn.rolled_back and conn.closed


def test_a_send_that_stops_reading_closes_the_connection() -> None:
    cursor = FakeCursor([(i,) for i in range(10)], ["id"], describe_after_fetch=False)
    conn = FakeConnection(cursor)
    rows = SqlRowSource(lambda: conn, "SELECT id FROM p ORDER BY id", fetch_size=2).iterate()
    next(rows)
    rows.close()
    assert cursor.closed and conn.closed


def test_two_columns_of_one_name_are_refused() -> None:
    cursor = FakeCursor([(1, 2)], ["id", "id"], describe_after_fetch=False)
    with pytest.raises(ValidationError, match="two result columns have this name"):
        list(SqlRowSource(lambda: FakeConnection(cursor), "SELECT a.id, b.id ORDER BY 1").iterate())
