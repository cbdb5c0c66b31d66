"""Tutorial 3 — a one-time password, triggered by your login service (the REST API), no code ever stored.

``POST /api/v2/dags/ileti_otp/dagRuns {"dag_run_id": "login-7f3a", "conf": {"number": "0532 123 45 67"}}``

- The code is *not* a run parameter: Airflow stores a run's params and shows them in the UI. The send
  derives it (``core/otp_code.py``) from a key only your login service and Airflow hold (the password of the
  ``ileti_otp_key`` connection) and the run id your service chose; your service checks what the person
  types with ``verify_code(key, "login-7f3a", typed)``. The code is in no param, XCom, rendered field or log.
- The OTP goes out with Node's ``/sms/create-otp`` (the fast OTP route, validity in minutes).
- The customID is derived from the run id, so a retried task never sends a second code (and derives the
  same one).
- A short sensor then checks that the code was delivered (poke mode: OTPs are quick).

Define the key once, e.g. ``AIRFLOW_CONN_ILETI_OTP_KEY='{"conn_type": "generic", "password": "<32+ random
characters>"}'`` (or in a secrets backend).
"""

from __future__ import annotations

import os

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

CONN_ID = "node_sms_default"
#: The connection whose password is the key the codes are derived from (shared with the login service).
CODE_KEY_CONN_ID = "ileti_otp_key"
#: Minutes the code is valid; the OTP route allows 3..6.
VALIDITY_MINUTES = 3
POKE_SECONDS = float(os.environ.get("ILETI_EXAMPLE_POKE_SECONDS", "5"))

with DAG(
    dag_id="ileti_otp",
    description="Send a one-time password derived for the run (never stored)",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "otp"],
    params={
        "number": Param("0532 123 45 67", type="string", description="the recipient"),
    },
) as otp_dag:

    # customID derived from dag/task/run: a retried task finds the package instead of sending again.
    # Airflow stores rendered template fields: the number is kept out of that view (a summary is shown);
    # the text holds "{code}", replaced only inside the send by the derived code (masked in the log).
    sent = NodeOtpOperator(
        task_id="send_otp",
        node_sms_conn_id=CONN_ID,
        number="{{ params.number }}",
        content="Doğrulama kodunuz: {code}. Kimseyle paylaşmayın.",
        code_key_conn_id=CODE_KEY_CONN_ID,  # the code is derived from this key and the run id
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
