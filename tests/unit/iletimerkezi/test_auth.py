"""The hash from the secret, and credentials that never show a secret."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.iletimerkezi.auth import Credentials, hash_from_secret
from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.core.errors import ValidationError


def test_hash_is_hmac_sha256_of_the_key_with_the_secret_as_hmac_key_rfc4231_case_2():
    # RFC 4231 test case 2: HMAC key "Jefe", data "what do ya want for nothing?" (also `openssl dgst -hmac`).
    assert (
        hash_from_secret(key="what do ya want for nothing?", secret="Jefe")
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_hash_of_the_sandbox_credentials_matches_openssl():
    # printf 'sandbox-key' | openssl dgst -sha256 -hmac sandbox-secret
    assert hash_from_secret("sandbox-key", "sandbox-secret") == (
        "6ff9fbb6d84957577a002f8741533b9d2effaab8c9744203a4ff8486b313ca8f"
    )


def test_secret_gives_the_same_authentication_as_the_hash():
    from_secret = Credentials(key="k", secret="s").authentication()
    assert from_secret == {"key": "k", "hash": hash_from_secret("k", "s")}
    assert Credentials(key="k", api_hash="h").authentication() == {"key": "k", "hash": "h"}


def test_username_password_form():
    creds = Credentials(username="u", password="p")
    assert creds.authentication() == {"username": "u", "password": "p"}
    with pytest.raises(ValidationError):
        creds.query()  # the GET form needs key + hash


def test_missing_credentials_are_refused():
    with pytest.raises(ValidationError, match="hash"):
        Credentials(key="k")
    with pytest.raises(ValidationError):
        Credentials()


def test_repr_shows_no_secret():
    secret_hash = hash_from_secret("k", "top-secret")
    client = IletiMerkeziClient("http://127.0.0.1:1/v1", key="k", api_secret="top-secret")
    old = IletiMerkeziClient("http://127.0.0.1:1/v1", username="u", password="pw-secret")
    for text in (repr(client), repr(old), repr(client._credentials)):
        assert "top-secret" not in text and secret_hash not in text and "pw-secret" not in text
    assert "***" in repr(client)
