"""What a hook makes of a connection typed by hand or saved by a form: clear errors before any request, the
port rules of the Test button, the messages Airflow's Test button shows. No network: every case fails or is
read before a client talks to anyone."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from airflow_provider_ileti.core.endpoint import build_base_url
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import Balance
from airflow_provider_ileti.hooks.base import describe_balance
from airflow_provider_ileti.hooks.iletimerkezi import IletiMerkeziHook
from airflow_provider_ileti.hooks.iletiniz import IletinizHook
from airflow_provider_ileti.hooks.node import NodeSmsHook
from airflow_provider_ileti.hooks.wisecp import WisecpHook

HOOKS = {
    "node_sms": NodeSmsHook,
    "iletimerkezi": IletiMerkeziHook,
    "iletiniz": IletinizHook,
    "wisecp": WisecpHook,
}
HOSTS = {
    "node_sms": "http://panel.example.com:9587",
    "iletimerkezi": "https://api.iletimerkezi.com/v1",
    "iletiniz": "https://api.iletiniz.com",
    "wisecp": "https://panel.example.com/api/sms",
}


def _hook(monkeypatch: pytest.MonkeyPatch, conn_type: str, **fields: Any) -> Any:
    conn = {"conn_type": conn_type, "host": HOSTS[conn_type], "login": "user", "password": "s3cret-value"}
    conn.update(fields)
    monkeypatch.setenv("AIRFLOW_CONN_HANDMADE", json.dumps(conn))
    return HOOKS[conn_type](conn_id="handmade")


@pytest.mark.parametrize("conn_type", list(HOOKS))
@pytest.mark.parametrize(
    ("extra", "value", "rule"),
    [
        ("timeout", "30s", "must be a number (e.g. 30 or 2.5)"),
        ("timeout", True, "must be a number"),
        ("timeout", 0, "must be >= 0.001"),
        ("retries", "two", "must be a whole number (e.g. 2)"),
        ("retries", -1, "must be >= 0"),
        ("max_answer_bytes", "16MB", "must be a whole number"),
        ("max_answer_bytes", 10, "must be >= 1024"),
        ("verify_ssl", "maybe", "must be true or false"),
    ],
)
def test_a_hand_typed_extra_that_cannot_be_read_names_connection_extra_and_rule(
    monkeypatch: pytest.MonkeyPatch, conn_type: str, extra: str, value: Any, rule: str
) -> None:
    hook = _hook(monkeypatch, conn_type, extra={extra: value})
    with pytest.raises(ValidationError) as info:
        hook.get_client()
    message = str(info.value)
    assert f"connection 'handmade' extra {extra}" in message and rule in message
    assert "s3cret-value" not in message


@pytest.mark.parametrize(
    ("extras", "expected"),
    [
        ({"timeout": "2.5", "retries": "3", "verify_ssl": "off"}, (2.5, 3, False)),
        ({"timeout": 30, "retries": 0, "verify_ssl": True}, (30.0, 0, True)),
        # what Airflow 3's form saves for fields left empty
        (
            {"timeout": None, "retries": None, "verify_ssl": None, "max_answer_bytes": None},
            (30.0, None, True),
        ),
    ],
)
def test_extras_as_forms_and_hands_write_them(
    monkeypatch: pytest.MonkeyPatch, extras: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    hook = _hook(monkeypatch, "iletimerkezi", extra=extras)
    assert (hook.timeout, hook.retries, hook.verify_ssl) == expected


def test_a_node_host_without_its_scheme_is_refused_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hook = _hook(monkeypatch, "node_sms", host="sms.example.com:9587")
    with pytest.raises(ValidationError) as info:
        hook.get_client()
    assert "needs its scheme" in str(info.value) and "connection 'handmade' host" in str(info.value)
    ok, message = hook.test_connection()
    assert not ok and "this connection host" in message and "handmade" not in message


def test_a_node_host_with_a_schema_field_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections saved before the form hid Schema keep working."""
    hook = _hook(monkeypatch, "node_sms", host="sms.example.com", schema="http", port=9587)
    assert hook.base_url == "http://sms.example.com:9587"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("https://api.iletimerkezi.com/v1", 443, "https://api.iletimerkezi.com/v1"),  # the scheme's own port
        ("https://api.iletimerkezi.com/v1", 0, "https://api.iletimerkezi.com/v1"),  # the UI's "no port"
        ("http://127.0.0.1:8765/node", 8765, "http://127.0.0.1:8765/node"),
        ("https://panel.example.com/api", 8443, "https://panel.example.com:8443/api"),
    ],
)
def test_the_port_field_agrees_with_the_url(host: str, port: int, url: str) -> None:
    assert build_base_url(host, port=port, default_url="https://x") == url


def test_a_port_that_contradicts_the_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="differs from the port in the host URL"):
        build_base_url("http://127.0.0.1:8765/node", port=9000, default_url="https://x")


@pytest.mark.parametrize("conn_type", list(HOOKS))
def test_the_test_button_with_an_empty_secret_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, conn_type: str
) -> None:
    """Airflow 2.11's Edit form sends an empty password unless it is typed again: say so, do not call the
    service and let it answer "wrong credentials"."""
    hook = _hook(monkeypatch, conn_type, password="")
    ok, message = hook.test_connection()
    assert not ok and "is empty: type it into the form" in message


def test_the_wisecp_no_host_message_does_not_name_the_test_buttons_temporary_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_X7HQ2K", json.dumps({"conn_type": "wisecp", "password": "tok"}))
    ok, message = WisecpHook("x7hq2k").test_connection()
    assert not ok and "this connection needs the host" in message and "x7hq2k" not in message


@pytest.mark.parametrize(
    ("balance", "text"),
    [
        (Balance(credits=1250), "1,250 SMS credits"),
        (Balance(amount=312.5, currency="TRY"), "312.50 TRY"),
        (Balance(credits=10, amount=1.5, currency="EUR"), "10 SMS credits and 1.50 EUR"),
        (Balance(), "not reported by the service"),
    ],
)
def test_a_balance_reads_as_a_person_says_it(balance: Balance, text: str) -> None:
    assert describe_balance(balance) == text


def test_only_the_secret_extras_are_masked_and_nothing_warns_about_short_values(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Airflow's ``extra_dejson`` masks every extra (a time zone became ``***`` in logs, "xml" warned "too
    short" in every task); the hook masks the secret ones by name."""
    import airflow.providers.common.compat.sdk as compat_sdk

    masked: list[str] = []
    monkeypatch.setattr(
        compat_sdk, "mask_secret", lambda value, name=None: masked.append(value), raising=False
    )
    extra = {
        "format": "xml",
        "api_secret": "supersecret123",
        "timezone": "Europe/Istanbul",
        "verify_ssl": True,
    }
    hook = _hook(monkeypatch, "iletimerkezi", password="", extra=extra)
    assert hook.extras == extra and hook.timezone == "Europe/Istanbul"
    assert masked == ["supersecret123"]
    assert "too short" not in caplog.text


def test_extras_that_are_not_json_name_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = {"conn_type": "wisecp", "host": HOSTS["wisecp"], "password": "tok", "extra": "{timeout: 30"}
    monkeypatch.setenv("AIRFLOW_CONN_BROKEN", json.dumps(conn))
    with pytest.raises(ValidationError, match="connection 'broken' extra.*must be a JSON object"):
        WisecpHook("broken").get_client()


@pytest.mark.parametrize("conn_type", ["iletimerkezi", "iletiniz", "wisecp"])
def test_status_reads_at_once_reach_the_sensors_client_and_the_triggers(
    monkeypatch: pytest.MonkeyPatch, conn_type: str
) -> None:
    """Services that read one status per request poll ``status_concurrency`` at a time, sync and async."""
    secret = {"password": "iltz_test_abc123"} if conn_type == "iletiniz" else {}  # a key of its form
    hook = _hook(monkeypatch, conn_type, extra={"status_concurrency": "3"}, **secret)
    assert hook.get_client().status_concurrency == 3
    assert hook.get_async_client().status_concurrency == 3
    default = _hook(monkeypatch, conn_type, **secret).get_client()
    assert default.status_concurrency == sys.modules[type(default).__module__].STATUS_CONCURRENCY


@pytest.mark.parametrize("value", [0, 11, "many"])
def test_a_status_concurrency_out_of_range_names_the_connection(
    monkeypatch: pytest.MonkeyPatch, value: Any
) -> None:
    hook = _hook(monkeypatch, "iletimerkezi", extra={"status_concurrency": value})
    with pytest.raises(ValidationError, match="connection 'handmade' extra status_concurrency"):
        hook.get_client()


def test_the_forms_bound_is_the_http_pool() -> None:
    from airflow_provider_ileti.clients.http.fanout import MAX_CONCURRENCY
    from airflow_provider_ileti.connection_forms import MAX_STATUS_CONCURRENCY

    assert MAX_STATUS_CONCURRENCY == MAX_CONCURRENCY


def test_node_reads_a_thousand_statuses_per_request_and_takes_no_status_concurrency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "status_concurrency" not in _hook(monkeypatch, "node_sms").http_options()
