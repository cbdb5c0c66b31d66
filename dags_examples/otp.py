"""Tutorial 3 — a one-time password, triggered with params (e.g. from the REST API by your login service).

``airflow dags trigger ileti_otp --conf '{"number": "0532 123 45 67", "code": "482913"}'``

- The OTP goes out with Node's ``/sms/create-otp`` (the fast OTP route, validity in minutes).
- The customID is derived from the run id, so a retried task never sends a second code.
- A short sensor then checks that the code was delivered (poke mode: OTPs are quick).
- The code itself is never logged or returned; XCom holds the package id and customID.
"""

from __future__ import annotations

import os

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

CONN_ID = "node_sms_default"
#: Minutes the code is valid; the OTP route allows 3..6.
VALIDITY_MINUTES = 3
POKE_SECONDS = float(os.environ.get("ILETI_EXAMPLE_POKE_SECONDS", "5"))

with DAG(
    dag_id="ileti_otp",
    description="Send a one-time password given in the run's params",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "otp"],
    params={
        "number": Param("0532 123 45 67", type="string"),
        "code": Param("000000", type="string", pattern=r"^[0-9]{4,8}$"),
    },
) as otp_dag:

    # customID derived from dag/task/run: a retried task finds the package instead of sending again.
    # Airflow stores rendered template fields: the number is kept out of that view (a summary is shown)
    # and the text's code is registered with the secrets masker, so both views and logs show "***".
    sent = NodeOtpOperator(
        task_id="send_otp",
        node_sms_conn_id=CONN_ID,
        number="{{ params.number }}",
        content="Doğrulama kodunuz: {{ params.code }}. Kimseyle paylaşmayın.",
        validity=VALIDITY_MINUTES,
        retries=3,
        retry_delay=pendulum.duration(seconds=5),
    )
    delivered = SmsDeliverySensor(
        task_id="wait_for_delivery",
        conn_id=CONN_ID,
        references="{{ ti.xcom_pull(task_ids='send_otp')['package_id'] }}",
        poke_interval=POKE_SECONDS,
        timeout=600,
        mode="poke",
    )
    sent >> delivered
