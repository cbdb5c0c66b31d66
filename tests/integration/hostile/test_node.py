"""Node SMS API against the hostile server: ``NodeClient`` over REST and over SOAP (a real WSDL first, the
hostile answer on the POST; and a hostile WSDL GET), and ``AsyncNodeStatusClient``.

Proves, per mode: the password (HTTP Basic) and the numbers and texts never reach the other host, memory
stays under 50 MB, the call fails within the timeout + 2 s with an ``IletiError`` whose text holds no
secret and no full number, a 429 with an hour's ``Retry-After`` fails at once, and a package creation
without customID is sent exactly once whenever it may have arrived.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from airflow_provider_ileti.core.errors import AmbiguousSendError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .conftest import (
    NUMBER,
    READ_MODES,
    SECOND_SEND_MODES,
    SEND_MODES,
    TEXT,
    Outcome,
    basic,
    check,
    knobs,
    run_async,
    run_call,
)
from .server import HostileServer, OtherHost

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.node.client import NodeClient

# The clients are imported where they are used, so a module broken mid-rewrite fails its own tests only.

USER = "node-user"
PASSWORD = "node-PASSWORD-secret"
SECRETS = (PASSWORD, basic(USER, PASSWORD))
SENDER = "ILETI"

CALLS: dict[str, tuple[str, Callable[[NodeClient], Any]]] = {
    "get_credit": ("read", lambda c: c.get_credit()),
    "create_sms": (
        "send",
        lambda c: c.create_sms(sending_type=0, number=NUMBER, content=TEXT, sender=SENDER),
    ),
    "send": (
        "send",
        lambda c: c.send(SendBatch(messages=(SmsMessage(TEXT, (NUMBER,)),), sender=SENDER)),
    ),
}
MODES_OF_CALL = {
    "get_credit": (*READ_MODES, "drip_headers"),
    "create_sms": SEND_MODES,
    "send": SECOND_SEND_MODES,
}
CASES = [
    pytest.param(protocol, call, mode, id=f"{protocol}-{call}-{mode}")
    for protocol in ("rest", "soap")
    for call, modes in MODES_OF_CALL.items()
    for mode in modes
]


def _client(hostile: HostileServer, protocol: str, **overrides: Any) -> NodeClient:
    from airflow_provider_ileti.clients.node.client import NodeClient

    return NodeClient(
        hostile.url("/node"), USER, PASSWORD, protocol=protocol, default_sender=SENDER, **knobs(**overrides)
    )


def _run(hostile: HostileServer, protocol: str, call: str, mode: str, **overrides: Any) -> Outcome:
    kind, fn = CALLS[call]
    client = _client(hostile, protocol, **overrides)
    try:
        return run_call(lambda: fn(client), mode, kind)
    finally:
        client.close()


@pytest.mark.parametrize(("protocol", "call", "mode"), CASES)
def test_node_client(
    hostile: HostileServer, other_host: OtherHost, protocol: str, call: str, mode: str
) -> None:
    hostile.serve(mode, dialect="soap" if protocol == "soap" else "json")
    outcome = _run(hostile, protocol, call, mode)
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)
    if protocol == "soap":
        posts = [r for r in hostile.calls if r.method == "POST"]
        assert posts and all(r.path.endswith("/soap") for r in posts), (
            f"the SOAP call did not POST to /soap (a REST fallback?): {[r.path for r in hostile.requests]}"
        )


@pytest.mark.parametrize("mode", ["redirect", "huge", "html", "truncated_xml"])
@pytest.mark.parametrize("call", ["get_credit", "create_sms"])
def test_node_soap_hostile_wsdl(hostile: HostileServer, other_host: OtherHost, call: str, mode: str) -> None:
    """The WSDL GET itself is hostile: a clear error, no POST at all (nothing was sent)."""
    hostile.serve(mode, dialect="soap", wsdl="hostile")
    outcome = _run(hostile, "soap", call, mode)
    wsdl_gets = [r for r in hostile.requests if r.is_wsdl]
    assert wsdl_gets, f"no WSDL GET was made: {[r.path for r in hostile.requests]}"
    assert hostile.calls == [], "a call was made although the WSDL could not be read"
    assert not isinstance(outcome.error, AmbiguousSendError), (
        f"nothing was POSTed (the WSDL could not be read), yet the error says the send may have gone out: "
        f"{outcome.error}"
    )
    error = check(
        dataclasses.replace(outcome, kind="read"),
        hostile=hostile,
        other_host=other_host,
        secrets=SECRETS,
        requests_made=len(wsdl_gets),
    )
    assert not isinstance(error, StopIteration)


@pytest.mark.parametrize("mode", [*READ_MODES, "drip"])
def test_node_async_status(hostile: HostileServer, other_host: OtherHost, mode: str) -> None:
    hostile.serve(mode)

    from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient

    async def statuses() -> Any:
        client = AsyncNodeStatusClient(hostile.url("/node"), USER, PASSWORD, **knobs())
        try:
            return await client.get_statuses(["12"])
        finally:
            await client.aclose()

    check(run_async(statuses, mode), hostile=hostile, other_host=other_host, secrets=SECRETS)


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_node_max_answer_bytes_is_honoured(
    hostile: HostileServer, other_host: OtherHost, protocol: str
) -> None:
    hostile.serve("huge_unsized", dialect="soap" if protocol == "soap" else "json")
    outcome = _run(hostile, protocol, "get_credit", "huge_unsized", max_answer_bytes=1024 * 1024)
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)
    assert outcome.peak is not None and outcome.peak < 10 * 1024 * 1024, (
        f"max_answer_bytes=1 MiB but the call held {outcome.peak / 2**20:.0f} MB"
    )
