"""Keep a connection's key in Airflow's metadata DB (Airflow 2.11 and 3.x), or render it for a
secrets backend.

Both majors keep ``airflow.models.Connection`` as an ORM model and ``airflow.utils.session.create_session``
for command-line tools (``airflow connections add`` itself uses them), so one code path serves both. The
password column is encrypted with Fernet when ``[core] fernet_key`` is set.
"""

from __future__ import annotations

import json
import os
import shlex
from typing import Any


def env_var_name(conn_id: str) -> str:
    return "AIRFLOW_CONN_" + conn_id.upper()


def render_env(conn_id: str, fields: dict[str, Any]) -> str:
    """``AIRFLOW_CONN_<ID>='<json>'``: what a secrets backend or an env file holds (Airflow's JSON form)."""
    value = {k: v for k, v in fields.items() if v not in (None, "", {})}
    return f"{env_var_name(conn_id)}={shlex.quote(json.dumps(value, ensure_ascii=False))}"


def load(conn_id: str) -> dict[str, Any] | None:
    """The connection's fields from the metadata DB, else from ``AIRFLOW_CONN_<ID>``; None when unknown."""
    from_db = _load_db(conn_id)
    if from_db is not None:
        return {**from_db, "source": "db"}
    raw = os.environ.get(env_var_name(conn_id))
    if not raw:
        return None
    from airflow.models import Connection

    conn = (
        Connection.from_json(raw, conn_id=conn_id)
        if raw.lstrip().startswith("{")
        else Connection(conn_id=conn_id, uri=raw)
    )
    return {**_fields(conn), "source": "env"}


def save(conn_id: str, *, conn_type: str, host: str, password: str, extra: dict[str, Any]) -> str:
    """Create or update the connection; "created" or "updated". Existing extras are kept and merged."""
    from airflow.models import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        conn = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
        if conn is None:
            session.add(
                Connection(
                    conn_id=conn_id,
                    conn_type=conn_type,
                    host=host,
                    password=password,
                    extra=json.dumps(extra),
                )
            )
            return "created"
        merged = {**(conn.extra_dejson or {}), **extra}
        conn.conn_type = conn_type
        conn.host = host
        conn.set_password(password)
        conn.set_extra(json.dumps(merged))
        return "updated"


def forget_key(conn_id: str) -> bool:
    """Remove the stored key (the URLs stay, so a reconnect needs no flags); True if removed."""
    from airflow.models import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        conn = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
        if conn is None or not conn.password:
            return False
        # Airflow 2's set_password(None) leaves the old value: clear the column itself (both majors have it).
        conn._password = None
        conn.is_encrypted = False
        return True


def _load_db(conn_id: str) -> dict[str, Any] | None:
    try:
        from airflow.models import Connection
        from airflow.utils.session import create_session
        from sqlalchemy import select

        with create_session() as session:
            conn = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
            return _fields(conn) if conn is not None else None
    except Exception:  # no metadata DB here (a laptop making an env value): fall back to the environment
        return None


def _fields(conn: Any) -> dict[str, Any]:
    extra = conn.extra_dejson
    return {
        "conn_type": conn.conn_type,
        "host": conn.host,
        "password": conn.password,
        "extra": dict(extra) if isinstance(extra, dict) else {},
    }
