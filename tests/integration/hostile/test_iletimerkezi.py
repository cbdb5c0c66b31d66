"""İleti Merkezi against the hostile server: ``IletiMerkeziClient`` in XML and in JSON, and
``AsyncIletiMerkeziStatusClient`` (``clients/iletimerkezi/aio.py``) in both formats.

Proves, per mode: the API key and hash (carried in every request body) and the numbers and texts never
reach the other host, memory stays under 50 MB, the call fails within the timeout + 2 s with an
``IletiError`` whose text holds no secret and no full number, a 429 with an hour's ``Retry-After`` fails at
once, and an order (no client id at İleti Merkezi) is sent exactly once whenever it may have arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .conftest import (
    NUMBER,
    READ_MODES,
    SECOND_SEND_MODES,
    SEND_MODES,
    TEXT,
    Outcome,
    check,
    knobs,
    run_async,
    run_call,
)
from .server import HostileServer, OtherHost

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient

# The clients are imported where they are used, so a module broken mid-rewrite fails its own tests only.

KEY = "imkey-SECRET-1"
API_HASH = "imhash-SECRET-2b7e151628aed2a6abf7158809cf4f3c"
SECRETS = (KEY, API_HASH)
SENDER = "APITEST"

CALLS: dict[str, tuple[str, Callable[[IletiMerkeziClient], Any]]] = {
    "balance": ("read", lambda c: c.balance()),
    "send_sms": ("send", lambda c: c.send_sms(TEXT, [NUMBER], sender=SENDER)),
    "send": ("send", lambda c: c.send(SendBatch(messages=(SmsMessage(TEXT, (NUMBER,)),), sender=SENDER))),
}
#: The XML client meets every mode; JSON shares the transport, so it meets those that reach the parser
#: (and the timing modes once, on the send).
MODES_OF_CALL = {
    "xml": {
        "balance": (*READ_MODES, "drip_headers"),
        "send_sms": SEND_MODES,
        "send": SECOND_SEND_MODES,
    },
    "json": {
        "balance": READ_MODES,
        "send_sms": tuple(m for m in SEND_MODES if m != "drip"),
    },
}
CASES = [
    pytest.param(fmt, call, mode, id=f"{fmt}-{call}-{mode}")
    for fmt, calls in MODES_OF_CALL.items()
    for call, modes in calls.items()
    for mode in modes
]


def _client(hostile: HostileServer, fmt: str, **overrides: Any) -> IletiMerkeziClient:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient

    return IletiMerkeziClient(
        hostile.url("/v1"),
        key=KEY,
        api_hash=API_HASH,
        format=fmt,
        default_sender=SENDER,
        **knobs(**overrides),
    )


def _run(hostile: HostileServer, fmt: str, call: str, mode: str, **overrides: Any) -> Outcome:
    kind, fn = CALLS[call]
    client = _client(hostile, fmt, **overrides)
    try:
        return run_call(lambda: fn(client), mode, kind)
    finally:
        client.close()


@pytest.mark.parametrize(("fmt", "call", "mode"), CASES)
def test_iletimerkezi_client(
    hostile: HostileServer, other_host: OtherHost, fmt: str, call: str, mode: str
) -> None:
    hostile.serve(mode, dialect=fmt)
    outcome = _run(hostile, fmt, call, mode)
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("xml", m) for m in (*READ_MODES, "drip")] + [("json", m) for m in ("redirect", "truncated", "huge")],
)
def test_iletimerkezi_async_status(
    hostile: HostileServer, other_host: OtherHost, fmt: str, mode: str
) -> None:
    hostile.serve(mode, dialect=fmt)

    from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient

    async def statuses() -> Any:
        client = AsyncIletiMerkeziStatusClient(
            hostile.url("/v1"), key=KEY, api_hash=API_HASH, format=fmt, **knobs()
        )
        try:
            return await client.get_statuses(["12345"])
        finally:
            await client.aclose()

    check(run_async(statuses, mode), hostile=hostile, other_host=other_host, secrets=SECRETS)


def test_iletimerkezi_max_answer_bytes_is_honoured(hostile: HostileServer, other_host: OtherHost) -> None:
    hostile.serve("huge_unsized", dialect="xml")
    outcome = _run(hostile, "xml", "balance", "huge_unsized", max_answer_bytes=1024 * 1024)
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)
    assert outcome.peak is not None and outcome.peak < 10 * 1024 * 1024, (
        f"max_answer_bytes=1 MiB but the call held {outcome.peak / 2**20:.0f} MB"
    )
