"""``SqlToSmsOperator`` on a real PostgreSQL server and the sandbox's Node API over HTTP, with lost answers.

The sandbox drops the first three ``/node/sms/create`` connections *after* committing the package; the
client does not retry (``retries=0``), so each drop fails the try and Airflow's next try re-runs the query.
Each row must reach the service exactly once: the retry finds the committed chunks by their keys and checks
that the re-run query still gives the same rows in the same chunks.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.sql.conftest import PostgresServer
from tests.unit.operators.support import FakeStateStore, FakeTI, run_with_retries

pytestmark = pytest.mark.integration

ROWS = 40
#: Creates whose answer is lost after the package was committed (the first three: chunks 0, 1 and 2).
DROPS = 3


@pytest.fixture
def postgres_customers(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = postgres_server.connect()
    with conn, conn.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS customers")
        cursor.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name TEXT, gsm TEXT)")
        cursor.execute(
            "INSERT INTO customers SELECT i, 'Müşteri ' || i, '0555 555 ' || lpad(i::text, 4, '0') "
            "FROM generate_series(1, %s) AS i",
            (ROWS,),
        )
    conn.close()
    monkeypatch.setenv("AIRFLOW_CONN_SHOP_PG", postgres_server.uri)


@pytest.fixture
def client_without_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_ileti.clients.node.client import NodeClient

    original = NodeClient.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("sleep", lambda seconds: None)
        kwargs.setdefault("retries", 0)
        original(self, *args, **kwargs)

    monkeypatch.setattr(NodeClient, "__init__", init)


def test_every_row_goes_out_exactly_once_when_answers_are_lost(
    ileti_sandbox_env: Any, postgres_customers: None, client_without_retries: None
) -> None:
    from airflow_provider_ileti.transfers.sql_to_sms import SqlToSmsOperator

    ileti_sandbox_env.admin.add_fault("/node/sms/create", "drop_after_commit", times=DROPS)
    task = SqlToSmsOperator(
        task_id="send",
        conn_id="node_sms_default",
        sql_conn_id="shop_pg",
        sql="SELECT id, first_name, gsm FROM customers WHERE id > %(after)s",
        parameters={"after": 0},
        key_columns="id",
        number_field="gsm",
        message_template="Merhaba {{ r.first_name }}",
        chunk_size=4,
    )
    result, errors = run_with_retries(task, tries=40, store=FakeStateStore(), ti=FakeTI(run_id="pg-drops"))
    assert result is not None, errors
    assert len(errors) == DROPS  # each lost answer failed one try; the next one went on
    assert (result["recipients"], result["chunks"]) == (ROWS, ROWS // 4)
    creates = ileti_sandbox_env.requests(service="node", path="/node/sms/create")
    assert len(creates) == ROWS // 4  # one request per chunk: a lost answer was found, never re-sent
    pairs = [(m["nr"], m["msg"]) for r in creates for m in r["body"]["numbers"]]
    assert sorted(pairs) == sorted((f"905555550{i:03d}", f"Merhaba Müşteri {i}") for i in range(1, ROWS + 1))
