"""A send in two steps for every client: ``prepare_send`` (check and build, no request) and ``send_prepared``.

A client that builds its own request body (``PreparingSmsClient``: Node, İleti Merkezi) does both steps
itself, so the body the first pass built is the body that goes out. For any other client the prepared body
is the batch itself as JSON (``batch_body``): preparing runs the client's ``validate_send`` when it has one,
and sending turns the body back into a ``SendBatch`` for ``client.send``. Either way the send operator
renders, normalises and checks each recipient once, and keeps only JSON on disk.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.models import PreparedSend, SendBatch, SendReceipt, SmsMessage

if TYPE_CHECKING:
    from airflow_provider_ileti.core.protocol import SmsClient

#: The ``SendBatch`` fields a generic body carries (the key and the date are given when it is sent).
_OPTIONS = ("sender", "validity_minutes", "commercial", "iys_recipient_type", "push_url", "title")


def prepare_send(client: SmsClient, batch: SendBatch) -> PreparedSend:
    """``batch`` checked by the client's rules and ready to send (``ValidationError`` when it is not)."""
    native = getattr(client, "prepare_send", None)
    if callable(native):
        prepared: PreparedSend = native(batch)
        return prepared
    validate = getattr(client, "validate_send", None)
    if callable(validate):
        validate(batch)
    return PreparedSend(service=str(client.service), body=batch_body(batch), recipients=batch.recipient_count)


def send_prepared(
    client: SmsClient,
    prepared: PreparedSend,
    *,
    idempotency_key: str | None,
    send_at: dt.datetime | None,
) -> SendReceipt:
    """Post what ``prepare_send`` made, once, with this key and date."""
    native = getattr(client, "send_prepared", None)
    if callable(native):
        receipt: SendReceipt = native(prepared, idempotency_key=idempotency_key, send_at=send_at)
        return receipt
    return client.send(batch_of(prepared.body, idempotency_key=idempotency_key, send_at=send_at))


def batch_body(batch: SendBatch) -> dict[str, Any]:
    """A batch as JSON, without its key and date: ``{"messages": [[text, [number, ...]], ...], options}``."""
    body: dict[str, Any] = {"messages": [[m.text, list(m.numbers)] for m in batch.messages]}
    for name in _OPTIONS:
        body[name] = getattr(batch, name)
    return body


def batch_of(body: dict[str, Any], *, idempotency_key: str | None, send_at: dt.datetime | None) -> SendBatch:
    """The ``SendBatch`` a ``batch_body`` was made of, with this key and date."""
    messages = tuple(SmsMessage(text=text, numbers=tuple(numbers)) for text, numbers in body["messages"])
    options = {name: body[name] for name in _OPTIONS}
    return SendBatch(messages=messages, send_at=send_at, idempotency_key=idempotency_key, **options)
