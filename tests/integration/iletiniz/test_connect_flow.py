"""The OAuth connect flow end to end: authorize -> loopback redirect -> token -> stored connection -> a send
-> revoke -> the key is refused. The "browser" is ``requests`` following the authorize redirect."""

from __future__ import annotations

import io
import json
import logging
import shlex
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from airflow_provider_ileti.clients.iletiniz import IletinizClient
from airflow_provider_ileti.clients.iletiniz_oauth import OAuthClient, PkceRequest
from airflow_provider_ileti.connect import store
from airflow_provider_ileti.connect.cli import main
from airflow_provider_ileti.connect.iletiniz import ConnectOptions, authorize, connect
from airflow_provider_ileti.core.errors import AuthenticationError
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_CLIENT_ID


def browser(url: str) -> None:
    """Follow the authorize redirect to the loopback listener, as a browser would."""
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text


def test_full_connect_send_revoke(
    ileti_sandbox: Any, api_url: str, airflow_db: None, capsys: Any, caplog: Any, state: Any, monkeypatch: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    options = ConnectOptions(conn_id="iletiniz_oauth", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=browser, out=out, err=err) == 0

    stored = store.load("iletiniz_oauth")
    assert stored is not None and stored.pop("source") == "db"
    key = stored["password"]
    assert key.startswith("iltz_test_") and stored["host"] == api_url
    assert stored["extra"] == {"auth_url": api_url, "client_id": "airflow-provider-ileti"}
    # the key reached neither the terminal nor a log line
    assert out.getvalue() == ""
    assert key not in err.getvalue() and "connection 'iletiniz_oauth' created" in err.getvalue()
    assert key not in caplog.text and key not in capsys.readouterr().out
    # the token request carried PKCE and the journal kept no secret
    (token_req,) = ileti_sandbox.requests(service="iletiniz", path="/connect/token")
    assert token_req["body"]["code_verifier"] == "***" and token_req["body"]["code"] == "***"

    # a send with the stored connection, through the hook. On Airflow 3 a task reads connections through the
    # API server (which reads this DB row); outside a task we hand the hook the same row as an env value.
    from airflow_provider_ileti.hooks.iletiniz import IletinizHook

    name, _, value = store.render_env("iletiniz_oauth", stored).partition("=")
    monkeypatch.setenv(name, shlex.split(value)[0])

    hook = IletinizHook(iletiniz_conn_id="iletiniz_oauth")
    job = hook.get_client().send_message("+905551234567", "bağlandı")
    assert job.job_id in {j["job_id"] for j in state.snapshot()["jobs"]}
    hook.close()

    # revoke: the server refuses the key, and it is gone locally
    monkeypatch.delenv(name)
    assert connect(ConnectOptions(conn_id="iletiniz_oauth", revoke=True), out=out, err=err) == 0
    assert store.load("iletiniz_oauth")["password"] is None  # type: ignore[index]
    with pytest.raises(AuthenticationError) as refused:
        IletinizClient(api_url, key, attempts=1).send_message("+905551234567", "again")
    assert refused.value.http_status == 401 and key not in str(refused.value)
    assert len(state.snapshot()["jobs"]) == 1


def test_reconnect_updates_the_connection(api_url: str, airflow_db: None) -> None:
    err = io.StringIO()
    options = ConnectOptions(conn_id="iz", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=browser, err=err) == 0
    first = store.load("iz")["password"]  # type: ignore[index]
    # second time: URLs come from the stored connection
    assert connect(ConnectOptions(conn_id="iz", timeout=10), opener=browser, err=err) == 0
    second = store.load("iz")
    assert second is not None and second["password"] != first and "updated" in err.getvalue()


def test_print_shows_the_env_value_and_stores_nothing(api_url: str, airflow_db: None) -> None:
    out, err = io.StringIO(), io.StringIO()
    options = ConnectOptions(
        conn_id="iletiniz_x", auth_url=api_url, api_url=api_url, print_env=True, timeout=10
    )
    assert connect(options, opener=browser, out=out, err=err) == 0
    name, _, value = out.getvalue().strip().partition("=")
    assert name == "AIRFLOW_CONN_ILETINIZ_X"
    fields = json.loads(shlex.split(value)[0])
    assert fields["conn_type"] == "iletiniz" and fields["password"].startswith("iltz_test_")
    assert fields["password"] not in err.getvalue()
    assert store.load("iletiniz_x") is None
    # the printed connection works
    assert IletinizClient(fields["host"], fields["password"]).get_account().has_active_plan


def test_no_browser_reads_the_pasted_redirect(api_url: str, ileti_sandbox: Any) -> None:
    err = io.StringIO()

    class Paste(io.StringIO):
        def readline(self, *args: Any) -> str:
            url = err.getvalue().split("\n\n  ", 1)[1].split("\n", 1)[0]
            # the browser cannot load the loopback address: the user copies it from the address bar
            location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
            return location + "\n"

    answer = authorize(api_url, ILETINIZ_CLIENT_ID, no_browser=True, stdin=Paste(), out=err)
    assert answer.api_key.startswith("iltz_test_") and answer.api_key not in err.getvalue()
    assert "api_key" not in repr(answer) and answer.api_key not in repr(answer)


def _authorized(api_url: str) -> tuple[PkceRequest, str]:
    request = PkceRequest(api_url, ILETINIZ_CLIENT_ID, "http://127.0.0.1:54321/callback")
    location = requests.get(request.authorize_url, allow_redirects=False, timeout=10).headers["Location"]
    assert location.startswith("http://127.0.0.1:54321/callback?")
    return request, location


def test_wrong_state_is_refused_before_any_exchange(api_url: str, ileti_sandbox: Any) -> None:
    request, location = _authorized(api_url)
    forged = location.replace("state=", "state=x")
    with pytest.raises(AuthenticationError, match="state"):
        request.code_from_redirect(forged)
    assert ileti_sandbox.requests(service="iletiniz", path="/connect/token") == []


def test_wrong_verifier_is_refused_and_spends_the_code(api_url: str) -> None:
    request, location = _authorized(api_url)
    code = request.code_from_redirect(location)
    oauth = OAuthClient(api_url, ILETINIZ_CLIENT_ID)
    impostor = PkceRequest(api_url, ILETINIZ_CLIENT_ID, request.redirect_uri)  # another verifier
    with pytest.raises(AuthenticationError, match="invalid_grant"):
        oauth.exchange(impostor, code)
    with pytest.raises(AuthenticationError, match="invalid_grant"):  # single use: even the right verifier
        oauth.exchange(request, code)


def test_code_is_single_use(api_url: str) -> None:
    request, location = _authorized(api_url)
    oauth = OAuthClient(api_url, ILETINIZ_CLIENT_ID)
    code = request.code_from_redirect(location)
    assert oauth.exchange(request, code).api_key
    with pytest.raises(AuthenticationError, match="invalid_grant"):
        oauth.exchange(request, code)


def test_redirect_uri_must_match_and_be_loopback(api_url: str) -> None:
    request, location = _authorized(api_url)
    code = request.code_from_redirect(location)
    other = PkceRequest(api_url, ILETINIZ_CLIENT_ID, "http://127.0.0.1:1/other", verifier=request.verifier)
    with pytest.raises(AuthenticationError, match="invalid_grant"):
        OAuthClient(api_url, ILETINIZ_CLIENT_ID).exchange(other, code)
    evil = PkceRequest(api_url, ILETINIZ_CLIENT_ID, "https://evil.example.com/callback")
    answer = requests.get(evil.authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_redirect_uri"


def test_plain_pkce_is_refused(api_url: str) -> None:
    request = PkceRequest(api_url, ILETINIZ_CLIENT_ID, "http://127.0.0.1:5000/callback")
    url = request.authorize_url.replace("code_challenge_method=S256", "code_challenge_method=plain")
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    assert parse_qs(urlsplit(location).query)["error"] == ["invalid_request"]
    with pytest.raises(AuthenticationError, match="invalid_request"):
        request.code_from_redirect(location)


def test_narrow_scope_key_gets_403(api_url: str) -> None:
    request = PkceRequest(
        api_url, ILETINIZ_CLIENT_ID, "http://127.0.0.1:5000/callback", scope="messages:send"
    )
    location = requests.get(request.authorize_url, allow_redirects=False, timeout=10).headers["Location"]
    key = (
        OAuthClient(api_url, ILETINIZ_CLIENT_ID)
        .exchange(request, request.code_from_redirect(location))
        .api_key
    )
    narrow = IletinizClient(api_url, key, attempts=1)
    with pytest.raises(AuthenticationError, match="scope") as exc:
        narrow.get_account()
    assert exc.value.http_status == 403 and exc.value.code == "insufficient_scope"
    assert narrow.send_message("+905551234567", "ok").job_id


def test_cli_revoke_without_a_key_fails_cleanly(airflow_db: None, capsys: Any) -> None:
    assert main(["iletiniz", "--conn-id", "nothing_here", "--revoke"]) == 1
    assert "holds no key" in capsys.readouterr().err
