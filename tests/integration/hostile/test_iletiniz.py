"""İletiniz against the hostile server: ``IletinizClient``, ``AsyncIletinizStatusClient``, the OAuth code
exchange and revoke (``clients/iletiniz/oauth.py``) and ``ileti-connect iletiniz --revoke`` run in-process.

Proves, per mode: the API key (Bearer header; the revoke's form body), the OAuth code and verifier, and the
numbers and texts never reach the other host, memory stays under 50 MB, the call fails within the
timeout + 2 s with an ``IletiError`` whose text holds no secret and no full number, a 429 with an hour's
``Retry-After`` fails at once, a send (no idempotency key at İletiniz) is sent exactly once whenever it may
have arrived, and the single-use OAuth calls are never repeated.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .conftest import (
    MEMORY_LIMIT,
    MEMORY_MODES,
    NUMBER,
    READ_MODES,
    RETRY_AFTER_MODES,
    SECOND_SEND_MODES,
    SEND_MODES,
    TEXT,
    TIMEOUT,
    Outcome,
    assert_clean_text,
    assert_nothing_reached_other_host,
    check,
    knobs,
    limit_for,
    run_async,
    run_call,
)
from .server import OTHER_HOST, PAGE_MARKER, HostileServer, OtherHost

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
    from airflow_provider_ileti.clients.iletiniz.oauth import OAuthClient

# The clients are imported where they are used, so a module broken mid-rewrite fails its own tests only.

API_KEY = "iltz_live_SECRETabcdefghijklmnopqrstuvwxyz"
CODE = "oauth-CODE-secret-5d41402abc4b2a76"
CLIENT_ID = "airflow-provider-ileti"
SECRETS = (API_KEY,)

CALLS: dict[str, tuple[str, Callable[[IletinizClient], Any]]] = {
    "get_account": ("read", lambda c: c.get_account()),
    "send_message": ("send", lambda c: c.send_message(NUMBER, TEXT)),
    "send_bulk": ("send", lambda c: c.send_bulk([(NUMBER, TEXT)])),
    "send": ("send", lambda c: c.send(SendBatch(messages=(SmsMessage(TEXT, (NUMBER,)),)))),
}
MODES_OF_CALL = {
    "get_account": (*READ_MODES, "drip_headers"),
    "send_message": SEND_MODES,
    "send_bulk": SECOND_SEND_MODES,
    "send": ("redirect", "truncated"),
}
CASES = [
    pytest.param(call, mode, id=f"{call}-{mode}") for call, modes in MODES_OF_CALL.items() for mode in modes
]


def _run(hostile: HostileServer, call: str, mode: str, **overrides: Any) -> Outcome:
    from airflow_provider_ileti.clients.iletiniz.client import IletinizClient

    kind, fn = CALLS[call]
    client = IletinizClient(hostile.base_url, API_KEY, **knobs(**overrides))
    try:
        return run_call(lambda: fn(client), mode, kind)
    finally:
        client.close()


@pytest.mark.parametrize(("call", "mode"), CASES)
def test_iletiniz_client(hostile: HostileServer, other_host: OtherHost, call: str, mode: str) -> None:
    hostile.serve(mode)
    check(_run(hostile, call, mode), hostile=hostile, other_host=other_host, secrets=SECRETS)


@pytest.mark.parametrize("mode", [*READ_MODES, "drip"])
def test_iletiniz_async_status(hostile: HostileServer, other_host: OtherHost, mode: str) -> None:
    hostile.serve(mode)

    from airflow_provider_ileti.clients.iletiniz.aio import AsyncIletinizStatusClient

    async def statuses() -> Any:
        client = AsyncIletinizStatusClient(hostile.base_url, API_KEY, **knobs())
        try:
            return await client.get_statuses(["job_hostile_1"])
        finally:
            await client.aclose()

    check(run_async(statuses, mode), hostile=hostile, other_host=other_host, secrets=SECRETS)


def test_iletiniz_max_answer_bytes_is_honoured(hostile: HostileServer, other_host: OtherHost) -> None:
    hostile.serve("huge_unsized")
    outcome = _run(hostile, "get_account", "huge_unsized", max_answer_bytes=1024 * 1024)
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)
    assert outcome.peak is not None and outcome.peak < 10 * 1024 * 1024, (
        f"max_answer_bytes=1 MiB but the call held {outcome.peak / 2**20:.0f} MB"
    )


# -- OAuth: single-use calls ------------------------------------------------------------------------------
def _oauth(hostile: HostileServer) -> OAuthClient:
    from airflow_provider_ileti.clients.iletiniz.oauth import OAuthClient

    # OAuthClient takes only ``timeout`` (its endpoints are fixed, its calls never retried).
    return OAuthClient(hostile.base_url, CLIENT_ID, timeout=TIMEOUT)


@pytest.mark.parametrize("mode", [*READ_MODES, "drip"])
def test_oauth_exchange(hostile: HostileServer, other_host: OtherHost, mode: str) -> None:
    from airflow_provider_ileti.clients.iletiniz.oauth import PkceRequest

    hostile.serve(mode)
    request = PkceRequest(hostile.base_url, CLIENT_ID, "http://127.0.0.1:53682/callback")
    oauth = _oauth(hostile)
    outcome = run_call(lambda: oauth.exchange(request, CODE), mode, "once")
    check(
        outcome,
        hostile=hostile,
        other_host=other_host,
        secrets=(CODE, request.verifier, request.state),
    )


@pytest.mark.parametrize("mode", ["redirect_302", *READ_MODES, "drip"])
def test_oauth_revoke(hostile: HostileServer, other_host: OtherHost, mode: str) -> None:
    """A revoke may be repeated (RFC 7009: revoking twice is harmless): it is held to the rules of a read."""
    hostile.serve(mode)
    oauth = _oauth(hostile)
    outcome = run_call(lambda: oauth.revoke(API_KEY), mode, "read")
    check(outcome, hostile=hostile, other_host=other_host, secrets=SECRETS)


@pytest.mark.parametrize(
    "mode",
    ["redirect", "redirect_308", "huge", "gzip_bomb", "html", "html_502", "truncated", "retry_after_date"],
)
def test_ileti_connect_revoke(
    hostile: HostileServer, other_host: OtherHost, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """``ileti-connect iletiniz --revoke`` (``connect()`` with ``revoke=True``) on a stored key whose
    ``auth_url`` is the hostile server: exit 1, a readable line on stderr, the key nowhere else."""
    from airflow_provider_ileti.connect import iletiniz as connect_iletiniz
    from airflow_provider_ileti.connect import store

    stored = {
        "conn_type": "iletiniz",
        "host": hostile.base_url,
        "password": API_KEY,
        "extra": {"auth_url": hostile.base_url, "client_id": CLIENT_ID},
        "source": "env",
    }
    monkeypatch.setattr(store, "load", lambda conn_id: dict(stored))
    hostile.serve(mode)
    err = io.StringIO()
    options = connect_iletiniz.ConnectOptions(conn_id="iletiniz_hostile", revoke=True)
    outcome = run_call(lambda: connect_iletiniz.connect(options, out=io.StringIO(), err=err), mode, "once")
    text = err.getvalue()
    assert outcome.error is None, f"connect raised {type(outcome.error).__name__}: {outcome.error}"
    assert outcome.result == 1, f"a failed revoke must exit 1, got {outcome.result!r}; stderr: {text}"
    assert_clean_text(text, SECRETS, "ileti-connect's stderr")
    assert_nothing_reached_other_host(other_host, SECRETS)
    assert outcome.elapsed < limit_for(mode), f"connect --revoke took {outcome.elapsed:.1f}s"
    assert hostile.calls, "the revoke never reached the server"
    if mode.startswith("redirect") or mode in RETRY_AFTER_MODES:
        assert len(hostile.calls) == 1, f"the revoke was sent {len(hostile.calls)} times"
    assert "could not revoke" in text, text
    if mode.startswith("redirect"):
        assert OTHER_HOST in text, f"stderr does not name the redirect target: {text!r}"
    if mode in MEMORY_MODES:
        assert outcome.peak is not None and outcome.peak < MEMORY_LIMIT, f"{outcome.peak / 2**20:.0f} MB"
    if mode.startswith("html"):
        assert "text/html" in text and PAGE_MARKER in text, f"stderr shows no page excerpt: {text!r}"
    if mode in RETRY_AFTER_MODES:
        assert "429" in text, text
