"""Tutorial — order-status SMS: one message per (order, status), exactly once, from the shop's database.

When an order's status changes (received, processing, shipped, cancelled, refunded) the customer gets the
text of that status, once: not again on a rerun, a backfill, a manual trigger or a retry.

The database
------------
The shop's orders live in a database (``orders``: id, customer_name, phone, status, updated_at); beside them
the DAG keeps ``sms_sent`` (order_id, status, batch_id, phone, message, claimed_at, sent_at, reference) with
``UNIQUE(order_id, status)``: what was sent, where the shop can see it. The demo database is SQLite, created
from ``data/orders.sql`` on the first run at ``$ILETI_ORDERS_DB`` (default
``$AIRFLOW_HOME/ileti-demo/orders.db``), so the DAG runs with no setup: two of its orders have changed status
since the last notification. Play with it::

    sqlite3 ~/airflow/ileti-demo/orders.db \\
        "UPDATE orders SET status = 'shipped', updated_at = datetime('now') WHERE id = 1003"

Connections: ``ileti_orders_db`` is the database the send reads, any common-sql connection; unless you
define it (``AIRFLOW_CONN_ILETI_ORDERS_DB=sqlite://%2Fabsolute%2Fpath%2Forders.db``, the path URL-encoded)
this file points it at the demo database. ``node_sms_default`` sends (``ileti-sandbox`` serves one that
reaches no phone). ``prepare_db``, ``claim`` and ``record`` open the demo file with ``sqlite3`` (their
``BEGIN IMMEDIATE`` is SQLite's); on your own database run the same statements through its hook.

The tasks
---------
1. ``prepare_db``: create the demo database from ``data/orders.sql`` if it is not there.
2. ``claim``: in one transaction, claim every (order, status) that has a template and no ``sms_sent`` row
   yet: insert its row with this run's ``batch_id`` and the text rendered now from the status's template
   (the ``templates`` Param: status -> Jinja over ``r.order_id``, ``r.customer_name``, ``r.status``; Turkish
   defaults below; a status without a template is not notified). Nothing new: the run skips the rest.
3. ``send``: ``SqlToSmsOperator`` sends the batch's rows (``ORDER BY order_id``: a stable order) with
   ``campaign_id`` = the batch id, so every try *and every run* that sends this batch shares its
   idempotency keys and its progress record.
4. ``record``: write ``sent_at`` and the package ``reference`` onto the batch's rows.

Why exactly once, crash by crash
--------------------------------
- Two runs cannot claim the same (order, status): ``UNIQUE(order_id, status)``, one write transaction,
  ``max_active_runs=1``. A backfill or manual run only finds what no run claimed.
- ``claim`` committed, then the run died (or ``send`` failed for good): the next run's ``claim`` finds the
  unfinished batch (rows with ``sent_at`` NULL) and hands *it* on instead of a new one, same id, same text.
- ``send`` died mid-way, some chunks out: its retry, or a later run resuming the batch, shares the campaign's
  keys and progress (``campaign_id``): chunks that went out are found (the Node API is asked by customID)
  and never sent again; a chunk whose rows differ from what went out stops the send (fingerprint check).
- ``send`` succeeded but ``record`` never ran (the crash window between "sent" and "recorded"): the next run
  resumes the batch, ``send`` finds the campaign complete and sends nothing, returning the references it
  sent, and ``record`` writes them.
New changes that arrive while a batch is unfinished wait for the run after it. A batch that cannot go out
(a row with a number the check refuses: the send fails before any request, naming the row) holds the
others back until you fix its ``sms_sent`` rows (their phone or message) or delete them to drop it.

Knobs (environment variables, read at parse time): ``ILETI_ORDERS_DB`` (the demo database's path),
``ILETI_EXAMPLE_RETRY_DELAY_SECONDS`` (default 30).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param, task

from airflow_provider_ileti.transfers.sql_to_sms import SqlToSmsOperator

SMS_CONN_ID = "node_sms_default"
ORDERS_CONN_ID = "ileti_orders_db"
SEED_SQL = Path(__file__).parent / "data" / "orders.sql"
ORDERS_DB = Path(
    os.environ.get("ILETI_ORDERS_DB")
    or Path(os.environ.get("AIRFLOW_HOME") or Path.home() / "airflow") / "ileti-demo" / "orders.db"
)
# No setup: unless the connection is defined (an environment variable, a secrets backend, the metadata
# database), it is the demo database. An environment default only: anything you define wins.
os.environ.setdefault(f"AIRFLOW_CONN_{ORDERS_CONN_ID.upper()}", "sqlite://" + quote(str(ORDERS_DB), safe=""))
RETRY_DELAY_SECONDS = float(os.environ.get("ILETI_EXAMPLE_RETRY_DELAY_SECONDS", "30"))
#: Recipients per request; ``record`` maps row i of the batch to package ``references[i // CHUNK_SIZE]``.
CHUNK_SIZE = 500

#: status -> text (a Jinja template over the order: r.order_id, r.customer_name, r.status).
DEFAULT_TEMPLATES = {
    "received": "Merhaba {{ r.customer_name }}, {{ r.order_id }} numaralı siparişinizi aldık, teşekkürler.",
    "processing": "Merhaba {{ r.customer_name }}, {{ r.order_id }} numaralı siparişiniz hazırlanıyor.",
    "shipped": "Merhaba {{ r.customer_name }}, {{ r.order_id }} numaralı siparişiniz kargoya verildi.",
    "cancelled": "Merhaba {{ r.customer_name }}, {{ r.order_id }} numaralı siparişiniz iptal edildi.",
    "refunded": "Merhaba {{ r.customer_name }}, {{ r.order_id }} numaralı siparişinizin ücreti iade edildi.",
}

BATCH = "{{ ti.xcom_pull(task_ids='claim') }}"


def _connect(path: Path) -> Any:
    import sqlite3

    # isolation_level=None: we say where transactions begin (BEGIN IMMEDIATE takes the write lock at once)
    return sqlite3.connect(path, timeout=30, isolation_level=None)


with DAG(
    dag_id="ileti_order_status",
    description="One SMS per (order, status), exactly once, from the shop's database",
    schedule="*/10 * * * *",
    start_date=pendulum.datetime(2026, 1, 5, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # one claimer at a time (UNIQUE(order_id, status) holds anyway)
    tags=["ileti", "example", "sql"],
    params={
        "templates": Param(
            DEFAULT_TEMPLATES,
            type="object",
            description="status -> SMS text (Jinja over r.order_id, r.customer_name, r.status); "
            "a status left out is not notified",
        )
    },
    default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=RETRY_DELAY_SECONDS)},
) as dag:

    @task
    def prepare_db() -> None:
        """The demo database, from ``data/orders.sql``, if it is not there yet."""
        if ORDERS_DB.exists():
            return
        ORDERS_DB.parent.mkdir(parents=True, exist_ok=True)
        partial = ORDERS_DB.with_name(ORDERS_DB.name + ".new")
        partial.unlink(missing_ok=True)
        db = _connect(partial)
        try:
            db.executescript(SEED_SQL.read_text("utf-8"))
        finally:
            db.close()
        partial.replace(ORDERS_DB)  # complete or absent: a crash mid-seed leaves no half database
        print(f"Created the demo database {ORDERS_DB}")

    @task
    def claim(params: dict[str, Any] | None = None, run_id: str | None = None) -> str:
        """The batch to send: an unfinished earlier one, else every new (order, status), claimed now."""
        from airflow.providers.common.compat.sdk import AirflowSkipException

        batch_id = str(run_id)
        from airflow_provider_ileti.tasks.recipients import MessageRenderer

        templates = {
            status: MessageRenderer(text, field=f"templates.{status}")
            for status, text in dict((params or {})["templates"]).items()
            if text
        }
        db = _connect(ORDERS_DB)
        try:
            db.execute("BEGIN IMMEDIATE")
            unfinished = db.execute(
                "SELECT batch_id, count(*) FROM sms_sent WHERE sent_at IS NULL GROUP BY batch_id "
                "ORDER BY min(claimed_at) LIMIT 1"
            ).fetchone()
            if unfinished is not None:
                db.execute("COMMIT")
                print(f"Resuming unfinished batch {unfinished[0]} ({unfinished[1]} message(s))")
                return str(unfinished[0])
            marks = ", ".join("?" * len(templates))
            changed = db.execute(
                f"SELECT o.id, o.customer_name, o.phone, o.status FROM orders o "
                f"WHERE o.status IN ({marks}) AND NOT EXISTS "
                f"(SELECT 1 FROM sms_sent s WHERE s.order_id = o.id AND s.status = o.status) ORDER BY o.id",
                list(templates),
            ).fetchall()
            now = pendulum.now("UTC").to_iso8601_string()
            for order_id, name, phone, status in changed:
                fields = {"order_id": order_id, "customer_name": name, "status": status}
                text = templates[status].render(fields, where=f"order {order_id}")
                db.execute(
                    "INSERT INTO sms_sent (order_id, status, batch_id, phone, message, claimed_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (order_id, status, batch_id, phone, text, now),
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()
        if not changed:
            raise AirflowSkipException("No order changed status since the last notification")
        print(f"Claimed {len(changed)} status change(s) as batch {batch_id}")
        return batch_id

    send = SqlToSmsOperator(
        task_id="send",
        conn_id=SMS_CONN_ID,
        sql_conn_id=ORDERS_CONN_ID,
        sql="SELECT order_id, status, phone, message FROM sms_sent WHERE batch_id = :batch "
        "ORDER BY order_id, status",
        parameters={"batch": BATCH},
        number_field="phone",
        message_column="message",
        chunk_size=CHUNK_SIZE,
        # every try and every run that sends this batch shares its keys and progress: it goes out once
        campaign_id="order-status-" + BATCH,
    )

    @task
    def record(batch: str, sent: dict[str, Any]) -> dict[str, Any]:
        """Mark the batch's rows sent, each with the package that carried it."""
        references = list(sent["references"])
        now = pendulum.now("UTC").to_iso8601_string()
        db = _connect(ORDERS_DB)
        try:
            db.execute("BEGIN IMMEDIATE")
            rows = db.execute(
                "SELECT order_id, status FROM sms_sent WHERE batch_id = ? ORDER BY order_id, status", (batch,)
            ).fetchall()
            for i, (order_id, status) in enumerate(rows):
                db.execute(
                    "UPDATE sms_sent SET sent_at = coalesce(sent_at, ?), reference = ? "
                    "WHERE order_id = ? AND status = ?",
                    (now, references[i // CHUNK_SIZE], order_id, status),
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()
        print(f"Recorded {len(rows)} message(s) of batch {batch} in {len(references)} package(s)")
        return {"batch": batch, "messages": len(rows), "packages": len(references)}

    batch = claim()
    prepare_db() >> batch >> send
    record(batch, send.output)
