"""The delivery trigger's event, turned into the task's result or the right Airflow exception."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.delivery.log_lines import final_line
from airflow_provider_ileti.delivery.policy import DeliveryPolicy


def complete_from_event(
    policy: DeliveryPolicy, event: Mapping[str, Any] | None, *, log: logging.Logger | Any
) -> dict[str, int]:
    """Turn a ``SmsDeliveryTrigger`` event into the XCom summary or the right Airflow exception."""
    if not event:
        raise AirflowException("SMS delivery trigger ended without an event")
    status = event.get("status")
    if status == "error":
        message = f"watching SMS delivery failed: {event.get('message')}"
        if event.get("retryable"):
            raise AirflowException(message)
        raise AirflowFailException(message)
    if status == "failed":
        raise AirflowFailException(f"SMS delivery failed: {event.get('message')}")
    if status != "final":
        raise AirflowException(f"SMS delivery trigger sent an unknown event status {status!r}")
    summary = dict(event.get("summary") or {})
    reason = policy.final_failure(summary)
    if reason:
        raise AirflowFailException(f"SMS delivery below policy: {reason}")
    log.info("%s", final_line(summary))
    return summary
