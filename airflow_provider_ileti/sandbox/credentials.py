"""The sandbox's fixed credentials, one set per service. They open nothing but the sandbox."""

from __future__ import annotations

import hashlib
import hmac

NODE_USERNAME = "sandbox"
NODE_PASSWORD = "sandbox-password"

ILETIMERKEZI_KEY = "sandbox-key"
ILETIMERKEZI_SECRET = "sandbox-secret"
#: The panel-issued hash: hex HMAC-SHA256 of the key with the secret as the HMAC key.
ILETIMERKEZI_HASH = hmac.new(
    ILETIMERKEZI_SECRET.encode(), ILETIMERKEZI_KEY.encode(), hashlib.sha256
).hexdigest()

ILETINIZ_API_KEY = "iltz_test_sandbox0key"
ILETINIZ_CLIENT_ID = "airflow-provider-ileti"

WISECP_TOKEN = "sandbox-token"

#: Field names whose values the request journal replaces with "***".
SECRET_FIELDS = frozenset(
    {
        "password",
        "hash",
        "key",
        "secret",
        "api_key",
        "apikey",
        "user_token",
        "token",
        "access_token",
        "code",
        "code_verifier",
        "authorization",
        "client_secret",
    }
)
