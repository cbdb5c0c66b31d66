"""What İleti Merkezi answers, as small immutable dataclasses (numbers as the service gives them)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from airflow_provider_ileti.clients.iletimerkezi.codes import (
    MESSAGE_DELIVERED,
    MESSAGE_FAILED,
    ORDER_COMPLETED,
    ORDER_IN_PROGRESS,
    ORDER_NOT_SENT,
)
from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus


@dataclasses.dataclass(frozen=True)
class Message:
    """One text and its numbers inside an order (``<message>``)."""

    text: str
    numbers: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ReportMessage:
    """One recipient's line in an order report: number and state (110 sending, 111 delivered, 112 failed)."""

    number: str
    status: int

    @property
    def delivered(self) -> bool:
        return self.status == MESSAGE_DELIVERED

    @property
    def failed(self) -> bool:
        return self.status == MESSAGE_FAILED


@dataclasses.dataclass(frozen=True)
class Order:
    """An order's summary (from ``get-report`` or ``get-reports``)."""

    id: str
    status: int
    total: int = 0
    delivered: int = 0
    undelivered: int = 0
    waiting: int = 0
    submit_at: dt.datetime | None = None
    send_at: dt.datetime | None = None
    sender: str | None = None
    price: float | None = None

    def to_status(self) -> DeliveryStatus:
        phase = phase_of(self)
        # 115 with nothing delivered or failed was cancelled (or never sent): nothing is pending any more,
        # whatever the order's total says (its messages were never made).
        pending = (
            0
            if phase is DeliveryPhase.CANCELLED
            else max(self.waiting, self.total - self.delivered - self.undelivered, 0)
        )
        return DeliveryStatus(
            reference=self.id,
            phase=phase,
            total=self.total,
            delivered=self.delivered,
            undelivered=self.undelivered,
            pending=pending,
            raw_state=str(self.status),
        )


def phase_of(order: Order) -> DeliveryPhase:
    """Our phase for an order state.

    113 is "in progress": SENT once any report came back, PENDING before. 115 is "not sent or cancelled":
    guess (the service has one code for both): FAILED when some recipients were reported undelivered,
    CANCELLED when nothing went out at all.
    """
    if order.status == ORDER_COMPLETED:
        return DeliveryPhase.COMPLETE
    if order.status == ORDER_NOT_SENT:
        return DeliveryPhase.FAILED if order.undelivered or order.delivered else DeliveryPhase.CANCELLED
    if order.status == ORDER_IN_PROGRESS:
        if order.delivered or order.undelivered:
            return DeliveryPhase.SENT
        if order.send_at is not None and order.send_at > dt.datetime.now(dt.UTC):
            return DeliveryPhase.SCHEDULED
        return DeliveryPhase.PENDING
    return DeliveryPhase.PENDING
