"""İletiniz campaign — a server-side template to every customer, after a quota check, watched until delivered.

What it shows
-------------
1. **The plan's quota first**: İletiniz sends within a plan's quota. ``IletinizQuotaGateOperator`` reads
   the account (nothing is sent) and fails the run, with the plan's upgrade link, when the remaining quota
   cannot cover the campaign: customers x the SMS parts of one message (``parts_per_message``: İletiniz
   renders the template, so its length is yours to state).
2. **A server-side template**: ``IletinizTemplateSendOperator`` names the template (``campaign`` in the
   workspace: ``Merhaba {first_name}, {code} koduyla %{discount} indirim sizi bekliyor.``) and gives each
   customer its variables — ``first_name`` from the CSV row (``variable_columns``), ``code`` and
   ``discount`` the same for everyone (``variables``, from the run's params). Every row is checked before
   the first request: a customer without a first name fails the run naming the row and the masked number,
   and nothing is sent.
3. **Exactly once**: İletiniz has no client-side id, so the send records each chunk before its request and
   never repeats one that may have arrived; ``campaign_id`` (one per ISO week) makes any other run of the
   week send nothing.
4. **Delivery**: İletiniz reports each message (``GET /v1/messages/{job_id}``); ``SmsDeliverySensor`` polls
   them, deferred to the triggerer.
5. **Counts, not bodies** in the log and XCom (KVKK).

Knobs (environment, read at parse time): ``ILETI_EXAMPLE_POKE_SECONDS`` (default 60),
``ILETI_EXAMPLE_DEFERRABLE`` (default ``true``), ``ILETI_EXAMPLE_RETRY_DELAY_SECONDS`` (default 30).
Parse cost: Airflow's SDK names and our operator modules only (no HTTP library at import).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param, task

from airflow_provider_ileti.operators.iletiniz import IletinizQuotaGateOperator, IletinizTemplateSendOperator
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

#: A task's lines go through logging: Airflow 3 keeps print() out of the log the UI shows.
task_log = logging.getLogger("airflow.task")

CONN_ID = "iletiniz_default"
CUSTOMERS_CSV = str(Path(__file__).parent / "data" / "customers.csv")
POKE_SECONDS = float(os.environ.get("ILETI_EXAMPLE_POKE_SECONDS", "60"))
DEFERRABLE = os.environ.get("ILETI_EXAMPLE_DEFERRABLE", "true").lower() in ("1", "true", "yes")
RETRY_DELAY_SECONDS = float(os.environ.get("ILETI_EXAMPLE_RETRY_DELAY_SECONDS", "30"))

with DAG(
    dag_id="ileti_iletiniz_campaign",
    description="Weekly campaign with an İletiniz server-side template, after a quota check",
    schedule="0 9 * * MON",
    start_date=pendulum.datetime(2026, 1, 5, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["ileti", "example", "iletiniz", "campaign"],
    default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=RETRY_DELAY_SECONDS)},
    params={
        "template": Param("campaign", type="string", description="the template's key in the workspace"),
        "code": Param("HAFTA", type="string", description="the discount code every customer gets"),
        "discount": Param(20, type="integer", minimum=1, maximum=90, description="percent off"),
        "parts_per_message": Param(
            1, type="integer", minimum=1, description="SMS parts one rendered message takes (quota check)"
        ),
    },
) as dag:

    @task
    def count_customers() -> int:
        """How many messages the campaign sends (the CSV's rows), for the quota check."""
        with open(CUSTOMERS_CSV, encoding="utf-8") as handle:
            return sum(1 for _ in handle) - 1  # minus the header line

    customers = count_customers()

    # Step 1: stop before sending when the plan cannot pay for the whole campaign.
    quota = IletinizQuotaGateOperator(
        task_id="check_quota",
        iletiniz_conn_id=CONN_ID,
        credits="{{ ti.xcom_pull(task_ids='count_customers') * params.parts_per_message }}",
    )

    # Steps 2 + 3: the template with each customer's variables, checked first, sent exactly once.
    send = IletinizTemplateSendOperator(
        task_id="send",
        conn_id=CONN_ID,
        template="{{ params.template }}",
        recipients_csv=CUSTOMERS_CSV,
        number_field="phone",
        variable_columns=["first_name"],
        variables={"code": "{{ params.code }}", "discount": "{{ params.discount }}"},
        required_variables=["first_name", "code", "discount"],
        commercial=True,  # a campaign is commercial: İletiniz checks İYS (iys: true)
        iys_recipient_type="BIREYSEL",
        campaign_id="{{ (data_interval_end or dag_run.run_after).strftime('%G-W%V') }}",
    )

    # Step 4: wait for İletiniz's delivery reports of every message sent.
    wait = SmsDeliverySensor(
        task_id="wait_for_delivery",
        conn_id=CONN_ID,
        references="{{ ti.xcom_pull(task_ids='send')['references'] }}",
        fail_on_failed=False,  # İYS rejections and unreachable phones are counted, not fatal
        min_delivered_ratio=0.5,
        poke_interval=POKE_SECONDS,
        timeout=6 * 3600,
        deferrable=DEFERRABLE,
    )

    # Step 5: counts only.
    @task
    def report(summary: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
        counts = {
            "recipients": int(sent["recipients"]),
            "delivered": int(summary.get("delivered", 0)),
            "undelivered": int(summary.get("undelivered", 0)),
            "pending": int(summary.get("pending", 0)),
        }
        task_log.info(
            f"İletiniz campaign: {counts['recipients']} sent; {counts['delivered']} delivered, "
            f"{counts['undelivered']} undelivered"
        )
        return counts

    customers >> quota >> send >> wait
    report(wait.output, send.output)
