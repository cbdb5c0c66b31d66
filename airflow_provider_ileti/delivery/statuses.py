"""Reading the states of many sends in as few requests as the service allows, sync and async.

A client says how many references one ``get_statuses`` call may carry (``max_status_batch``: 1000 for Node's
``/sms/list``); the references are cut into batches of that size, in order, and nothing else is asked. A
call is one request for Node; for a service that reads one reference per request it is that many requests,
``status_concurrency`` at a time (``clients.http.fanout``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from airflow_provider_ileti.core.models import DeliveryStatus
from airflow_provider_ileti.core.protocol import AsyncStatusClient, SmsClient


def batches(references: Sequence[str], size: int) -> Iterator[list[str]]:
    """``references`` in order, in lists of at most ``size``."""
    step = max(1, int(size))
    for start in range(0, len(references), step):
        yield list(references[start : start + step])


def read_statuses(client: SmsClient, references: Sequence[str]) -> list[DeliveryStatus]:
    """The states of ``references``, one ``get_statuses`` call per ``client.max_status_batch`` of them."""
    statuses: list[DeliveryStatus] = []
    for batch in batches(references, client.max_status_batch):
        statuses.extend(client.get_statuses(batch))
    return statuses


async def aread_statuses(client: AsyncStatusClient, references: Sequence[str]) -> list[DeliveryStatus]:
    """The async twin of ``read_statuses``, for the trigger."""
    statuses: list[DeliveryStatus] = []
    for batch in batches(references, client.max_status_batch):
        statuses.extend(await client.get_statuses(batch))
    return statuses
