"""The OAuth connect flow end to end: authorize -> loopback redirect -> token -> stored connection -> a send
-> revoke -> the key is refused. The "browser" is ``requests`` following the authorize redirect.

Also what happens around it: a failing save, a reconnect and a failing revoke never leave a live key that
is stored nowhere (or a dead one that is still stored), and never print it."""

from __future__ import annotations

import io
import json
import logging
import re
import shlex
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.clients.iletiniz.oauth import OAuthClient, PkceRequest
from airflow_provider_ileti.connect import store
from airflow_provider_ileti.connect.cli import main
from airflow_provider_ileti.connect.iletiniz import ConnectOptions, authorize, connect
from airflow_provider_ileti.core.errors import AuthenticationError
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_CLIENT_ID
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS


def browser(url: str) -> None:
    """Follow the authorize redirect to the loopback listener, as a browser would."""
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text


def _reset_fernet() -> None:
    from airflow.models import crypto

    if hasattr(crypto.get_fernet, "cache_clear"):  # Airflow 3: functools.cache
        crypto.get_fernet.cache_clear()
    else:  # Airflow 2.11: a module global
        crypto._fernet = None  # type: ignore[attr-defined]


@pytest.fixture
def fernet_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real ``[core] fernet_key``, so the stored key is encrypted at rest and must be decrypted."""
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", key)
    _reset_fernet()
    yield key
    monkeypatch.delenv("AIRFLOW__CORE__FERNET_KEY")
    _reset_fernet()


def _raw_row(conn_id: str) -> tuple[str | None, bool]:
    from airflow.models import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        conn = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
        assert conn is not None
        return conn._password, bool(conn.is_encrypted)


def test_full_connect_send_revoke(
    ileti_sandbox: Any,
    api_url: str,
    airflow_db: None,
    fernet_key: str,
    capsys: Any,
    caplog: Any,
    state: Any,
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

    # the row holds the key encrypted (Fernet), not in plain text
    raw, encrypted = _raw_row("iletiniz_oauth")
    assert encrypted and raw and key not in raw

    # a send with the key read back from the stored row (decrypted by the ORM, as Airflow reads it). On
    # Airflow 2 the hook itself reads the metadata DB; on Airflow 3 only a task can (through the API server,
    # which reads this row), so outside a task the client gets the decrypted row's fields.
    from airflow_provider_ileti.hooks.iletiniz import IletinizHook

    if AIRFLOW_V_3_0_PLUS:
        client = IletinizClient(stored["host"], stored["password"])
    else:
        hook = IletinizHook(iletiniz_conn_id="iletiniz_oauth")
        assert hook.connection.password == key  # read from the DB, decrypted
        client = hook.get_client()
    job = client.send_message("+905551234567", "bağlandı")
    assert job.job_id in {j["job_id"] for j in state.snapshot()["jobs"]}
    client.close()

    # revoke: the server refuses the key, and it is gone locally
    assert connect(ConnectOptions(conn_id="iletiniz_oauth", revoke=True), out=out, err=err) == 0
    assert store.load("iletiniz_oauth")["password"] is None  # type: ignore[index]
    with pytest.raises(AuthenticationError) as refused:
        IletinizClient(api_url, key, retries=0).send_message("+905551234567", "again")
    assert refused.value.http_status == 401 and key not in str(refused.value)
    assert len(state.snapshot()["jobs"]) == 1


def test_reconnect_updates_the_connection_and_revokes_the_old_key(
    api_url: str, airflow_db: None, state: Any, ileti_sandbox: Any
) -> None:
    err = io.StringIO()
    options = ConnectOptions(conn_id="iz", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=browser, err=err) == 0
    first = store.load("iz")["password"]  # type: ignore[index]
    assert ileti_sandbox.requests(service="iletiniz", path="/connect/revoke") == []
    # second time: URLs come from the stored connection
    assert connect(ConnectOptions(conn_id="iz", timeout=10), opener=browser, err=err) == 0
    second = store.load("iz")
    assert second is not None and second["password"] != first and "updated" in err.getvalue()
    # the replaced key is dead, the new one works; neither was printed
    assert state.keys[first].revoked and not state.keys[second["password"]].revoked
    with pytest.raises(AuthenticationError) as refused:
        IletinizClient(api_url, first, retries=0).get_account()
    assert refused.value.http_status == 401
    assert IletinizClient(api_url, second["password"]).get_account().has_active_plan
    assert "previous key was revoked" in err.getvalue()
    assert first not in err.getvalue() and second["password"] not in err.getvalue()


def test_a_failing_save_revokes_the_new_key_and_shows_it_nowhere(
    api_url: str,
    airflow_db: None,
    state: Any,
    ileti_sandbox: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    caplog: Any,
) -> None:
    import sqlalchemy.exc

    caplog.set_level(logging.DEBUG)
    issued: list[str] = []
    raised: list[BaseException] = []

    def failing_save(conn_id: str, *, password: str, **fields: Any) -> str:
        issued.append(password)
        # what SQLAlchemy raises when the write fails: its text quotes the statement's parameters
        error = sqlalchemy.exc.OperationalError(
            "INSERT INTO connection (conn_id, password) VALUES (?, ?)",
            (conn_id, password),
            Exception("database is locked"),
        )
        raised.append(error)
        raise error

    monkeypatch.setattr(store, "save", failing_save)
    out, err = io.StringIO(), io.StringIO()
    options = ConnectOptions(conn_id="iz_fail", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=browser, out=out, err=err) == 1
    (key,) = issued
    assert key in str(raised[0])  # the failure is a real leak risk: its text holds the key
    shown = out.getvalue() + err.getvalue() + caplog.text + "".join(capsys.readouterr())
    assert key not in shown
    assert "could not store the key" in err.getvalue() and "OperationalError" in err.getvalue()
    assert "new key was revoked" in err.getvalue()
    # the key stored nowhere is not left alive
    (revoke,) = ileti_sandbox.requests(service="iletiniz", path="/connect/revoke")
    assert revoke["status"] == 200 and state.keys[key].revoked
    monkeypatch.undo()
    assert store.load("iz_fail") is None


def test_revoke_removes_the_key_locally_even_when_the_server_fails(
    api_url: str, airflow_db: None, state: Any, ileti_sandbox: Any
) -> None:
    err = io.StringIO()
    options = ConnectOptions(conn_id="iz_rv", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=browser, err=err) == 0
    key = store.load("iz_rv")["password"]  # type: ignore[index]
    ileti_sandbox.admin.add_fault("/iletiniz/connect/revoke", "status", status=500, times=1)
    err = io.StringIO()
    assert connect(ConnectOptions(conn_id="iz_rv", revoke=True), err=err) == 1
    assert store.load("iz_rv")["password"] is None  # type: ignore[index]
    message = err.getvalue()
    assert "could not revoke the key at İletiniz" in message and "HTTP 500" in message
    assert "Not revoked at İletiniz; the key was removed from connection 'iz_rv'" in message
    assert "panel" in message and key not in message
    assert len(ileti_sandbox.requests(service="iletiniz", path="/connect/revoke")) == 1
    assert not state.keys[key].revoked  # the server really did not revoke it: the user is told to


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


def test_wrong_state_is_refused_before_any_exchange(
    api_url: str, ileti_sandbox: Any, airflow_db: None
) -> None:
    """A redirect with another state reaches the real loopback listener; the CLI exchanges nothing."""
    arrived: list[str] = []

    def forging_browser(url: str) -> None:
        location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
        forged = re.sub(r"state=[^&]+", "state=forged-by-another-site", location)
        assert forged != location
        arrived.append(forged)
        assert requests.get(forged, timeout=10).status_code == 200  # the listener took it

    err = io.StringIO()
    options = ConnectOptions(conn_id="iz_forged", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=forging_browser, err=err) == 1
    assert "state does not match" in err.getvalue() and arrived
    # the journal saw the authorization (so the check below can fail) and no token request
    assert len(ileti_sandbox.requests(service="iletiniz", path="/connect/authorize")) == 1
    assert ileti_sandbox.requests(service="iletiniz", path="/connect/token") == []
    assert store.load("iz_forged") is None


def test_the_right_state_through_the_same_path_does_exchange(
    api_url: str, ileti_sandbox: Any, airflow_db: None
) -> None:
    # the control for the test above: the same path without the forgery reaches /connect/token
    options = ConnectOptions(conn_id="iz_ok", auth_url=api_url, api_url=api_url, timeout=10)
    assert connect(options, opener=browser, err=io.StringIO()) == 0
    assert len(ileti_sandbox.requests(service="iletiniz", path="/connect/token")) == 1


@pytest.mark.parametrize("state_value", [None, "", "short"])
def test_the_sandbox_requires_a_state(api_url: str, state_value: str | None) -> None:
    request = PkceRequest(api_url, ILETINIZ_CLIENT_ID, "http://127.0.0.1:5000/callback")
    query = parse_qs(urlsplit(request.authorize_url).query)
    if state_value is None:
        query.pop("state")
    else:
        query["state"] = [state_value]
    url = request.authorize_url.split("?", 1)[0] + "?" + urlencode({k: v[0] for k, v in query.items()})
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    params = parse_qs(urlsplit(location).query)
    assert params["error"] == ["invalid_request"] and "code" not in params
    assert "state" in params["error_description"][0]


def test_the_sandbox_revokes_a_key_only_for_its_client(api_url: str, state: Any) -> None:
    request, location = _authorized(api_url)
    key = (
        OAuthClient(api_url, ILETINIZ_CLIENT_ID)
        .exchange(request, request.code_from_redirect(location))
        .api_key
    )
    with pytest.raises(AuthenticationError, match="unauthorized_client"):
        OAuthClient(api_url, "wordpress").revoke(key)
    assert not state.keys[key].revoked
    OAuthClient(api_url, ILETINIZ_CLIENT_ID).revoke(key)
    assert state.keys[key].revoked


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
    narrow = IletinizClient(api_url, key, retries=0)
    with pytest.raises(AuthenticationError, match="scope") as exc:
        narrow.get_account()
    assert exc.value.http_status == 403 and exc.value.code == "insufficient_scope"
    assert narrow.send_message("+905551234567", "ok").job_id


def test_cli_revoke_without_a_key_fails_cleanly(airflow_db: None, capsys: Any) -> None:
    assert main(["iletiniz", "--conn-id", "nothing_here", "--revoke"]) == 1
    assert "holds no key" in capsys.readouterr().err


def test_revoke_names_the_key_token_as_rfc_7009_does_and_the_key_stops_working(
    api_url: str, state: Any, ileti_sandbox: Any
) -> None:
    request, location = _authorized(api_url)
    key = (
        OAuthClient(api_url, ILETINIZ_CLIENT_ID)
        .exchange(request, request.code_from_redirect(location))
        .api_key
    )
    OAuthClient(api_url, ILETINIZ_CLIENT_ID).revoke(key)
    (sent,) = ileti_sandbox.requests(service="iletiniz", path="/connect/revoke")
    assert set(sent["body"]) == {"client_id", "token", "token_type_hint"}
    assert sent["body"]["token_type_hint"] == "access_token"
    assert state.keys[key].revoked
    with pytest.raises(Exception, match="401"):
        IletinizClient(api_url, key, retries=0).get_account()
    assert ileti_sandbox.refusals() == []


@pytest.mark.parametrize(
    ("form", "named"),
    [
        ({"client_id": ILETINIZ_CLIENT_ID, "key": "iltz_test_x"}, "key"),  # the old guess: unknown field
        ({"client_id": ILETINIZ_CLIENT_ID}, "token"),
        ({"token": "iltz_test_x"}, "client_id"),
        ({"client_id": ILETINIZ_CLIENT_ID, "token": "iltz_test_x", "token_type_hint": "id_token"}, "hint"),
    ],
)
def test_the_sandbox_revoke_follows_rfc_7009_and_counts_a_refusal(
    api_url: str, ileti_sandbox: Any, form: dict[str, str], named: str
) -> None:
    response = requests.post(api_url + "/connect/revoke", data=form, timeout=10)
    assert response.status_code == 400
    assert named in response.json()["message"]
    (refusal,) = ileti_sandbox.refusals()
    assert refusal["service"] == "iletiniz" and named in refusal["reason"]


def test_the_sandbox_revoke_of_an_unknown_token_answers_200_as_rfc_7009_says(
    api_url: str, ileti_sandbox: Any
) -> None:
    form = {"client_id": ILETINIZ_CLIENT_ID, "token": "iltz_test_never_issued"}
    assert requests.post(api_url + "/connect/revoke", data=form, timeout=10).status_code == 200
    assert ileti_sandbox.refusals() == []
