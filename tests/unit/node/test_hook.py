"""NodeSmsHook: connection -> client, read-only test_connection, cheap import."""

from __future__ import annotations

import json

import pytest

from airflow_provider_ileti.hooks.node import DEFAULT_URL, NodeSmsHook

from .support import PASSWORD

HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers")


@pytest.fixture
def node_conn(monkeypatch: pytest.MonkeyPatch) -> str:
    conn = {
        "conn_type": "node_sms",
        "host": "https://panel.example.com/api",
        "login": "user",
        "password": PASSWORD,
        "extra": {
            "protocol": "soap",
            "timezone": "Europe/Berlin",
            "timeout": 5,
            "verify_ssl": "false",
            "default_sender": "BASLIK",
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_NODE_UNIT", json.dumps(conn))
    return "node_unit"


def test_class_attributes() -> None:
    assert (NodeSmsHook.conn_name_attr, NodeSmsHook.default_conn_name, NodeSmsHook.conn_type) == (
        "node_sms_conn_id",
        "node_sms_default",
        "node_sms",
    )
    assert NodeSmsHook.hook_name == "Node SMS API"
    assert DEFAULT_URL.endswith(":9587")


def test_client_from_connection(node_conn: str) -> None:
    hook = NodeSmsHook(node_conn)
    client = hook.get_client()
    assert hook.get_client() is client  # cached
    assert (client.base_url, client.protocol, client.timezone, client.default_sender) == (
        "https://panel.example.com/api",
        "soap",
        "Europe/Berlin",
        "BASLIK",
    )
    assert client._transport.http.session.verify is False  # type: ignore[attr-defined]
    assert PASSWORD not in repr(client)
    hook.close()


def test_async_client_from_connection(node_conn: str) -> None:
    import asyncio

    client = NodeSmsHook(node_sms_conn_id=node_conn).get_async_client()
    assert client.base_url == "https://panel.example.com/api" and client.max_status_batch == 1000
    assert PASSWORD not in repr(client)
    asyncio.run(client.aclose())


def test_bad_protocol_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_ileti.core.errors import ValidationError

    monkeypatch.setenv(
        "AIRFLOW_CONN_NODE_BAD", json.dumps({"conn_type": "node_sms", "extra": {"protocol": "x"}})
    )
    with pytest.raises(ValidationError):
        NodeSmsHook("node_bad").get_client()


def test_test_connection_reports_failure_without_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = {
        "conn_type": "node_sms",
        "host": "http://127.0.0.1:9",
        "login": "u",
        "password": PASSWORD,
        "extra": {"timeout": 1},
    }
    monkeypatch.setenv("AIRFLOW_CONN_NODE_DOWN", json.dumps(conn))
    hook = NodeSmsHook("node_down")
    hook.get_client().retries = 0
    ok, message = hook.test_connection()
    assert ok is False and PASSWORD not in message and "user/credit" in message
