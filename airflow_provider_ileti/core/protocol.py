"""The small interface every service client implements.

The generic operators (send, cancel, balance gate) and the delivery sensor speak only this, the way the
common-sql operators speak DB-API to any database hook. Service-only features are methods of the concrete
clients and have operators of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from airflow_provider_ileti.core.models import (
    Balance,
    DeliveryStatus,
    PreparedSend,
    SendBatch,
    SendReceipt,
)


@runtime_checkable
class SmsClient(Protocol):
    @property
    def service(self) -> str:
        """Short service name: "node", "iletimerkezi", "iletiniz", "wisecp" (a ``core.service.Service``)."""
        ...

    #: The most recipients one ``send()`` may carry; the operator chunks to this.
    max_recipients_per_send: int
    #: The most references one ``get_statuses()`` call may carry (one request for Node's ``/sms/list``;
    #: one request per reference, a few at a time, where the service reads one per request).
    max_status_batch: int
    #: True when the service deduplicates by ``SendBatch.idempotency_key`` (Node customID).
    supports_idempotency: bool

    def send(self, batch: SendBatch) -> SendReceipt:
        """Send once. Raise ``AmbiguousSendError`` rather than retry a send that may have gone out."""
        ...

    def find_sent(self, idempotency_keys: Sequence[str]) -> Mapping[str, SendReceipt]:
        """Sends the service already has for these keys (empty for services without client ids)."""
        ...

    def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        """The state of each reference, in as few requests as the service allows."""
        ...

    def cancel(self, reference: str) -> None: ...

    def get_balance(self) -> Balance: ...

    def list_senders(self) -> list[str]: ...

    def close(self) -> None: ...


@runtime_checkable
class ValidatingSmsClient(SmsClient, Protocol):
    """An ``SmsClient`` that can also check a batch against the service's own rules, with no network.

    **Optional**: the generic send operator calls ``validate_send`` for *every* chunk in its first pass
    (``validate_first=True``, a re-readable recipient source) when the client has the method, so a rule
    that only the service knows (İleti Merkezi: no foreign numbers, at most 7 SMS parts per personalised
    text; Node: validity 60..1440 minutes...) fails the task before chunk 0 goes out, not after chunks
    0..4 did. Clients without it are checked per chunk inside ``send`` as before.
    """

    def validate_send(self, request: SendBatch) -> None:
        """Raise ``core.errors.ValidationError`` (field, value, rule) if ``send(request)`` would refuse it.

        Makes no request and has no side effect; ``send`` must still check (it may be called alone).
        """
        ...


@runtime_checkable
class PreparingSmsClient(SmsClient, Protocol):
    """An ``SmsClient`` whose send is two steps: check and build the request, then post it.

    **Optional** (``core.prepared`` gives every client both steps): the send operator's first pass
    prepares every chunk and keeps the bodies on disk, and the send posts them, so no chunk is rendered,
    checked or built twice. ``send(batch)`` is ``send_prepared(prepare_send(batch), ...)``.
    """

    def prepare_send(self, batch: SendBatch) -> PreparedSend:
        """Every check ``send`` makes (``ValidationError``: field, masked value, rule) and the body; no
        request. The batch's ``idempotency_key`` and ``send_at`` are checked but not kept in the body."""
        ...

    def send_prepared(
        self, prepared: PreparedSend, *, idempotency_key: str | None, send_at: dt.datetime | None
    ) -> SendReceipt:
        """Post a prepared body once, with this key and date (as ``send`` would)."""
        ...


@runtime_checkable
class AsyncStatusClient(Protocol):
    """What a trigger needs: read many states without blocking the triggerer's event loop."""

    @property
    def service(self) -> str: ...

    max_status_batch: int

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]: ...

    async def aclose(self) -> None: ...
