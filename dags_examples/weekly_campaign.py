"""Tutorial 1 — a weekly personalised SMS campaign, sent exactly once, watched until delivered.

What it shows
-------------
1. **Recipients from a CSV** (``data/customers.csv``: first_name, last_name, phone, city, points). The
   operator streams the file row by row, so a million-row file costs no more memory than fifty rows.
2. **Personalised texts**: ``message_template`` is rendered once per customer with ``r`` = that row
   (``{{ r.first_name }}``). It is *not* an Airflow template field, so Airflow leaves the placeholders alone.
3. **Exactly once**: ``SendSmsOperator`` derives a customID per chunk from dag/task and the campaign (never
   the try number). If the worker dies after the service accepted a chunk, the retry finds it and does not
   resend; and ``campaign_id`` (one per week) makes any other run of the same week send nothing — unpausing
   the DAG runs the latest week at once, and a manual trigger for that week does not send it again.
4. **Waiting without holding a worker**: ``SmsDeliverySensor(deferrable=True)`` hands polling to the
   triggerer. (Under ``airflow dags test`` both Airflow 2.11 and 3.x run the trigger in-process.)
5. **Counts, not bodies**: the last task logs and returns delivered/undelivered counts (XCom), never a
   message text or a full number (KVKK).

The same DAG is built twice: on the Node SMS API (``node_sms_default``) and on İleti Merkezi
(``iletimerkezi_default``) — the generic operators take any of our connections.

Knobs for tests and demos (environment variables, read at parse time, cheap):
``ILETI_EXAMPLE_POKE_SECONDS`` (default 60), ``ILETI_EXAMPLE_DEFERRABLE`` (default ``true``),
``ILETI_EXAMPLE_VALIDITY_MINUTES`` (default 1440; Node only, İleti Merkezi has no per-order validity),
``ILETI_EXAMPLE_RETRY_DELAY_SECONDS`` (default 30) and ``ILETI_EXAMPLE_CHUNK_SIZE`` (default: the service's
limit per request; a small one shows a retry resuming after the chunks that already went out).

Parse cost: this file imports only Airflow's SDK names and our operator modules, which import no HTTP/SOAP
library at module level.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

#: A task's lines go through logging: Airflow 3 keeps print() out of the log the UI shows.
task_log = logging.getLogger("airflow.task")

CUSTOMERS_CSV = str(Path(__file__).parent / "data" / "customers.csv")
POKE_SECONDS = float(os.environ.get("ILETI_EXAMPLE_POKE_SECONDS", "60"))
DEFERRABLE = os.environ.get("ILETI_EXAMPLE_DEFERRABLE", "true").lower() in ("1", "true", "yes")
# How long the Node service keeps trying a phone that is off (60..1440 min). A number that never answers
# is final only after validity + the operator's last check, so this bounds how long the sensor waits.
VALIDITY_MINUTES = int(os.environ.get("ILETI_EXAMPLE_VALIDITY_MINUTES", "1440"))
RETRY_DELAY_SECONDS = float(os.environ.get("ILETI_EXAMPLE_RETRY_DELAY_SECONDS", "30"))
# Recipients per request; None = as many as the service takes in one request.
CHUNK_SIZE = int(os.environ.get("ILETI_EXAMPLE_CHUNK_SIZE") or 0) or None

# Per-customer text. Turkish characters are fine: the client picks the cheapest encoding that fits.
MESSAGE_TEMPLATE = (
    "Merhaba {{ r.first_name }}, {{ r.city }} mağazamızda bu hafta {{ r.points }} puanınız "
    "%20 indirimle geçerli. Çıkmak için RET yazın."
)


def build_weekly_campaign(dag_id: str, conn_id: str) -> DAG:
    """One campaign DAG on ``conn_id``; a function so both services share the tutorial."""
    with DAG(
        dag_id=dag_id,
        description=f"Weekly personalised campaign via {conn_id}",
        schedule="0 9 * * MON",  # Monday 09:00 UTC = 12:00 in Türkiye
        start_date=pendulum.datetime(2026, 1, 5, tz="UTC"),
        catchup=False,
        max_active_runs=1,  # two overlapping campaigns would message the same people twice
        tags=["ileti", "example", "campaign"],
        # A retried send is safe (see step 3): the retry looks its chunks up by customID before sending.
        default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=RETRY_DELAY_SECONDS)},
    ) as dag:
        # Step 1+2+3: read the CSV, render one text per customer, send in chunks, exactly once.
        send = SendSmsOperator(
            task_id="send",
            conn_id=conn_id,
            recipients_csv=CUSTOMERS_CSV,
            number_field="phone",
            chunk_size=CHUNK_SIZE,
            message_template=MESSAGE_TEMPLATE,
            commercial=True,
            iys_recipient_type="BIREYSEL",  # commercial SMS in Türkiye must be checked against İYS
            validity=VALIDITY_MINUTES if conn_id.startswith("node") else None,
            # Once per ISO week, whichever run sends it: a manual trigger, a re-run or a backfill of a week
            # that already went out sends nothing and returns what was sent (see "campaign_id"). The end of
            # the data interval names the week on both Airflow 2 (the interval that ends at this Monday's
            # run) and 3 (cron schedules run with an empty interval at the run's time); a manual run on
            # Airflow 3 may have no interval at all, and then its run_after names it.
            campaign_id="{{ (data_interval_end or dag_run.run_after).strftime('%G-W%V') }}",
        )

        # Step 4: wait for the delivery reports. The references come from the send task's XCom.
        wait = SmsDeliverySensor(
            task_id="wait_for_delivery",
            conn_id=conn_id,
            references="{{ ti.xcom_pull(task_ids='send')['references'] }}",
            fail_on_failed=True,  # a cancelled/failed package fails the run
            min_delivered_ratio=0.5,  # below half delivered, something is wrong: fail loudly
            poke_interval=POKE_SECONDS,
            timeout=6 * 3600,
            deferrable=DEFERRABLE,
        )

        # Step 5: counts to the log and XCom (the sensor's XCom holds the summary).
        @task
        def report(summary: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
            counts = {
                "recipients": int(sent["recipients"]),
                "packages": len(sent["references"]),
                "delivered": int(summary.get("delivered", 0)),
                "undelivered": int(summary.get("undelivered", 0)),
                "pending": int(summary.get("pending", 0)),
            }
            task_log.info(
                f"Campaign: {counts['recipients']} sent in {counts['packages']} package(s); "
                f"{counts['delivered']} delivered, {counts['undelivered']} undelivered"
            )
            return counts

        send >> wait
        report(wait.output, send.output)
    return dag


weekly_campaign = build_weekly_campaign("ileti_weekly_campaign", "node_sms_default")
weekly_campaign_iletimerkezi = build_weekly_campaign(
    "ileti_weekly_campaign_iletimerkezi", "iletimerkezi_default"
)
