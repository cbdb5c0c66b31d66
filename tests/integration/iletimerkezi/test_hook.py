"""The hook builds the client from the sandbox's connections (hash, and secret -> hash) and tests them."""

from __future__ import annotations

import json

import pytest

from airflow_provider_ileti.core.models import DeliveryPhase
from airflow_provider_ileti.hooks.iletimerkezi import IletiMerkeziHook
from airflow_provider_ileti.hooks.registry import get_sms_hook
from airflow_provider_ileti.sandbox import credentials
from tests.integration.iletimerkezi.conftest import im_requests


@pytest.mark.parametrize(("conn_id", "fmt"), [("iletimerkezi_default", "xml"), ("iletimerkezi_json", "json")])
def test_connections_work(conn_id, fmt, ileti_sandbox_env):
    hook = get_sms_hook(conn_id)
    assert isinstance(hook, IletiMerkeziHook)
    client = hook.get_client()
    assert client.format == fmt and client.default_sender == "APITEST"
    ok, message = hook.test_connection()
    assert ok and "credits" in message
    order_id = client.send_sms("Merhaba", ["5555550001"])
    assert client.get_statuses([order_id])[0].reference == order_id
    assert credentials.ILETIMERKEZI_HASH not in repr(client) and credentials.ILETIMERKEZI_SECRET not in repr(
        client
    )
    hook.close()


@pytest.mark.parametrize(
    ("conn_id", "path"), [(None, "/get-report"), ("iletimerkezi_json", "/get-report/json")]
)
async def test_default_conn_id_and_async_client(conn_id, path, ileti_sandbox_env):
    """The hook's async client reads a real order's state from the sandbox, in the connection's format."""
    hook = IletiMerkeziHook() if conn_id is None else IletiMerkeziHook(conn_id)
    assert hook.conn_id == (conn_id or "iletimerkezi_default")
    order_id = hook.get_client().send_sms("Merhaba", ["5555550001"])
    ileti_sandbox_env.admin.clock(advance=30)
    aclient = hook.get_async_client()
    try:
        [status] = await aclient.get_statuses([order_id])
    finally:
        await aclient.aclose()
        hook.close()
    assert aclient._http._client.is_closed  # the HTTP layer's httpx client
    assert (status.reference, status.phase, status.delivered) == (order_id, DeliveryPhase.COMPLETE, 1)
    reads = im_requests(ileti_sandbox_env, path)
    assert len(reads) == 1 and reads[0]["status"] == 200


def test_test_connection_reports_failure_without_the_secret(ileti_sandbox_env, monkeypatch):
    monkeypatch.setenv(
        "AIRFLOW_CONN_IM_BAD",
        json.dumps(
            {
                "conn_type": "iletimerkezi",
                "host": f"{ileti_sandbox_env.url}/iletimerkezi/v1",
                "login": "sandbox-key",
                "password": "wrong-hash-value",
            }
        ),
    )
    ok, message = IletiMerkeziHook("im_bad").test_connection()
    assert not ok and "401" in message and "wrong-hash-value" not in message
    assert im_requests(ileti_sandbox_env, "/get-balance")


def test_old_username_password_connection(ileti_sandbox_env, monkeypatch):
    from airflow_provider_ileti.sandbox.services.iletimerkezi import LEGACY_PASSWORD, LEGACY_USERNAME

    monkeypatch.setenv(
        "AIRFLOW_CONN_IM_OLD",
        json.dumps(
            {
                "conn_type": "iletimerkezi",
                "host": f"{ileti_sandbox_env.url}/iletimerkezi/v1",
                "login": LEGACY_USERNAME,
                "password": LEGACY_PASSWORD,
                "extra": {"auth_method": "password"},
            }
        ),
    )
    ok, _ = IletiMerkeziHook("im_old").test_connection()
    assert ok


async def test_the_http_knobs_come_from_the_connection_extras(ileti_sandbox_env, monkeypatch):
    monkeypatch.setenv(
        "AIRFLOW_CONN_IM_KNOBS",
        json.dumps(
            {
                "conn_type": "iletimerkezi",
                "host": f"{ileti_sandbox_env.url}/iletimerkezi/v1",
                "login": "sandbox-key",
                "password": "h",
                "extra": {"timeout": "7", "verify_ssl": "false", "retries": "1", "max_answer_bytes": "65536"},
            }
        ),
    )
    hook = IletiMerkeziHook("im_knobs")
    client = hook.get_client()
    assert (client.timeout, client.verify_ssl, client.retries, client.max_answer_bytes) == (
        7.0,
        False,
        1,
        65536,
    )
    aclient = hook.get_async_client()
    try:
        assert aclient.retries == 0  # the trigger counts failed polls itself
    finally:
        await aclient.aclose()
    defaults = IletiMerkeziHook().get_client()
    assert (defaults.retries, defaults.max_answer_bytes) == (3, 16 * 1024 * 1024)
