from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.unit.operators.conftest import fake_client  # noqa: F401 - the same fake service behind get_sms_hook

#: (id, name, phone, status): the shop's customers, in id order.
PEOPLE = [(i, f"Ayşe {i}", f"0555555{i:04d}", "shipped") for i in range(1, 11)]


@pytest.fixture
def shop_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite database with a ``people`` table, behind the connection id ``shop``."""
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, phone TEXT, status TEXT)")
        db.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", PEOPLE)
    db.close()
    monkeypatch.setenv("AIRFLOW_CONN_SHOP", sqlite_uri(path))
    return path


def sqlite_uri(path: Path) -> str:
    """The connection URI of a SQLite file, the way the sqlite provider's hook reads it (the host)."""
    return "sqlite://" + quote(str(path), safe="")


def execute_sql(path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute(sql, params)
    db.close()
