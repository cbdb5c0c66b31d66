"""WisecpHook: the sandbox connection -> a working client; test_connection is a balance read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.hooks.registry import get_sms_hook
from airflow_provider_ileti.hooks.wisecp import WisecpHook
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN


def test_hook_attributes() -> None:
    assert (WisecpHook.conn_type, WisecpHook.default_conn_name, WisecpHook.conn_name_attr) == (
        "wisecp",
        "wisecp_default",
        "wisecp_conn_id",
    )


def test_no_network_in_init(ileti_sandbox_env: Any) -> None:
    WisecpHook()
    assert ileti_sandbox_env.requests(service="wisecp") == []


def test_the_sandbox_connection_builds_a_configured_client(ileti_sandbox_env: Any) -> None:
    hook = WisecpHook()
    client = hook.get_client()
    assert isinstance(client, WisecpClient)
    assert client.base_url == ileti_sandbox_env.url + "/wisecp/api/sms"
    assert (client.default_sender, client.timeout) == ("ILETI", 10.0)
    assert hook.get_client() is client  # cached


def test_test_connection_reads_the_balance(ileti_sandbox_env: Any) -> None:
    ok, message = WisecpHook().test_connection()
    assert ok, message
    assert "100.00 EUR" in message
    [entry] = ileti_sandbox_env.requests(service="wisecp")
    assert entry["path"].endswith("/balance")


def test_test_connection_with_a_wrong_token_fails_without_showing_it(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = dict(ileti_sandbox_env.connections()["wisecp_default"], password="not-the-token")
    monkeypatch.setenv("AIRFLOW_CONN_WISECP_BAD", json.dumps(conn))
    ok, message = WisecpHook("wisecp_bad").test_connection()
    assert not ok
    assert "token" in message.lower()
    assert "not-the-token" not in message


def test_the_registry_finds_the_hook_by_conn_type(ileti_sandbox_env: Any) -> None:
    hook = get_sms_hook("wisecp_default")
    assert isinstance(hook, WisecpHook)
    assert hook.get_client().get_balance().currency == "EUR"


def test_prices_and_cost_through_the_hook(ileti_sandbox_env: Any) -> None:
    hook = WisecpHook()
    assert hook.get_prices()["US"] == 0.062
    estimate = hook.estimate_cost(["+1 202 555 0143"], "hello")
    assert estimate.total == pytest.approx(0.062)


def test_the_token_never_shows_in_the_clients_repr(ileti_sandbox_env: Any) -> None:
    assert WISECP_TOKEN not in repr(WisecpHook().get_client())


def test_a_connection_without_host_is_refused_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # WISECP is self-hosted: a guessed default URL would carry the user token to someone else's server.
    import requests

    posted: list[str] = []
    monkeypatch.setattr(requests.Session, "post", lambda self, url, **kw: posted.append(url))
    monkeypatch.setenv(
        "AIRFLOW_CONN_WISECP_NOHOST", json.dumps({"conn_type": "wisecp", "password": "tok-secret-123"})
    )
    hook = WisecpHook("wisecp_nohost")
    with pytest.raises(ValidationError) as info:
        hook.get_client()
    assert info.value.field == "host" and info.value.service == "wisecp"
    assert "self-hosted" in str(info.value) and "tok-secret-123" not in str(info.value)
    ok, message = hook.test_connection()
    assert not ok and "host" in message and "tok-secret-123" not in message
    assert posted == []


def test_a_bare_host_gets_https_and_no_invented_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_WISECP_BARE",
        json.dumps({"conn_type": "wisecp", "host": "panel.reseller.net/api/sms", "password": "t0ken"}),
    )
    assert WisecpHook("wisecp_bare").base_url == "https://panel.reseller.net/api/sms"


async def test_the_http_knobs_come_from_the_connection_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_WISECP_KNOBS",
        json.dumps(
            {
                "conn_type": "wisecp",
                "host": "http://127.0.0.1:9/api/sms",
                "password": "t0ken",
                "extra": {"timeout": 7, "verify_ssl": False, "retries": 0, "max_answer_bytes": 65536},
            }
        ),
    )
    hook = WisecpHook("wisecp_knobs")
    client = hook.get_client()
    assert (client.timeout, client.verify_ssl, client.retries, client.max_answer_bytes) == (
        7.0,
        False,
        0,
        65536,
    )
    aclient = hook.get_async_client()
    try:
        assert aclient.retries == 0
    finally:
        await aclient.aclose()
