"""PKCE (RFC 7636) and the redirect check, without a network."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from airflow_provider_ileti.clients.iletiniz.oauth import PkceRequest, new_verifier, s256_challenge
from airflow_provider_ileti.core.errors import AuthenticationError, ValidationError


def test_s256_matches_the_sandbox_implementation() -> None:
    from airflow_provider_ileti.sandbox.services.iletiniz.state import _s256

    verifier = new_verifier()
    challenge = s256_challenge(verifier)
    assert challenge == _s256(verifier) and len(challenge) == 43 and "=" not in challenge


def test_verifier_is_fresh_and_in_range() -> None:
    first, second = new_verifier(), new_verifier()
    assert first != second and 43 <= len(first) <= 128
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_authorize_url_carries_s256_state_and_all_scopes() -> None:
    request = PkceRequest("https://iletiniz.com/", "cid", "http://127.0.0.1:5000/callback")
    parts = urlsplit(request.authorize_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path == "/connect/authorize" and query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] == s256_challenge(
        request.verifier
    )
    assert query["state"] == request.state and query["client_id"] == "cid"
    assert query["scope"] == "messages:send contacts:write connections:read account:read"
    assert PkceRequest("a", "b", "c").state != request.state


def test_repr_hides_verifier_and_state() -> None:
    request = PkceRequest("https://iletiniz.com", "cid", "http://127.0.0.1:1/callback")
    assert request.verifier not in repr(request) and request.state not in repr(request)


def test_code_from_redirect() -> None:
    request = PkceRequest("https://iletiniz.com", "cid", "http://127.0.0.1:1/callback")
    ok = f"http://127.0.0.1:1/callback?code=abc&state={request.state}"
    assert request.code_from_redirect(ok + "\n") == "abc"
    with pytest.raises(AuthenticationError, match="state"):
        request.code_from_redirect("http://127.0.0.1:1/callback?code=abc&state=other")
    with pytest.raises(AuthenticationError, match="state"):
        request.code_from_redirect("http://127.0.0.1:1/callback?code=abc")
    with pytest.raises(AuthenticationError, match="access_denied"):
        request.code_from_redirect(f"http://127.0.0.1:1/callback?error=access_denied&state={request.state}")
    with pytest.raises(ValidationError):
        request.code_from_redirect(f"http://127.0.0.1:1/callback?state={request.state}")
