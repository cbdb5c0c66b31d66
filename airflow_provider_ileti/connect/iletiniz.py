"""``ileti-connect iletiniz``: Authorization Code + PKCE against İletiniz, the key kept only in Airflow.

Flow: a fresh verifier and ``state``; the browser (or the user, with ``--no-browser``) opens the authorize
URL; İletiniz redirects to our loopback listener (or the user pastes the redirect URL); the state is checked;
the code is exchanged at ``/connect/token`` for an ``iltz_`` key; the key goes into the Airflow connection
(or, with ``--print``, to stdout as an ``AIRFLOW_CONN_…`` value). The key is printed nowhere else.

A live key is never left behind unstored or forgotten: when the connection cannot be saved the new key is
revoked at once; a reconnect revokes the key it replaces once the new one is stored; ``--revoke`` removes the
key locally even when the server cannot be reached, and says so. Messages never carry an exception's own
text where it could hold the key (a database error quotes its SQL parameters).
"""

from __future__ import annotations

import dataclasses
import secrets
import sys
import webbrowser
from collections.abc import Callable
from typing import IO, Any

from airflow_provider_ileti.clients.iletiniz.oauth import (
    DEFAULT_AUTH_URL,
    DEFAULT_CLIENT_ID,
    OAuthClient,
    PkceRequest,
)
from airflow_provider_ileti.clients.iletiniz.wire import TokenAnswer
from airflow_provider_ileti.connect import store
from airflow_provider_ileti.connect.loopback import CALLBACK_PATH, LoopbackListener
from airflow_provider_ileti.core.errors import AuthenticationError, IletiError

CONN_TYPE = "iletiniz"
DEFAULT_CONN_ID = "iletiniz_default"
DEFAULT_API_URL = "https://api.iletiniz.com"
#: Seconds to wait for the browser to come back to the loopback listener.
REDIRECT_TIMEOUT_SECONDS = 300.0


@dataclasses.dataclass
class ConnectOptions:
    conn_id: str = DEFAULT_CONN_ID
    auth_url: str | None = None
    api_url: str | None = None
    client_id: str | None = None
    no_browser: bool = False
    print_env: bool = False
    revoke: bool = False
    timeout: float = REDIRECT_TIMEOUT_SECONDS


def authorize(
    auth_url: str,
    client_id: str,
    *,
    no_browser: bool = False,
    opener: Callable[[str], Any] | None = None,
    stdin: IO[str] | None = None,
    out: IO[str] | None = None,
    timeout: float = REDIRECT_TIMEOUT_SECONDS,
) -> TokenAnswer:
    """Run the whole authorization and return the issued key (kept in memory only)."""
    out = out or sys.stderr
    oauth = OAuthClient(auth_url, client_id)
    if no_browser:
        # Nothing listens on this port: the user's browser fails to load it, and they paste its address.
        port = 49152 + secrets.randbelow(16383)
        request = PkceRequest(auth_url, client_id, f"http://127.0.0.1:{port}{CALLBACK_PATH}")
        print(
            f"Open this URL in a browser, sign in and pick a workspace:\n\n  {request.authorize_url}\n",
            file=out,
        )
        print("Then paste the address the browser was sent to (it starts with http://127.0.0.1):", file=out)
        out.flush()
        redirected = (stdin or sys.stdin).readline().strip()
        if not redirected:
            raise AuthenticationError("no redirect URL was pasted", service=CONN_TYPE)
        return oauth.exchange(request, request.code_from_redirect(redirected))
    with LoopbackListener() as listener:
        request = PkceRequest(auth_url, client_id, listener.redirect_uri)
        print(
            f"Opening the browser to authorize (or open it yourself):\n\n  {request.authorize_url}\n",
            file=out,
        )
        out.flush()
        (opener or webbrowser.open)(request.authorize_url)
        redirected = listener.wait(timeout)
    if redirected is None:
        raise AuthenticationError(
            f"no redirect came back within {timeout:g}s; try --no-browser", service=CONN_TYPE
        )
    return oauth.exchange(request, request.code_from_redirect(redirected))


def connect(
    options: ConnectOptions,
    *,
    opener: Callable[[str], Any] | None = None,
    stdin: IO[str] | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """The CLI command; 0 on success. ``out`` gets only the ``--print`` value; messages go to ``err``."""
    out = out or sys.stdout
    err = err or sys.stderr
    existing = store.load(options.conn_id) or {}
    extra = dict(existing.get("extra") or {})
    auth_url = (options.auth_url or extra.get("auth_url") or DEFAULT_AUTH_URL).rstrip("/")
    client_id = options.client_id or extra.get("client_id") or DEFAULT_CLIENT_ID
    api_url = (options.api_url or existing.get("host") or DEFAULT_API_URL).rstrip("/")
    try:
        if options.revoke:
            return _revoke(options.conn_id, existing, auth_url, client_id, err)
        answer = authorize(
            auth_url,
            client_id,
            no_browser=options.no_browser,
            opener=opener,
            stdin=stdin,
            out=err,
            timeout=options.timeout,
        )
    except IletiError as exc:
        print(f"ileti-connect: {exc}", file=err)
        return 1
    new_extra = {**extra, "auth_url": auth_url, "client_id": client_id}
    where = f" (workspace {answer.workspace_name})" if answer.workspace_name else ""
    if options.print_env:
        fields = {"conn_type": CONN_TYPE, "host": api_url, "password": answer.api_key, "extra": new_extra}
        print(store.render_env(options.conn_id, fields), file=out)
        print(f"Authorized{where}; the line above holds the key: keep it in a secrets backend.", file=err)
        if existing.get("password"):
            print(
                f"The key held by {options.conn_id!r} stays valid: once the new value is in place, revoke "
                "the old key with --revoke (or in the İletiniz panel).",
                file=err,
            )
        return 0
    try:
        action = store.save(
            options.conn_id, conn_type=CONN_TYPE, host=api_url, password=answer.api_key, extra=new_extra
        )
    except Exception as exc:  # noqa: BLE001 — a DB error's text quotes its SQL parameters: the key
        print(
            f"ileti-connect: could not store the key in connection {options.conn_id!r} "
            f"({type(exc).__name__}); revoking the new key so no live key is left unstored.",
            file=err,
        )
        revoked = _try_revoke(OAuthClient(auth_url, client_id), answer.api_key, err, "the new key")
        if revoked:
            print("The new key was revoked; fix the metadata database and run ileti-connect again.", file=err)
        return 1
    print(
        f"Authorized{where}; connection {options.conn_id!r} {action} (scopes: {' '.join(answer.scope)}).",
        file=err,
    )
    previous = existing.get("password")
    if previous and previous != answer.api_key:
        if existing.get("source") != "db":
            print(
                f"The key in {store.env_var_name(options.conn_id)} is still valid and, while set, hides the "
                "stored connection: remove it, then revoke the old key in the İletiniz panel.",
                file=err,
            )
            return 0
        old = OAuthClient(
            str(extra.get("auth_url") or auth_url).rstrip("/"), str(extra.get("client_id") or client_id)
        )
        if _try_revoke(old, str(previous), err, "the previous key"):
            print("The previous key was revoked.", file=err)
    return 0


def _try_revoke(oauth: OAuthClient, key: str, err: IO[str], which: str) -> bool:
    """Revoke ``key``; on failure tell the user (without the key) and return False."""
    try:
        oauth.revoke(key)
    except IletiError as exc:
        print(
            f"ileti-connect: could not revoke {which} ({_scrub(str(exc), key)}); "
            "revoke it in the İletiniz panel.",
            file=err,
        )
        return False
    return True


def _scrub(text: str, key: str) -> str:
    """``text`` without ``key`` (a server may echo what it was sent)."""
    return text.replace(key, "<key>") if key else text


def _revoke(conn_id: str, existing: dict[str, Any], auth_url: str, client_id: str, err: IO[str]) -> int:
    """Revoke at the server and remove the key locally — locally even when the server fails."""
    key = existing.get("password")
    if not key:
        print(f"ileti-connect: connection {conn_id!r} holds no key to revoke", file=err)
        return 1
    server_ok = _try_revoke(OAuthClient(auth_url, client_id), str(key), err, "the key at İletiniz")
    if existing.get("source") == "db":
        try:
            store.forget_key(conn_id)
        except Exception as exc:  # noqa: BLE001 — never print a DB error's text (it may quote the key)
            print(
                f"ileti-connect: could not remove the key from connection {conn_id!r} ({type(exc).__name__})",
                file=err,
            )
            return 1
        done = "Revoked" if server_ok else "Not revoked at İletiniz"
        print(f"{done}; the key was removed from connection {conn_id!r}.", file=err)
    else:
        done = "Revoked" if server_ok else "Not revoked at İletiniz"
        print(
            f"{done}; remove {store.env_var_name(conn_id)} from your environment or secrets backend.",
            file=err,
        )
    return 0 if server_ok else 1
