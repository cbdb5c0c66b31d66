"""WISECP international SMS — price the campaign per country, stop it above a budget, then send.

What it shows
-------------
1. **The cost per country, before anything is sent**: WISECP charges every SMS part at the price of the
   recipient's country (the vendor's examples: US 0.062 EUR, Germany 0.1234 EUR), so the same text costs
   differently to different lists. ``WisecpCostGateOperator`` reads the panel's ``prices`` and ``balance``
   (nothing is sent) and returns the estimate: parts, recipients and cost per country, the balance.
2. **The sender ID rules per country**: the same gate checks the sender against each recipient country's
   rule (some countries take only numeric senders, some need documents approved in advance: see
   ``clients/wisecp/senders.py`` and the connection's ``sender_rules``). A sender a country cannot take
   fails the gate; countries that need pre-approval are named in the log and the XCom.
3. **A budget as a Param**: above ``budget`` (the whole campaign) or ``budget_per_country``, the gate says
   ``within_budget: false`` (``fail_over_budget=False``) and a short-circuit skips the send: the run ends
   green, nothing is sent, and the log says which budget was exceeded. Trigger it with a larger budget to
   send. A balance too small for the estimate fails the run (``fail_if_short``): topping up takes a person.
4. **The send and its delivery**: ``SendSmsOperator`` on the ``wisecp`` connection (one submit per chunk,
   never repeated once it may have arrived), then ``SmsDeliverySensor`` on the panel's reports.

Knobs (environment, read at parse time): ``ILETI_EXAMPLE_POKE_SECONDS`` (default 60),
``ILETI_EXAMPLE_DEFERRABLE`` (default ``true``).
Parse cost: Airflow's SDK names and our operator modules only (no HTTP library at import).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param, task

from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

#: A task's lines go through logging: Airflow 3 keeps print() out of the log the UI shows.
task_log = logging.getLogger("airflow.task")

CONN_ID = "wisecp_default"
POKE_SECONDS = float(os.environ.get("ILETI_EXAMPLE_POKE_SECONDS", "60"))
DEFERRABLE = os.environ.get("ILETI_EXAMPLE_DEFERRABLE", "true").lower() in ("1", "true", "yes")

#: The campaign's list: customers abroad, in international format (example numbers, not real people).
#: In a real DAG they come from a task upstream (a query, a file) through XCom.
RECIPIENTS = [
    "+447400123450",  # United Kingdom
    "+447400123451",
    "+447400123459",
    "+4915112345670",  # Germany
    "+4915112345671",
    "+33612345670",  # France
    "+33612345678",
    "+31612345670",  # Netherlands
    "+994501234560",  # Azerbaijan
    "+905551234560",  # Türkiye: an alphanumeric sender needs pre-approval there (a warning)
]

with DAG(
    dag_id="ileti_wisecp_international",
    description="International campaign via WISECP, gated by its cost per country",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 5, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "wisecp", "international"],
    params={
        "message": Param(
            "Winter sale: 20% off everything this week. Reply STOP to opt out.", type="string", minLength=1
        ),
        "sender": Param("ILETI", type="string", description="sender ID (approved) or a number"),
        "budget": Param(5.0, type="number", minimum=0, description="most the campaign may cost (EUR)"),
        "budget_per_country": Param(
            {"*": 1.0}, type="object", description="most one country may cost: ISO code or * -> EUR"
        ),
    },
) as dag:
    # Steps 1-3: prices, balance and sender rules read, nothing sent; the verdict as XCom.
    cost = WisecpCostGateOperator(
        task_id="estimate_cost",
        wisecp_conn_id=CONN_ID,
        message="{{ params.message }}",
        recipients=RECIPIENTS,
        sender="{{ params.sender }}",
        max_cost="{{ params.budget }}",
        max_cost_per_country="{{ params.budget_per_country | tojson }}",
        fail_over_budget=False,  # the short-circuit below decides
        fail_if_short=True,
    )

    @task.short_circuit
    def within_budget(estimate: dict[str, Any]) -> bool:
        """Go on only within budget; the log shows each country's share either way (counts and money)."""
        for row in estimate["by_country"]:
            task_log.info(f"{row['country']}: {row['recipients']} x {row['price']:g} -> {row['cost']:.4f}")
        if estimate["needs_approval"]:
            task_log.info(f"Sender needs pre-approval in: {', '.join(estimate['needs_approval'])}")
        if not estimate["within_budget"]:
            task_log.info(f"Over budget ({', '.join(estimate['over_budget'])}): nothing is sent")
            return False
        task_log.info(f"Within budget: {estimate['total']:.4f} {estimate['currency']}; sending")
        return True

    # Step 4: the send, and the panel's delivery reports.
    send = SendSmsOperator(
        task_id="send",
        conn_id=CONN_ID,
        message="{{ params.message }}",
        recipients=RECIPIENTS,
        sender="{{ params.sender }}",
    )
    wait = SmsDeliverySensor(
        task_id="wait_for_delivery",
        conn_id=CONN_ID,
        references="{{ ti.xcom_pull(task_ids='send')['references'] }}",
        fail_on_failed=False,
        poke_interval=POKE_SECONDS,
        timeout=6 * 3600,
        deferrable=DEFERRABLE,
    )

    @task
    def report(summary: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
        counts = {
            "recipients": int(sent["recipients"]),
            "delivered": int(summary.get("delivered", 0)),
            "undelivered": int(summary.get("undelivered", 0)),
        }
        task_log.info(f"WISECP campaign: {counts['recipients']} sent; {counts['delivered']} delivered")
        return counts

    within_budget(cost.output) >> send >> wait
    report(wait.output, send.output)
