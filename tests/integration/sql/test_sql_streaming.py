"""A 100,000-row query streams through ``SqlToSmsOperator`` on SQLite and on a real PostgreSQL server.

Each send runs in a fresh process (``stream_worker.py``) against the sandbox in its own process over real
HTTP, so what is measured is the operator alone: the 100,000-row send must take about what the 5,000-row one
takes (the Python heap's peak: a chunk of 1,000 rows, texts and request at a time, and the spill's block),
and little more RSS (which also sees what a driver buffers outside Python: psycopg reads a plain cursor's
whole result into the client, which is why the source uses a server-side cursor there). Both sends must
reach the sandbox whole.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from airflow_provider_ileti.sandbox.dag_test import REPO
from airflow_provider_ileti.sandbox.process import SandboxProcess
from tests.integration.sql.conftest import PostgresServer

pytestmark = pytest.mark.integration

#: The small send is one spill block (``tasks/spill.py`` keeps 5,000 checked recipients in memory before it
#: writes them out), so both sends hold the same fixed buffers and differ only in their number of rows.
SMALL, BIG = 5_000, 100_000
#: The big send's heap peak may be at most this many times the small one's (bounded by the chunk).
MAX_HEAP_RATIO = 1.5
#: What 100,000 rows may add to the peak RSS (MB); holding them would take several times this.
MAX_RSS_GROWTH_MB = 25.0


def _phone(i: int) -> str:
    return f"0555{i:07d}"


@pytest.fixture(scope="module")
def sandbox_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess(tmp_path_factory.mktemp("sql-sandbox"), speed=60.0) as sandbox:
        sandbox.admin().set_node_credit(10 * BIG)
        yield sandbox


@pytest.fixture(scope="module")
def sqlite_people(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sqlite") / "people.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL)")
        db.executemany(
            "INSERT INTO people VALUES (?, ?, ?)", ((i, f"Ayşe {i}", _phone(i)) for i in range(1, BIG + 1))
        )
    db.close()
    return "sqlite://" + quote(str(path), safe="")


@pytest.fixture(scope="module")
def postgres_people(postgres_server: PostgresServer) -> str:
    conn = postgres_server.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS people")
        cursor.execute(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO people SELECT i, 'Ayşe ' || i, '0555' || lpad(i::text, 7, '0') "
            "FROM generate_series(1, %s) AS i",
            (BIG,),
        )
    conn.close()
    return postgres_server.uri


def _stream(conn_id: str, uri: str, sandbox: SandboxProcess) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env.update(sandbox.env)
    env[f"AIRFLOW_CONN_{conn_id.upper()}"] = uri
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.sql.stream_worker", conn_id, str(SMALL), str(BIG)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_100k_row_query_streams_in_memory_bounded_by_the_chunk(
    backend: str, sandbox_process: SandboxProcess, request: pytest.FixtureRequest
) -> None:
    uri = request.getfixturevalue(f"{backend}_people")
    conn_id = "pg_people" if backend == "postgres" else "sqlite_people"
    admin = sandbox_process.admin()
    before = len(admin.requests(service="node", path="/sms/create"))

    report = _stream(conn_id, uri, sandbox_process)
    print(f"\n{backend}: {json.dumps(report)}")

    small, big = report["small"], report["big"]
    assert (small["recipients"], big["recipients"]) == (SMALL, BIG)
    assert big["heap_peak_mb"] <= MAX_HEAP_RATIO * small["heap_peak_mb"], report
    assert big["rss_growth_mb"] <= MAX_RSS_GROWTH_MB, report
    # every row reached the sandbox over HTTP, once: warm-up + small + big, one request per chunk
    creates = admin.requests(service="node", path="/sms/create")[before:]
    assert len(creates) == 2 * small["chunks"] + big["chunks"] and big["chunks"] == BIG // 1000
    numbers = [m["nr"] for r in creates[-big["chunks"] :] for m in r["body"]["numbers"]]
    assert len(numbers) == len(set(numbers)) == BIG
    assert numbers[0] == "90" + _phone(1)[1:] and numbers[-1] == "90" + _phone(BIG)[1:]


def test_postgres_rows_come_from_a_server_side_cursor_a_batch_at_a_time(
    postgres_people: str, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain psycopg cursor would read all 100,000 rows into the client at ``execute`` (9.4 MB more RSS
    when measured); the source's session is seen fetching batches from its named cursor instead."""
    from airflow_provider_ileti.transfers.sql_source import SERVER_CURSOR_NAME, SqlRowSource
    from airflow_provider_ileti.transfers.sql_to_sms import dbapi_connection

    monkeypatch.setenv("AIRFLOW_CONN_PG_PEOPLE", postgres_people)
    source = SqlRowSource(
        lambda: dbapi_connection("pg_people"), "SELECT id, phone FROM people ORDER BY id", fetch_size=10
    )
    rows = source.iterate()
    assert [next(rows)["id"] for _ in range(15)] == list(range(1, 16))
    observer = postgres_server.connect()
    try:
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT query FROM pg_stat_activity "
                "WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()"
            )
            queries = [q for (q,) in cursor.fetchall()]
    finally:
        observer.close()
        rows.close()
    assert any(q.startswith("FETCH FORWARD 10 FROM") and SERVER_CURSOR_NAME in q for q in queries), queries
