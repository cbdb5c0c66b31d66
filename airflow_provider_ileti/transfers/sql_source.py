"""Recipients from a SQL query: any DB-API connection, streamed, in a stable order.

The send (``SendSmsOperator``) reads its recipients twice in a try (the first pass that checks every row,
then the chunks it sends, replayed from disk) and once more in each retry, whose chunks are checked against
the fingerprints an earlier try kept. A query is re-read by running it again, so it must give the same rows
*in the same order* each time: ``ordered_query`` refuses a query without a top-level ``ORDER BY`` unless
``key_columns`` are given, which it then orders by. (A ``ORDER BY`` over a non-unique column is not enough
either: rows that tie may come back in any order; the fingerprint check stops such a retry before it sends.)

Memory: rows are fetched ``fetch_size`` at a time (``cursor.fetchmany``) and dropped once the send has
them. Most drivers stream a plain cursor, but psycopg (2 and 3) read the whole result into the client on
``execute``; for them the query runs on a *named* (server-side) cursor, so a million rows cost what a
thousand do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from airflow_provider_ileti.core.errors import ValidationError

#: The name of the server-side cursor (psycopg): unique per connection, and we open one per connection.
SERVER_CURSOR_NAME = "ileti_sql_to_sms"
#: A column name the operator may put into ``ORDER BY`` itself (unquoted: quoting rules differ per database).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?")
#: What is not SQL code for the ORDER BY check: comments and quoted strings or names.
_NOT_CODE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`", re.DOTALL)
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)

WHY_ORDER = (
    "a retry checks every chunk an earlier try sent against the same rows in the same place (the chunk "
    "fingerprint check), so the query must return its rows in a stable order"
)


def has_top_level_order_by(sql: str) -> bool:
    """True when the query itself is ordered: an ``ORDER BY`` outside parentheses, comments and strings.

    ``OVER (ORDER BY ...)`` or an ordered sub-query do not order the result, so they do not count.
    """
    code = _NOT_CODE.sub(" ", sql)
    depth = 0
    top: list[str] = []
    for char in code:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            top.append(char)
    return _ORDER_BY.search("".join(top)) is not None


def key_column_names(key_columns: str | Sequence[str] | None) -> tuple[str, ...]:
    """``key_columns`` as a tuple of plain column names (``"id"``, ``["customer_id", "id"]``)."""
    if key_columns is None:
        return ()
    names = (key_columns,) if isinstance(key_columns, str) else tuple(key_columns)
    for name in names:
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise ValidationError(
                "key_columns", name, "must be column names (letters, digits, _; optionally table.column)"
            )
    if not names:
        raise ValidationError("key_columns", key_columns, "give at least one column, or None")
    return names


def ordered_query(sql: str, key_columns: Sequence[str]) -> str:
    """The query the source runs: ordered by ``key_columns`` when given, else as written if it is ordered."""
    if not isinstance(sql, str) or not sql.strip():
        raise ValidationError("sql", sql, "must be a non-empty SQL query")
    query = sql.strip().rstrip(";").rstrip()
    if key_columns:
        # as a sub-query, so the key order holds whatever the query is (a UNION, its own ORDER BY...)
        return f"SELECT * FROM (\n{query}\n) ileti_rows ORDER BY {', '.join(key_columns)}"
    if not has_top_level_order_by(query):
        raise ValidationError(
            "sql",
            "<a query without ORDER BY>",
            f"needs a stable order: end it with ORDER BY over a unique key, or give key_columns= (the "
            f"operator orders by them). Why: {WHY_ORDER}",
        )
    return query


@dataclass(frozen=True)
class SqlRowSource:
    """A query's rows as mappings of column -> value, streamed; ``connect`` opens a DB-API connection.

    Re-readable: each ``iterate()`` runs the query again on a new connection (``ordered_query`` made sure
    the order is stable).
    """

    connect: Callable[[], Any]
    sql: str
    parameters: Mapping[str, Any] | Sequence[Any] | None = None
    fetch_size: int = 1000

    @property
    def rereadable(self) -> bool:
        return True

    def iterate(self) -> Iterator[dict[str, Any]]:
        conn = self.connect()
        try:
            cursor = _streaming_cursor(conn)
            try:
                if self.parameters is None:
                    cursor.execute(self.sql)
                else:
                    cursor.execute(self.sql, self.parameters)
                rows = cursor.fetchmany(self.fetch_size)
                # a server-side cursor knows its columns only after the first fetch
                columns = _column_names(cursor.description)
                while rows:
                    for row in rows:
                        yield dict(zip(columns, row, strict=True))
                    rows = cursor.fetchmany(self.fetch_size)
            finally:
                cursor.close()
        finally:
            _end_read(conn)


def _streaming_cursor(conn: Any) -> Any:
    """A cursor that fetches as it goes: a named one on psycopg (which buffers a plain cursor's result)."""
    driver = type(conn).__module__.split(".")[0]
    if driver in ("psycopg2", "psycopg"):
        return conn.cursor(name=SERVER_CURSOR_NAME)
    return conn.cursor()


def _column_names(description: Any) -> list[str]:
    if not description:
        raise ValidationError("sql", "<no result columns>", "must be a query that returns rows (SELECT ...)")
    columns = [str(d[0]) for d in description]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise ValidationError(
                "sql", name, "two result columns have this name: give each its own (... AS other_name)"
            )
        seen.add(name)
    return columns


def _end_read(conn: Any) -> None:
    """Close the connection, rolling back the read-only transaction a server-side cursor needed."""
    try:
        rollback = getattr(conn, "rollback", None)
        if callable(rollback):
            rollback()
    finally:
        conn.close()
