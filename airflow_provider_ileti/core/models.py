"""The service-neutral models the generic operators, sensor and triggers speak.

Every client (Node, İleti Merkezi, İletiniz, WISECP) turns these into its own requests and its answers
back into these, so one DAG can move from one service to another by changing a connection id.
All models are plain, immutable and JSON-safe through ``to_dict()`` (XCom never sees a secret). They are
frozen dataclasses whose generated methods are compiled on first use (``core.frozen``): every DAG file that
imports an operator imports these.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any, NamedTuple

from airflow_provider_ileti.core.frozen import frozen_dataclass


class SmsMessage(NamedTuple):
    """One text to one or more numbers (numbers as the user gave them; clients normalise them).

    A named tuple, not a dataclass: a personalised send makes one per recipient (a million per campaign),
    and a tuple is made in C."""

    text: str
    numbers: tuple[str, ...]


@frozen_dataclass
class SendBatch:
    """One send request: one message to many numbers, or several messages each with its numbers.

    ``send_at`` must be timezone-aware (clients convert it to the service's local wall clock).
    ``idempotency_key`` is the client-side id a retry shares (Node ``customID``); services without one
    ignore it and protect themselves by never retrying an ambiguous send.
    """

    messages: tuple[SmsMessage, ...]
    sender: str | None = None
    send_at: dt.datetime | None = None
    validity_minutes: int | None = None
    commercial: bool = False
    #: İYS recipient type for commercial messages: "BIREYSEL" or "TACIR".
    iys_recipient_type: str | None = None
    push_url: str | None = None
    title: str | None = None
    idempotency_key: str | None = None

    @property
    def recipient_count(self) -> int:
        return sum(len(m.numbers) for m in self.messages)


@frozen_dataclass
class PreparedSend:
    """A batch that passed the service's rules, built into the service's own request body (``prepare_send``).

    ``body`` is JSON-safe and holds no secret, no idempotency key and no send date: the send operator keeps
    it on disk between its first pass and the send (``tasks/spill.py``), so each recipient is rendered,
    normalised and checked once, and gives the key and the date when the chunk goes out (a chunk sent again
    after a cancel has a new key; a date can pass while earlier chunks go out).
    """

    service: str
    body: Any
    recipients: int


@frozen_dataclass
class SendReceipt:
    """What a send produced: the service's reference (package, order or job id) and counts."""

    service: str
    reference: str
    recipients: int
    idempotency_key: str | None = None
    #: True when the send was not made again because the service already had it (a retry).
    replayed: bool = False
    #: For services that answer per recipient (İletiniz bulk): references of each accepted item.
    item_references: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "reference": self.reference,
            "recipients": self.recipients,
            "idempotency_key": self.idempotency_key,
            "replayed": self.replayed,
            "item_references": list(self.item_references),
        }


class DeliveryPhase(enum.StrEnum):
    """Where a package/order/job is on its way, in words every service shares."""

    SCHEDULED = "scheduled"
    PENDING = "pending"  # accepted, queued or sending
    SENT = "sent"  # handed to the operator, delivery reports not final
    COMPLETE = "complete"  # every recipient has a final report
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (DeliveryPhase.COMPLETE, DeliveryPhase.FAILED, DeliveryPhase.CANCELLED)


@frozen_dataclass
class DeliveryStatus:
    """The state of one package/order/job with its delivery counts."""

    reference: str
    phase: DeliveryPhase
    total: int = 0
    delivered: int = 0
    undelivered: int = 0
    pending: int = 0
    #: The service's own state value, for logs and debugging.
    raw_state: str | None = None

    @property
    def final(self) -> bool:
        return self.phase.final

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "phase": self.phase.value,
            "total": self.total,
            "delivered": self.delivered,
            "undelivered": self.undelivered,
            "pending": self.pending,
            "raw_state": self.raw_state,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeliveryStatus:
        return cls(
            reference=str(data["reference"]),
            phase=DeliveryPhase(data["phase"]),
            total=int(data.get("total", 0)),
            delivered=int(data.get("delivered", 0)),
            undelivered=int(data.get("undelivered", 0)),
            pending=int(data.get("pending", 0)),
            raw_state=data.get("raw_state"),
        )


@frozen_dataclass
class Balance:
    """Credit left: SMS credits and/or money, whichever the service reports."""

    credits: float | None = None
    amount: float | None = None
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def summarise(statuses: Sequence[DeliveryStatus]) -> dict[str, int]:
    """Counts over many packages, as the sensor returns them to XCom."""
    return {
        "packages": len(statuses),
        "final": sum(1 for s in statuses if s.final),
        "total": sum(s.total for s in statuses),
        "delivered": sum(s.delivered for s in statuses),
        "undelivered": sum(s.undelivered for s in statuses),
        "pending": sum(s.pending for s in statuses),
        "failed_packages": sum(1 for s in statuses if s.phase is DeliveryPhase.FAILED),
        "cancelled_packages": sum(1 for s in statuses if s.phase is DeliveryPhase.CANCELLED),
    }
