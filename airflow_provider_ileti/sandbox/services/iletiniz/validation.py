"""What İletiniz requests must carry, and how a request that breaks it is answered.

``ApiError`` is every error answer; one made by ``refused`` (a field the SDK's documents do not name, a
required one missing, a value out of its rule) also names the field and rule, and is counted as a refusal
(``sandbox/refusals.py``). Here: the fields each request may carry and the rules of ``to``, ``state`` and
the redirect URI; the rules that depend on what the workspace has (its providers, senders and templates)
are checked in ``state.py``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_ileti.clients.iletiniz.wire import REVOKE_TOKEN_FIELD
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import normalize_number

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Shortest ``state`` /connect/authorize accepts. Guess: İletiniz publishes no rule; a missing or short state
#: leaves the client open to a forged redirect (CSRF, RFC 6749 §10.12), so the sandbox refuses it.
MIN_STATE_LENGTH = 16
#: RFC 7009 §2.1: the revoke request's fields, and the hints it defines.
REVOKE_FIELDS = frozenset({"client_id", REVOKE_TOKEN_FIELD, "token_type_hint"})
TOKEN_TYPE_HINTS = ("access_token", "refresh_token")
#: ``to`` length as the official SDK checks it (1-64), for a phone number and a handle alike.
TO_LENGTH = (1, 64)
#: What ``to`` is on a Telegram provider (the SDK's README): ``@username`` or a chat id (groups negative).
TELEGRAM_TO = re.compile(r"@[A-Za-z0-9_]{1,63}|-?[0-9]{1,63}")
#: The fields each request may carry (the SDK's ``SendMessageParams``, ``SendBulkParams``,
#: ``BulkItemInput``); anything else is refused. ``null`` counts as absent (the SDK strips ``None``).
MESSAGE_FIELDS = frozenset({"to", "body", "template", "variables", "sender", "provider", "iys"})
BULK_FIELDS = frozenset({"items", "template", "sender", "provider", "iys"})
BULK_ITEM_FIELDS = frozenset({"to", "body", "variables"})
#: ``/connect/token``: RFC 6749 §4.1.3 + RFC 7636 (the plugin sends code, verifier, client id, redirect URL).
TOKEN_FIELDS = frozenset({"grant_type", "code", "code_verifier", "client_id", "redirect_uri"})
TOKEN_REQUIRED = ("code", "code_verifier", "client_id", "redirect_uri")
#: ``/connect/authorize`` query (RFC 6749 §4.1.1 + RFC 7636 §4.3); ``scope`` is optional.
AUTHORIZE_FIELDS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
)
BODY_LENGTH = (1, 1600)


class ApiError(Exception):
    """An error answer. ``refusal`` is set when the request broke the document (``sandbox/refusals.py``)."""

    def __init__(
        self, status: int, code: str, message: str, *, refusal: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.refusal = refusal


def refused(status: int, code: str, field: str, rule: str) -> ApiError:
    """A request-form refusal: the answer and the count both name ``field`` and its rule."""
    return ApiError(status, code, f"{field}: {rule}", refusal=f"{field}: {rule}")


def check_fields(
    data: dict[str, Any],
    allowed: frozenset[str],
    required: tuple[str, ...],
    *,
    where: str = "",
    status: int = 422,
    code: str = "validation_error",
) -> None:
    """Refuse a field the document does not name, and a required one that is missing (null = missing)."""
    for name in data:
        if name not in allowed:
            raise refused(status, code, f"{where}{name}", "unknown field")
    for name in required:
        if data.get(name) in (None, ""):
            raise refused(status, code, f"{where}{name}", "required")


def read_to(value: Any, field: str, channel: str) -> str:
    """``to`` on ``channel``: a phone number (E.164 back) for SMS, a chat id or @username for Telegram."""
    if not isinstance(value, str) or not TO_LENGTH[0] <= len(value) <= TO_LENGTH[1]:
        raise refused(422, "validation_error", field, f"{TO_LENGTH[0]}-{TO_LENGTH[1]} characters")
    if channel == "telegram":
        if not TELEGRAM_TO.fullmatch(value):
            raise refused(422, "invalid_recipient", field, "a Telegram chat id or @username")
        return value
    try:
        return "+" + normalize_number(value, field=field)
    except ValidationError:
        raise refused(422, "invalid_number", field, "a valid phone number") from None


def loopback(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and parts.port is not None
    except ValueError:
        return False
