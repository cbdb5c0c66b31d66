"""Run ``SqlToSmsOperator`` over a query of N rows in a fresh process and report what memory it took.

``python -m tests.integration.sql.stream_worker <sql_conn_id> <small> <big>`` (the database connection and
the sandbox's ``AIRFLOW_CONN_*`` come from the environment; the sandbox runs in its own process, so only the
operator is measured). One warm-up send of ``small`` rows loads every module and opens the HTTP pool; then
the ``small`` send and the ``big`` send are measured each on its own: the Python heap's peak above what was
allocated when it started (``tracemalloc``) and the process's peak RSS growth (``ru_maxrss``, which also sees
what a driver keeps outside Python, such as a client-side result set). Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from typing import Any

#: Recipients per request: memory is bounded by this, whatever the number of rows.
CHUNK = 1000


def send(sql_conn_id: str, rows: int, run_id: str) -> dict[str, Any]:
    from airflow_provider_ileti.transfers.sql_to_sms import SqlToSmsOperator
    from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

    operator = SqlToSmsOperator(
        task_id="stream",
        conn_id="node_sms_default",
        sql_conn_id=sql_conn_id,
        sql="SELECT id, name, phone FROM people WHERE id <= %(rows)s ORDER BY id"
        if sql_conn_id.startswith("pg")
        else "SELECT id, name, phone FROM people WHERE id <= :rows ORDER BY id",
        parameters={"rows": rows},
        number_field="phone",
        chunk_size=CHUNK,
        message_template="Merhaba {{ r.name }}, siparişiniz yolda.",
    )
    return operator.execute(make_context(FakeTI(task_id="stream", run_id=run_id), FakeStateStore()))  # type: ignore[no-any-return]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measured(sql_conn_id: str, rows: int, run_id: str) -> dict[str, Any]:
    rss_before = rss_mb()
    tracemalloc.start()
    start_heap, _ = tracemalloc.get_traced_memory()
    began = time.monotonic()
    result = send(sql_conn_id, rows, run_id)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "recipients": result["recipients"],
        "chunks": result["chunks"],
        "heap_peak_mb": round((peak - start_heap) / 2**20, 2),
        "rss_growth_mb": round(rss_mb() - rss_before, 2),
        "seconds": round(time.monotonic() - began, 1),
    }


def main() -> None:
    sql_conn_id, small, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    send(sql_conn_id, small, "warm-up")
    report = {"small": measured(sql_conn_id, small, "small"), "big": measured(sql_conn_id, big, "big")}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
