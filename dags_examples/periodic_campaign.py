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

Parse cost: the operator modules import no HTTP/SOAP library; the Node client loads when a task runs.
"""

from __future__ import annotations

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_ileti.operators.node_cancel import NodeCancelPackageOperator
from airflow_provider_ileti.operators.node_periodic import NodePeriodicCampaignOperator

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
    render_template_as_native_obj=True,  # params stay lists/ints, start_at a datetime
    params={
        "numbers": Param(["0532 100 00 01", "0532 100 00 02", "0532 100 00 09"], type="array"),
        "content": Param("Haftalık bültenimiz yayında! Çıkmak için RET yazın.", type="string"),
        # periodType 0 in the spec: repeat every `interval` units until `amount` messages went out
        "period_type": Param(0, type="integer"),
        "interval": Param(1, type="integer", minimum=1),
        # numbers per interval: Node takes only whole thousands, so the form refuses anything else
        "amount": Param(1000, type="integer", minimum=1000, multipleOf=1000),
        "start_in_hours": Param(24, type="integer", minimum=1),
    },
) as periodic_campaign:

    # One request; the service paces the sending. Safe to retry: the customID is fixed, and a retry
    # finds the package the first try made instead of creating a second one.
    create_periodic_package = NodePeriodicCampaignOperator(
        task_id="create_periodic_package",
        node_sms_conn_id=CONN_ID,
        numbers="{{ params.numbers }}",
        content="{{ params.content }}",
        title="Example periodic newsletter",
        period_type="{{ params.period_type }}",
        interval="{{ params.interval }}",
        amount="{{ params.amount }}",
        # rendered as a real datetime (render_template_as_native_obj); the client converts to TR time
        start_at="{{ macros.datetime.utcnow() + macros.timedelta(hours=params.start_in_hours) }}",
        custom_id=CAMPAIGN_ID,
    )


with DAG(
    dag_id="ileti_periodic_campaign_cancel",
    description="Stop the periodic Node package created by ileti_periodic_campaign",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "periodic"],
) as periodic_campaign_cancel:

    # Cancel by customID before the package starts; nothing goes out. A package that already started
    # cannot be cancelled (SMS07): the task fails and says so.
    cancel_periodic_package = NodeCancelPackageOperator(
        task_id="cancel_periodic_package",
        node_sms_conn_id=CONN_ID,
        custom_id=CAMPAIGN_ID,
        fail_if_not_cancellable=True,
    )
