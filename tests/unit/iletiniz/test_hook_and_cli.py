"""The connection form, the sandbox connection, the CLI's arguments, the env rendering, import cost."""

from __future__ import annotations

import json
import shlex

import pytest

from airflow_provider_ileti.connect import store
from airflow_provider_ileti.connect.cli import build_parser
from airflow_provider_ileti.connection_forms import CONNECTION_FORMS
from airflow_provider_ileti.hooks.iletiniz import IletinizHook
from airflow_provider_ileti.sandbox.services.iletiniz import connections


def test_hook_attributes_and_legacy_form() -> None:
    assert (IletinizHook.conn_type, IletinizHook.default_conn_name) == ("iletiniz", "iletiniz_default")
    assert IletinizHook.conn_name_attr == "iletiniz_conn_id"
    ui = IletinizHook.get_ui_field_behaviour()
    assert ui["hidden_fields"] == CONNECTION_FORMS["iletiniz"]["ui-field-behaviour"]["hidden-fields"]
    assert ui["relabeling"] == {"host": "API URL", "password": "API key"}
    assert {"auth_url", "client_id", "provider"} <= set(CONNECTION_FORMS["iletiniz"]["conn-fields"])
    assert CONNECTION_FORMS["iletiniz"]["hook-class-name"].endswith("hooks.iletiniz.IletinizHook")


def test_sandbox_connection() -> None:
    conn = connections("http://127.0.0.1:1")["iletiniz_default"]
    assert conn["host"] == "http://127.0.0.1:1/iletiniz" and conn["password"].startswith("iltz_test_")
    assert conn["extra"] == {"auth_url": "http://127.0.0.1:1/iletiniz", "client_id": "airflow-provider-ileti"}


def test_cli_arguments() -> None:
    args = build_parser().parse_args(["iletiniz", "--no-browser", "--print", "--auth-url", "http://a"])
    assert (
        args.conn_id == "iletiniz_default"
        and args.no_browser
        and args.print_env
        and args.auth_url == "http://a"
    )
    assert build_parser().parse_args(["iletiniz", "--revoke", "--conn-id", "x"]).revoke
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


def test_render_env_is_airflow_json() -> None:
    line = store.render_env("my_conn", {"conn_type": "iletiniz", "host": "h", "password": "p'x", "extra": {}})
    name, _, value = line.partition("=")
    assert name == "AIRFLOW_CONN_MY_CONN"
    assert json.loads(shlex.split(value)[0]) == {"conn_type": "iletiniz", "host": "h", "password": "p'x"}


def test_hook_default_url_is_the_documented_api(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_ileti.clients.iletiniz.client import DEFAULT_BASE_URL

    # spec (other-apis.md): the API base is https://api.iletiniz.com
    assert IletinizHook.default_url == DEFAULT_BASE_URL == "https://api.iletiniz.com"
    monkeypatch.setenv(
        "AIRFLOW_CONN_IZ_NOHOST", json.dumps({"conn_type": "iletiniz", "password": "iltz_test_x"})
    )
    assert IletinizHook(iletiniz_conn_id="iz_nohost").base_url == "https://api.iletiniz.com"


def test_cli_help_says_the_default_client_id_is_a_guess() -> None:
    help_text = " ".join(
        build_parser()._subparsers._group_actions[0].choices["iletiniz"].format_help().split()
    )
    assert "airflow-provider-ileti" in help_text and "a guess" in help_text
