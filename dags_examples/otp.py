"""Tutorial 3 — a one-time password, triggered with params (e.g. from the REST API by your login service).

``airflow dags trigger ileti_otp --conf '{"number": "0532 123 45 67", "code": "482913"}'``

- The OTP goes out with Node's ``/sms/create-otp`` (the fast OTP route, validity in minutes).
- The customID is derived from the run id, so a retried task never sends a second code.
- A short sensor then checks that the code was delivered (poke mode: OTPs are quick).
- The code itself is never logged or returned; XCom holds the package id and a masked number.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param, task

from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor

CONN_ID = "node_sms_default"
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
        "validity_minutes": Param(3, type="integer", minimum=1, maximum=60),
    },
) as otp_dag:

    @task(retries=3, retry_delay=pendulum.duration(seconds=5))
    def send_otp(params: dict[str, Any] | None = None, run_id: str | None = None) -> dict[str, Any]:
        from airflow_provider_ileti.core.idempotency import make_custom_id
        from airflow_provider_ileti.core.masking import mask_number
        from airflow_provider_ileti.core.phone import normalize_number
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        p = params or {}
        number = normalize_number(p["number"])
        hook = get_sms_hook(CONN_ID)
        try:
            pkg_id = hook.get_client().create_otp(
                number,
                f"Doğrulama kodunuz: {p['code']}. Kimseyle paylaşmayın.",
                validity=int(p["validity_minutes"]),
                custom_id=make_custom_id("ileti_otp", run_id, prefix="otp"),  # same run -> same id
            )
        finally:
            hook.close()
        print(f"OTP package {pkg_id} to {mask_number(number)}")
        return {"package_id": str(pkg_id), "to": mask_number(number)}

    sent = send_otp()
    delivered = SmsDeliverySensor(
        task_id="wait_for_delivery",
        conn_id=CONN_ID,
        references="{{ ti.xcom_pull(task_ids='send_otp')['package_id'] }}",
        poke_interval=POKE_SECONDS,
        timeout=600,
        mode="poke",
    )
    sent >> delivered
