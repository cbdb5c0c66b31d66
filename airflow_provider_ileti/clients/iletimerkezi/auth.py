"""Credentials: API key + hash (panel-issued, or computed from the secret), or the old username/password.

Kept in one small object whose ``repr`` shows nothing secret, so a client, a traceback's locals or a log
line never carries the hash, the secret or the password.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from airflow_provider_ileti.clients.iletimerkezi import SERVICE
from airflow_provider_ileti.core.errors import ValidationError


def hash_from_secret(key: str, secret: str) -> str:
    """The API hash: hex HMAC-SHA256 of the key, with the secret as the HMAC key."""
    return hmac.new(secret.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


class Credentials:
    """Either ``key`` + ``hash`` (from ``hash`` or ``secret``) or ``username`` + ``password``."""

    __slots__ = ("key", "_hash", "username", "_password")

    def __init__(
        self,
        *,
        key: str | None = None,
        api_hash: str | None = None,
        secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.key = key or None
        self.username = username or None
        self._password = password or None
        if self.key:
            if api_hash:
                self._hash: str | None = api_hash
            elif secret:
                self._hash = hash_from_secret(self.key, secret)
            else:
                raise ValidationError(
                    "hash", None, "give the API hash, or the API secret to compute it from", service=SERVICE
                )
        elif self.username and self._password:
            self._hash = None
        else:
            raise ValidationError(
                "key",
                None,
                "give the API key (with hash or secret), or username and password",
                service=SERVICE,
            )

    @property
    def uses_key(self) -> bool:
        return self._hash is not None

    @property
    def hash(self) -> str | None:
        return self._hash

    def secrets(self) -> list[str]:
        """Values that must never appear in a log or message (for redaction)."""
        return [s for s in (self._hash, self._password) if s]

    def authentication(self) -> dict[str, Any]:
        """The ``<authentication>`` element of every POST request."""
        if self._hash is not None:
            return {"key": self.key, "hash": self._hash}
        return {"username": self.username, "password": self._password}

    def query(self) -> dict[str, str]:
        """The GET form's credentials."""
        if self._hash is None:
            raise ValidationError(
                "key", None, "the GET send needs the API key and hash, not username/password", service=SERVICE
            )
        return {"key": str(self.key), "hash": self._hash}

    def __repr__(self) -> str:
        if self._hash is not None:
            return f"Credentials(key={self.key!r}, hash=***)"
        return f"Credentials(username={self.username!r}, password=***)"
