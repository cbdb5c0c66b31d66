"""``SqlToSmsOperator``: the rows of a query, one SMS each, through any of our services, exactly once.

Like the official ``sql_to_slack``, it takes any connection whose hook is a common-sql ``DbApiHook``
(PostgreSQL, MySQL, SQLite, MSSQL...) and a templated ``sql`` with ``parameters``. Unlike it, it *is* the
send: a ``SendSmsOperator`` whose recipients are the query's rows (``sql_source.SqlRowSource``), so it keeps
every guarantee of that operator — every row checked before the first request, exactly once per chunk
(idempotency keys, the progress record, ``campaign_id``), a retry that stops when its chunks are not the ones
an earlier try sent — and its arguments (``number_field``, ``chunk_size``, ``sender``, ``send_at``,
``commercial``, ``wait_for_delivery``...).

The row's columns are the recipient's fields: ``number_field`` names the phone column, ``message_template``
renders ``{{ r.first_name }}`` from the row, ``message_column`` takes the text from a column as it is, and
``message`` sends one text to everyone.

Import cost: nothing of common-sql or of any database driver is imported until ``execute``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.tasks.personal_data import reveal
from airflow_provider_ileti.transfers.sql_source import SqlRowSource, key_column_names, ordered_query

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.tasks.recipients import RowSource

#: A column ``message_column`` may name (it becomes the template ``{{ r["<column>"] }}``).
_COLUMN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ -]*")
#: A recipient's place in the send's errors (``recipients[12].phone``), said of a query's row instead.
_RECIPIENT_INDEX = re.compile(r"^recipients\[")


class SqlToSmsOperator(SendSmsOperator):
    """Send one SMS per row of ``sql`` (run on ``sql_conn_id``), exactly once across retries and runs.

    :param sql_conn_id: a database connection whose hook is a common-sql ``DbApiHook``.
    :param sql: the query (templated; a path ending in ``.sql`` is read as a template file). It must end
        with ``ORDER BY`` over a unique key, unless ``key_columns`` are given: a retry re-runs it and checks
        the chunks it already sent against the same rows in the same place.
    :param parameters: the query's bind parameters (templated), in the driver's paramstyle.
    :param key_columns: column(s) of the result that identify a row; the operator orders by them (the
        query is wrapped as a sub-query), so the query needs no ``ORDER BY`` of its own.
    :param sql_hook_params: keyword arguments for the database hook (as in ``sql_to_slack``).
    :param fetch_size: rows fetched per round trip (psycopg: from a server-side cursor).
    :param message_column: the column that holds each row's text (instead of ``message_template`` or
        ``message``).

    Everything else is ``SendSmsOperator``'s: ``conn_id`` (the SMS connection), ``message`` /
    ``message_template`` (over the row's columns: ``{{ r.first_name }}``), ``number_field`` (the phone
    column; default the first of phone, number, gsm, msisdn, mobile, telefon), ``chunk_size``,
    ``campaign_id``, ``sender``, ``send_at``, ``commercial``, ``wait_for_delivery``... Bad rows fail the task
    before any request, named by their place in the query's order (``query row[12].phone``, from 0).
    """

    template_fields: Sequence[str] = (
        *(f for f in SendSmsOperator.template_fields if f not in ("recipients", "recipients_csv")),
        "sql_conn_id",
        "sql",
        "parameters",
    )
    template_ext: Sequence[str] = (".sql",)
    template_fields_renderers = {"sql": "sql", "parameters": "json"}
    #: bind parameters may hold a number or a name (a filter): hidden in "Rendered Template" like the text
    personal_fields: Sequence[str] = ("message", "parameters")
    ui_color = "#e0ecf8"

    def __init__(
        self,
        *,
        sql_conn_id: str,
        sql: str,
        parameters: Mapping[str, Any] | Sequence[Any] | None = None,
        key_columns: str | Sequence[str] | None = None,
        sql_hook_params: dict[str, Any] | None = None,
        fetch_size: int = 1000,
        message_column: str | None = None,
        **kwargs: Any,
    ) -> None:
        for name in ("recipients", "recipients_csv"):
            if name in kwargs:
                raise TypeError(f"SqlToSmsOperator reads its recipients from sql=, not {name}=")
        if message_column is not None:
            if kwargs.get("message") is not None or kwargs.get("message_template") is not None:
                raise TypeError("give one of message, message_template or message_column")
            kwargs["message_template"] = _column_template(message_column)
        super().__init__(**kwargs)
        self.sql_conn_id = sql_conn_id
        self.sql = sql
        self.parameters = parameters
        self.key_columns = key_columns
        self.sql_hook_params = sql_hook_params
        self.fetch_size = fetch_size
        self.message_column = message_column

    def _recipient_source(self, recipients: Any) -> RowSource:
        """The query, checked and ordered; it runs (and the connection is looked up) only when read."""
        if not isinstance(self.sql_conn_id, str) or not self.sql_conn_id.strip():
            raise ValidationError("sql_conn_id", self.sql_conn_id, "must be a connection id")
        if isinstance(self.fetch_size, bool) or not isinstance(self.fetch_size, int) or self.fetch_size < 1:
            raise ValidationError("fetch_size", self.fetch_size, "must be an integer >= 1")
        parameters = reveal(self.parameters)
        if parameters is not None and (
            isinstance(parameters, str | bytes) or not isinstance(parameters, Mapping | Sequence)
        ):
            raise ValidationError(
                "parameters", type(parameters).__name__, "must be a mapping or a sequence of values"
            )
        sql = ordered_query(self.sql, key_column_names(self.key_columns))
        return SqlRowSource(
            connect=self._connector(), sql=sql, parameters=parameters, fetch_size=self.fetch_size
        )

    def _connector(self) -> Callable[[], Any]:
        conn_id, hook_params = self.sql_conn_id, self.sql_hook_params
        return lambda: dbapi_connection(conn_id, hook_params)

    def _send_all(self, context: Context) -> dict[str, Any]:
        try:
            return super()._send_all(context)
        except ValidationError as exc:
            if not _RECIPIENT_INDEX.match(exc.field):
                raise
            field = _RECIPIENT_INDEX.sub("query row[", exc.field)
            raise ValidationError(field, exc.value, exc.rule, service=exc.service) from exc


def dbapi_connection(conn_id: str, hook_params: dict[str, Any] | None = None) -> Any:
    """A new DB-API connection from ``conn_id``'s hook (a common-sql ``DbApiHook``, any database).

    A ``sqlite`` connection works without the sqlite provider too (Airflow 3 does not ship it): the
    standard library opens the file the provider's hook would, the host (``sqlite://%2Fpath%2Fto%2Ff.db``)
    or else the schema, made absolute as that hook makes it (``sqlite:///path/to/f.db``).
    """
    from airflow.providers.common.compat.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    try:
        hook = conn.get_hook(hook_params=hook_params)  # type: ignore[no-untyped-call]
    except Exception as exc:  # noqa: BLE001 - any failure to make the hook is reported the same way
        if conn.conn_type == "sqlite":
            return _sqlite_connection(conn)
        raise ValidationError(
            "sql_conn_id",
            conn_id,
            f"no database hook for connection type {conn.conn_type!r} ({type(exc).__name__}: {exc}); "
            "install the provider of that database",
        ) from exc
    get_conn = getattr(hook, "get_conn", None)
    if not callable(get_conn) or not callable(getattr(hook, "get_records", None)):
        raise ValidationError(
            "sql_conn_id",
            conn_id,
            f"connection type {conn.conn_type!r} has no DB-API hook (a common-sql DbApiHook) to run a query",
        )
    return get_conn()


def _sqlite_connection(conn: Any) -> Any:
    import sqlite3

    path = conn.host or ("/" + conn.schema.lstrip("/") if conn.schema else "")
    if not path:
        raise ValidationError("sql_conn_id", conn.conn_id, "a sqlite connection needs the file path as host")
    return sqlite3.connect(path)


def _column_template(column: str) -> str:
    if not isinstance(column, str) or not _COLUMN.fullmatch(column):
        raise TypeError(
            f"message_column must be a column name (letters, digits, _ - and spaces), not {column!r}"
        )
    return '{{ r["' + column + '"] }}'
