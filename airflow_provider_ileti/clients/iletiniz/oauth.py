"""OAuth 2.0 Authorization Code + PKCE (RFC 7636, S256, no client secret) for İletiniz.

The authorization server (``https://iletiniz.com``) issues an API key, not a token: ``/connect/token`` answers
with the key (shape in ``iletiniz_wire``) and ``/connect/revoke`` revokes it. Usable without Airflow; the
``ileti-connect`` CLI drives it. Nothing here logs or repeats the key, the code or the verifier.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from airflow_provider_ileti.clients.http.settings import DEFAULT_MAX_ANSWER_BYTES, HttpSettings
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.clients.iletiniz import SERVICE
from airflow_provider_ileti.clients.iletiniz.answers import interpret_answer
from airflow_provider_ileti.clients.iletiniz.wire import (
    REVOKE_TOKEN_FIELD,
    REVOKE_TOKEN_TYPE_HINT,
    SCOPES,
    TokenAnswer,
    parse_token,
)
from airflow_provider_ileti.core.errors import AuthenticationError, TransientError, ValidationError

DEFAULT_AUTH_URL = "https://iletiniz.com"
#: Guess: the public client id of this provider (the WordPress plugin uses ``wordpress``).
DEFAULT_CLIENT_ID = "airflow-provider-ileti"
AUTHORIZE_PATH = "/connect/authorize"
TOKEN_PATH = "/connect/token"
REVOKE_PATH = "/connect/revoke"
#: 64 random bytes -> an 86-character verifier (RFC 7636 allows 43-128).
VERIFIER_BYTES = 64


def new_verifier() -> str:
    return secrets.token_urlsafe(VERIFIER_BYTES)[:128]


def s256_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


@dataclasses.dataclass(frozen=True)
class PkceRequest:
    """One authorization attempt: a fresh verifier and state. ``repr`` hides both."""

    auth_url: str
    client_id: str
    redirect_uri: str
    scope: str = " ".join(SCOPES)
    verifier: str = dataclasses.field(default_factory=new_verifier, repr=False)
    state: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    @property
    def authorize_url(self) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "code_challenge": s256_challenge(self.verifier),
            "code_challenge_method": "S256",
        }
        return f"{self.auth_url.rstrip('/')}{AUTHORIZE_PATH}?{urlencode(query)}"

    def code_from_redirect(self, redirected_to: str) -> str:
        """The code of the redirect URL, after checking its state (a mismatch may be a forged redirect)."""
        params = parse_qs(urlsplit(redirected_to.strip()).query)
        state = (params.get("state") or [""])[0]
        if not hmac.compare_digest(state.encode(), self.state.encode()):
            raise AuthenticationError(
                "the redirect's state does not match this authorization attempt; start again",
                service=SERVICE,
                code="state_mismatch",
            )
        if "error" in params:
            error = params["error"][0]
            detail = (params.get("error_description") or [""])[0][:200]
            raise AuthenticationError(
                f"authorization refused: {error} {detail}".strip(), service=SERVICE, code=error
            )
        code = (params.get("code") or [""])[0]
        if not code:
            raise ValidationError("redirect_url", "<url>", "holds no authorization code", service=SERVICE)
        return code


class OAuthClient:
    """``/connect/token`` and ``/connect/revoke``. Never retried: a code is single use."""

    def __init__(
        self,
        auth_url: str = DEFAULT_AUTH_URL,
        client_id: str = DEFAULT_CLIENT_ID,
        *,
        timeout: float = 30.0,
        verify_ssl: bool = True,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        self.auth_url = auth_url.rstrip("/")
        self.client_id = client_id
        #: never retried (``retries=0``): a code is single use, and a revoke is checked by its answer
        self.settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=0, max_answer_bytes=max_answer_bytes
        )

    def __repr__(self) -> str:
        return f"OAuthClient(auth_url={self.auth_url!r}, client_id={self.client_id!r})"

    def exchange(self, request: PkceRequest, code: str) -> TokenAnswer:
        body = self._post(
            TOKEN_PATH,
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": request.verifier,
                "client_id": self.client_id,
                "redirect_uri": request.redirect_uri,
            },
        )
        return parse_token(body)

    def revoke(self, api_key: str) -> None:
        """Revoke ``api_key`` (RFC 7009: the key as ``token``, hinted as an access token)."""
        form = {
            "client_id": self.client_id,
            REVOKE_TOKEN_FIELD: api_key,
            "token_type_hint": REVOKE_TOKEN_TYPE_HINT,
        }
        self._post(REVOKE_PATH, form)

    def _post(self, path: str, form: dict[str, str]) -> Any:
        """One POST over the HTTP layer (no redirect followed: a code or key must never go elsewhere)."""
        what = path.rsplit("/", 1)[-1]
        hidden = tuple(form.get(k, "") for k in ("code", "code_verifier", REVOKE_TOKEN_FIELD))
        http = HttpSession(self.settings, service=SERVICE, secrets=hidden)
        try:
            answer = http.request("POST", self.auth_url + path, what=what, data=form)
        except TransientError as exc:
            raise AuthenticationError(f"{exc.message} ({self.auth_url})", service=SERVICE) from None
        finally:
            http.close()
        body = answer.json_or_none()
        if answer.status == 400 and isinstance(body, dict):
            raise AuthenticationError(
                f"{what}: {body.get('error')}: "
                f"{str(body.get('message') or body.get('error_description'))[:200]}",
                service=SERVICE,
                code=str(body.get("error")),
                http_status=400,
            )
        return interpret_answer(what, answer)
