"""A sharded SMS campaign: one CSV source, N shards, one mapped ``SendSmsOperator`` per shard, one watch.

Triggered by ``scale/run.py`` with a conf of ``source`` (a CSV file every worker can read), ``shard_dir``
(a shared directory; one sub-directory per run), ``shards``, ``chunk_size`` and ``validity``. Every shard is
its own task instance (``map_index``), so its exactly-once keys, progress record and claim are its own; a
shard retried on another worker after its first worker died resumes where that try stopped. The delivery
watch is one deferrable ``SmsDeliverySensor`` over every shard's package references: Node reads up to
1,000 packages per status request, so a poll over all shards costs ``ceil(packages / 1000)`` requests.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import dag, get_current_context, task

from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.sensors.delivery import SmsDeliverySensor
from airflow_provider_ileti.transfers.shards import split_csv

TEMPLATE = "Merhaba {{ r.first_name }}, size özel kod: {{ r.code }}"


@dag(
    dag_id="ileti_scale_campaign",
    schedule=None,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=64,
    default_args={"retries": 3, "retry_delay": timedelta(seconds=5)},
    tags=["ileti", "scale"],
)
def ileti_scale_campaign() -> None:
    @task
    def make_shards() -> list[dict[str, Any]]:
        context = get_current_context()
        conf = context["dag_run"].conf or {}
        directory = Path(conf["shard_dir"]) / context["run_id"].replace(":", "_").replace("+", "_")
        plan = split_csv(conf["source"], directory, shards=int(conf["shards"]))
        return [
            {"recipients_csv": path, "chunk_size": int(conf.get("chunk_size", 5000))} for path in plan.paths()
        ]

    send = SendSmsOperator.partial(
        task_id="send",
        conn_id="node_sms_default",
        message_template=TEMPLATE,
        validity=60,
        retries=5,
        retry_delay=timedelta(seconds=5),
    ).expand_kwargs(make_shards())

    @task
    def references(results: Any) -> list[str]:
        return [ref for result in results for ref in result["references"]]

    SmsDeliverySensor(
        task_id="watch",
        conn_id="node_sms_default",
        references=references(send.output),
        deferrable=True,
        poke_interval=5,
        timeout=3600,
        fail_on_failed=True,
    )


ileti_scale_campaign()
