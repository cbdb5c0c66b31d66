"""WISECP against the hostile server: ``WisecpClient`` (``balance``, ``submit`` and ``send``) and
``AsyncWisecpStatusClient``.

Proves, per mode: the user token (carried in every request body) and the numbers and texts never reach
the other host, memory stays under 50 MB, the call fails within the timeout + 2 s with an ``IletiError``
whose text holds no secret and no full number, a 429 with an hour's ``Retry-After`` fails at once, and a
submit (no client id at WISECP) is sent exactly once whenever it may have arrived.
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
    from airflow_provider_ileti.clients.wisecp.client import WisecpClient

# The clients are imported where they are used, so a module broken mid-rewrite fails its own tests only.

TOKEN = "wisecp-TOKEN-SECRET"
SECRETS = (TOKEN,)
SENDER = "ILETI"

CALLS: dict[str, tuple[str, Callable[[WisecpClient], Any]]] = {
    "balance": ("read", lambda c: c.balance()),
    "submit": ("send", lambda c: c.submit([NUMBER], TEXT, origin=SENDER)),
    "send": ("send", lambda c: c.send(SendBatch(messages=(SmsMessage(TEXT, (NUMBER,)),), sender=SENDER))),
}
MODES_OF_CALL = {
    "balance": (*READ_MODES, "drip_headers"),
    "submit": SEND_MODES,
    "send": SECOND_SEND_MODES,
}
CASES = [
    pytest.param(call, mode, id=f"{call}-{mode}") for call, modes in MODES_OF_CALL.items() for mode in modes
]


def _run(hostile: HostileServer, call: str, mode: str, **overrides: Any) -> Outcome:
    from airflow_provider_ileti.clients.wisecp.client import WisecpClient

    kind, fn = CALLS[call]
    client = WisecpClient(hostile.url("/api/sms"), TOKEN, default_sender=SENDER, **knobs(**overrides))
    try:
        return run_call(lambda: fn(client), mode, kind)
    finally:
        client.close()


@pytest.mark.parametrize(("call", "mode"), CASES)
def test_wisecp_client(hostile: HostileServer, other_host: OtherHost, call: str, mode: str) -> None:
    hostile.serve(mode)
    check(_run(hostile, call, mode), hostile=hostile, other_host=other_host, secrets=SECRETS)


@pytest.mark.parametrize("mode", [*READ_MODES, "drip"])
def test_wisecp_async_status(hostile: HostileServer, other_host: OtherHost, mode: str) -> None:
    hostile.serve(mode)

    from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient

    async def statuses() -> Any:
        client = AsyncWisecpStatusClient(hostile.url("/api/sms"), TOKEN, **knobs())
        try:
            return await client.get_statuses(["1001"])
        finally:
            await client.aclose()

    check(run_async(statuses, mode), hostile=hostile, other_host=other_host, secrets=SECRETS)


def test_wisecp_max_answer_bytes_is_honoured(hostile: HostileServer, other_host: OtherHost) -> None:
    hostile.serve("huge_unsized")
    outcome = _run(hostile, "balance", "huge_unsized", max_answer_bytes=1024 * 1024)
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)
    assert outcome.peak is not None and outcome.peak < 10 * 1024 * 1024, (
        f"max_answer_bytes=1 MiB but the call held {outcome.peak / 2**20:.0f} MB"
    )
