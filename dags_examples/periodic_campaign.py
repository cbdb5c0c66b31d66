"""Tutorial 2 — a server-side periodic campaign (Node ``periodicSettings``) and its cancellation.

A big list should not hit every phone in the same minute (call centres, web servers and operators all feel
it). Node's ``periodicSettings`` (``periodType 0``) lets the *service* pace one package: ``amount`` numbers
(a multiple of 1000) every ``interval`` minutes, starting at the package's ``sendingDate``. Airflow sends
one request and is done; the service does the pacing.

Here the package starts ``start_in_hours`` from now, so there is time to change your mind: a package that
has not started yet can be cancelled (one that is already sending cannot: SMS07).

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
    description="Create a Node package that the service paces itself (periodicSettings)",
    schedule=None,  # triggered by hand: the pacing happens on the service, not in Airflow
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
        "start_in_hours": Param(24, type="integer", minimum=1),
    },
) as periodic_campaign:

    @task
    def create_periodic_package(params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request; the service paces the sending. Safe to retry: the customID is fixed."""
        from airflow_provider_ileti.clients.node.models import PeriodicSettings
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        p = params or {}
        starts = pendulum.now("UTC").add(hours=int(p["start_in_hours"]))  # the client converts to TR time
        hook = get_sms_hook(CONN_ID)
        try:
            client = hook.get_client()
            pkg_id = client.create_sms(
                sending_type=1,  # one text to many numbers
                numbers=list(p["numbers"]),
                content=p["content"],
                title="Example periodic newsletter",
                sending_date=starts,
                periodic=PeriodicSettings(
                    period_type=int(p["period_type"]), interval=int(p["interval"]), amount=int(p["amount"])
                ),
                custom_id=CAMPAIGN_ID,
            )
        finally:
            hook.close()
        print(f"Periodic package {pkg_id} for {len(p['numbers'])} number(s) starts {starts.isoformat()}")
        return {
            "package_id": pkg_id, "custom_id": CAMPAIGN_ID, "numbers": len(p["numbers"]),
            "starts": starts.isoformat(),
        }

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
        """Cancel by customID before the package starts; nothing goes out."""
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        hook = get_sms_hook(CONN_ID)
        try:
            hook.get_client().cancel_package(custom_id=CAMPAIGN_ID)
        finally:
            hook.close()
        print(f"Periodic package {CAMPAIGN_ID} cancelled")
        return {"cancelled": CAMPAIGN_ID}

    cancel_periodic_package()
