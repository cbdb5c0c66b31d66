"""A send in two steps for any client: what is prepared goes out, with the key and date of the send."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import PreparedSend, SendBatch, SendReceipt, SmsMessage
from airflow_provider_ileti.core.prepared import batch_body, batch_of, prepare_send, send_prepared
from airflow_provider_ileti.tasks.spill import ChunkSpill, SpilledChunk

LATER = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)
BATCH = SendBatch(
    messages=(SmsMessage("Merhaba Ali", ("905555550001",)), SmsMessage("Merhaba Can", ("905555550002",))),
    sender="MAGAZA",
    validity_minutes=90,
    commercial=True,
    iys_recipient_type="BIREYSEL",
    push_url="https://example.com/dlr",
    title="kampanya",
    send_at=LATER,
    idempotency_key="run.chunk-0",
)


class SendOnly:
    """A client with only ``send`` (and, when asked, ``validate_send``): the generic two steps apply."""

    service = "fake"

    def __init__(self, *, refuse: bool = False) -> None:
        self.sent: list[SendBatch] = []
        self.validated: list[SendBatch] = []
        self.refuse = refuse

    def validate_send(self, batch: SendBatch) -> None:
        self.validated.append(batch)
        if self.refuse:
            raise ValidationError("sender", batch.sender, "not approved")

    def send(self, batch: SendBatch) -> SendReceipt:
        self.sent.append(batch)
        return SendReceipt(service="fake", reference="r1", recipients=batch.recipient_count)


def test_a_batch_body_is_json_without_key_or_date_and_comes_back_whole() -> None:
    body = batch_body(BATCH)
    assert "idempotency_key" not in body and "send_at" not in body
    again = batch_of(json.loads(json.dumps(body)), idempotency_key="run.chunk-0.g1", send_at=LATER)
    assert again == SendBatch(**{**BATCH.__dict__, "idempotency_key": "run.chunk-0.g1"})


def test_a_client_without_its_own_steps_is_validated_then_sent_what_was_validated() -> None:
    client = SendOnly()
    prepared = prepare_send(client, BATCH)
    assert client.validated == [BATCH] and prepared.recipients == 2 and prepared.service == "fake"
    receipt = send_prepared(client, prepared, idempotency_key="k.g1", send_at=None)
    assert receipt.reference == "r1"
    assert client.sent == [SendBatch(**{**BATCH.__dict__, "idempotency_key": "k.g1", "send_at": None})]


def test_a_refused_batch_is_refused_when_prepared_and_nothing_is_sent() -> None:
    client = SendOnly(refuse=True)
    with pytest.raises(ValidationError, match="not approved"):
        prepare_send(client, BATCH)
    assert client.sent == []


def test_a_client_with_its_own_steps_is_called_with_the_key_and_the_date() -> None:
    calls: list[Any] = []

    class Preparing(SendOnly):
        def prepare_send(self, batch: SendBatch) -> PreparedSend:
            return PreparedSend(service="fake", body={"wire": True}, recipients=batch.recipient_count)

        def send_prepared(self, prepared: PreparedSend, **kwargs: Any) -> SendReceipt:
            calls.append((prepared.body, kwargs))
            return SendReceipt(service="fake", reference="r2", recipients=prepared.recipients)

    client = Preparing()
    prepared = prepare_send(client, BATCH)
    assert send_prepared(client, prepared, idempotency_key="k", send_at=LATER).reference == "r2"
    assert calls == [({"wire": True}, {"idempotency_key": "k", "send_at": LATER})]
    assert client.validated == [] and client.sent == []


def test_a_spill_replays_its_chunks_in_order_from_any_chunk() -> None:
    with ChunkSpill() as spill:
        for n in range(4):
            spill.add(SpilledChunk({"n": n, "text": "Şükrü 😀"}, n + 1, f"fp{n}", f"{n + 1} numbers"))
        assert (spill.chunks, spill.recipients) == (4, 10)
        assert [c.body["n"] for _, c in spill.replay()] == [0, 1, 2, 3]
        assert [(n, c.fingerprint) for n, c in spill.replay(2)] == [(2, "fp2"), (3, "fp3")]
        assert list(spill.replay(4)) == []
        assert next(iter(spill.replay()))[1].body["text"] == "Şükrü 😀"
