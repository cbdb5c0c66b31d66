"""Tutorial 2 — a server-side periodic campaign (Node ``periodicSettings``) and its cancellation.

Instead of an Airflow schedule, the Node service itself repeats a package: one ``/sms/create`` with
``periodicSettings`` and the service sends again every period. Airflow only *creates* it (once) and, in a
second DAG, *cancels* it.

Both DAGs name the package by a fixed ``customID`` (``CAMPAIGN_ID``): creating twice is answered by the
service as a duplicate (the client resolves it to the existing package instead of making a second one), and
the cancel DAG needs no package id passed around — it cancels by the same customID.

- ``ileti_periodic_campaign``: trigger with params (numbers, text, interval) to start the repeating package.
- ``ileti_periodic_campaign_cancel``: trigger to stop it.

Parse cost: only Airflow's SDK is imported here; the Node client is imported inside the tasks.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param, task

CONN_ID = "node_sms_default"
#: The package's customID (≤ 100 of ``[A-Za-z0-9.-]``): the name both DAGs use for the same campaign.
CAMPAIGN_ID = "example-periodic-newsletter"

with DAG(
    dag_id="ileti_periodic_campaign",
    description="Create a Node package that the service itself repeats (periodicSettings)",
    schedule=None,  # triggered by hand: the repetition happens on the service, not in Airflow
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "periodic"],
    params={
        "numbers": Param(["0532 100 00 01", "0532 100 00 02", "0532 100 00 09"], type="array"),
        "content": Param("Haftalık bültenimiz yayında! Çıkmak için RET yazın.", type="string"),
        # periodType 0 in the spec: repeat every `interval` units until `amount` messages went out
        "period_type": Param(0, type="integer"),
        "interval": Param(1, type="integer", minimum=1),
        "amount": Param(1000, type="integer", minimum=1000),
    },
) as periodic_campaign:

    @task
    def create_periodic_package(params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request; the service schedules the repeats. Safe to retry: the customID is fixed."""
        from airflow_provider_ileti.clients.node.models import PeriodicSettings

        from airflow_provider_ileti.hooks.registry import get_sms_hook

        p = params or {}
        hook = get_sms_hook(CONN_ID)
        try:
            client = hook.get_client()
            pkg_id = client.create_sms(
                sending_type=1,  # one text to many numbers
                numbers=list(p["numbers"]),
                content=p["content"],
                title="Example periodic newsletter",
                periodic=PeriodicSettings(
                    period_type=int(p["period_type"]), interval=int(p["interval"]), amount=int(p["amount"])
                ),
                custom_id=CAMPAIGN_ID,
            )
        finally:
            hook.close()
        print(f"Periodic package {pkg_id} created for {len(p['numbers'])} number(s)")
        return {"package_id": pkg_id, "custom_id": CAMPAIGN_ID, "numbers": len(p["numbers"])}

    create_periodic_package()


with DAG(
    dag_id="ileti_periodic_campaign_cancel",
    description="Stop the periodic Node package created by ileti_periodic_campaign",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "periodic"],
) as periodic_campaign_cancel:

    @task
    def cancel_periodic_package() -> dict[str, Any]:
        """Cancel by customID; the service stops every future repetition."""
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        hook = get_sms_hook(CONN_ID)
        try:
            hook.get_client().cancel_package(custom_id=CAMPAIGN_ID)
        finally:
            hook.close()
        print(f"Periodic package {CAMPAIGN_ID} cancelled")
        return {"cancelled": CAMPAIGN_ID}

    cancel_periodic_package()
