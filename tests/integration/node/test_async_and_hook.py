"""The trigger's async status client and the hook, against the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient
from airflow_provider_ileti.core.errors import NotFoundError, TransientError
from airflow_provider_ileti.core.models import DeliveryPhase
from airflow_provider_ileti.hooks.node import NodeSmsHook
from airflow_provider_ileti.sandbox import credentials

from .conftest import node_requests

pytestmark = pytest.mark.integration

A, B = "05555550001", "05555550002"


def _async_client(sandbox: Any) -> AsyncNodeStatusClient:
    conn = sandbox.connections()["node_sms_default"]
    return AsyncNodeStatusClient(conn["host"], conn["login"], conn["password"], timeout=10)


async def test_async_statuses_in_one_request(node: Any, ileti_sandbox: Any) -> None:
    refs = [str(node.create_sms(sending_type=1, numbers=[A, B], content=f"m{i}")) for i in range(12)]
    ileti_sandbox.admin.clock(advance=600)
    client = _async_client(ileti_sandbox)
    try:
        before = len(node_requests(ileti_sandbox, "/sms/list"))
        statuses = await client.get_statuses(refs)
        assert len(node_requests(ileti_sandbox, "/sms/list")) == before + 1
        assert [s.reference for s in statuses] == refs
        assert {s.phase for s in statuses} == {DeliveryPhase.COMPLETE}
        assert statuses[0].delivered == 2
        with pytest.raises(NotFoundError):
            await client.get_statuses(["1"])
        ileti_sandbox.admin.add_fault("/node/sms/list", "status", status=503, times=1)
        with pytest.raises(TransientError):
            await client.get_statuses(refs)
    finally:
        await client.aclose()
    assert credentials.NODE_PASSWORD not in repr(client)


@pytest.mark.parametrize(
    ("conn_id", "expected"),
    [
        ("node_sms_default", [("POST", "/node/user/credit", None)]),
        ("node_sms_soap", [("GET", "/node/soap", None), ("POST", "/node/soap", "getUserCredit")]),
    ],
)
def test_hook_test_connection_reads_credit_and_never_sends(
    ileti_sandbox_env: Any, conn_id: str, expected: list[tuple[str, str, str | None]]
) -> None:
    from airflow_provider_ileti.clients.node import soap

    soap.clear_wsdl_cache()  # the WSDL read is part of what a SOAP test_connection does
    state = ileti_sandbox_env.sandbox.services["node"]
    credit_before, packages_before = state.credit, len(state.packages)
    hook = NodeSmsHook(conn_id)
    ok, message = hook.test_connection()
    assert ok, message
    assert "credit" in message and credentials.NODE_PASSWORD not in message
    calls = []
    for r in ileti_sandbox_env.requests(service="node"):
        op = re.search(r"Body><(?:[\w-]+:)?(\w+)", str(r["body"])) if r["path"] == "/node/soap" else None
        calls.append((r["method"], r["path"], op.group(1) if op else None))
    assert calls == expected  # exactly the balance read: nothing else, over either wire
    assert (state.credit, len(state.packages)) == (credit_before, packages_before)
    hook.close()


def test_hook_client_sends_with_the_connection_default_sender(ileti_sandbox_env: Any) -> None:
    hook = NodeSmsHook()
    client = hook.get_client()
    client.create_otp(A, "Kod 1")
    (req,) = node_requests(ileti_sandbox_env, "/sms/create-otp")
    assert req["body"]["sender"] == "SANDBOX"
    hook.close()


def test_wrong_password_is_an_authentication_failure(ileti_sandbox: Any) -> None:
    from airflow_provider_ileti.clients.node.client import NodeClient
    from airflow_provider_ileti.core.errors import AuthenticationError

    conn = ileti_sandbox.connections()["node_sms_default"]
    for protocol in ("rest", "soap"):
        client = NodeClient(conn["host"], conn["login"], "wrong-password", protocol=protocol)
        with pytest.raises(AuthenticationError) as info:
            client.get_credit()
        assert "wrong-password" not in str(info.value)
        client.close()
