"""İletiniz wire shapes that are not public, written down in ONE place (the sandbox produces exactly these).

Public (the official SDK v0.1.0): ``/v1/health``,
 ``/v1/messages``, ``/v1/messages/bulk``, ``/v1/messages/{id}``
and the error envelope ``{"error": "<code>", "message": "..."}``. Guessed here (the plugin names them, no
source shows their shape)::

    POST /connect/token   (form or JSON: grant_type?, code, code_verifier, client_id, redirect_uri)
        -> {"api_key": "iltz_test_...", "token_type": "api_key", "scope": "messages:send ...",
            "workspace": {"id": "ws_...", "name": "..."}}
    POST /connect/revoke  (form or JSON, RFC 7009: client_id, token, token_type_hint?)  -> {"revoked": true}
    GET  /v1/account
        -> {"workspace": {"id", "name"},
            "plan": {"code", "name", "active": bool, "quota": int, "used": int, "remaining": int,
                     "renews_at": ISO} | null,
            "remaining_quota": int, "upgrade_url": "https://iletiniz.com/..."}
    GET  /v1/senders
        -> {"providers": [{"code": "netgsm", "name": "Netgsm", "channel": "sms", "default": bool,
                           "senders": ["ILETI", ...]}]}
    quota refused on a send -> HTTP 402 {"error": "quota_exceeded" | "no_active_plan",
                                          "message", "upgrade_url"}

This module imports no HTTP library: the sandbox and both clients share it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from airflow_provider_ileti.clients.iletiniz import SERVICE
from airflow_provider_ileti.core.errors import ProtocolError

API_KEY_PATTERN = re.compile(r"^iltz_(live|test)_[A-Za-z0-9_-]+$")
SCOPES = ("messages:send", "contacts:write", "connections:read", "account:read")

#: Guess: the field of the token answer holding the issued key (the answer's shape is not public).
TOKEN_KEY_FIELD = "api_key"
#: The field of the revoke request that carries the key. The plugin only says it sends "the client id and the
#: API key being revoked" (no field name is public); İletiniz follows OAuth 2.0 everywhere else, and RFC 7009
#: §2.1 names it ``token``. An earlier guess (``key``) left the key live on a server that reads ``token``.
REVOKE_TOKEN_FIELD = "token"
#: RFC 7009 §2.1 ``token_type_hint``: the issued key is used as a bearer access token.
REVOKE_TOKEN_TYPE_HINT = "access_token"
#: Guess: the HTTP status İletiniz answers a send its quota cannot cover (or with no active plan).
QUOTA_HTTP_STATUS = 402
QUOTA_ERROR_CODES = frozenset({"quota_exceeded", "no_active_plan"})
#: Where to get a plan when the account answer names none.
DEFAULT_UPGRADE_URL = "https://iletiniz.com/fiyatlandirma"

#: Largest ``items`` of one bulk request (the SDK's ``_MAX_BULK_ITEMS``).
MAX_BULK_ITEMS = 200

#: Job states (``GET /v1/messages/{id}``), public.
JOB_PENDING = frozenset({"queued"})
JOB_SENT = frozenset({"sent"})
JOB_DELIVERED = frozenset({"delivered"})
JOB_FAILED = frozenset({"failed", "expired", "rejected"})


@dataclasses.dataclass(frozen=True)
class Plan:
    code: str
    name: str
    active: bool
    #: None when the answer does not say (never read as 0).
    quota: int | None
    used: int | None
    remaining: int | None


@dataclasses.dataclass(frozen=True)
class Account:
    """``GET /v1/account``: the plan (None when the workspace has no plan) and the remaining quota."""

    workspace_id: str | None
    workspace_name: str | None
    plan: Plan | None
    remaining_quota: int
    upgrade_url: str

    @property
    def has_active_plan(self) -> bool:
        return self.plan is not None and self.plan.active

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Provider:
    code: str
    name: str
    channel: str
    default: bool
    senders: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class TokenAnswer:
    """What ``/connect/token`` issued. ``repr`` hides the key."""

    api_key: str = dataclasses.field(repr=False)
    scope: tuple[str, ...]
    workspace_id: str | None
    workspace_name: str | None


def parse_account(body: Any) -> Account:
    """The account answer, or a ``ProtocolError`` naming what it lacks: never a quota of 0 read from a
    shape we did not expect (the quota gate would then fail for good with a false "0 left").

    Required: ``plan`` (an object, or ``null`` for a workspace without a plan); with a plan, its
    ``active`` flag and a remaining quota, at the top (``remaining_quota``) or in the plan (``remaining``).
    """
    if not isinstance(body, dict):
        raise _unreadable("the answer is not a JSON object")
    if "plan" not in body:
        raise _unreadable("no 'plan' (an object, or null without a plan)")
    plan_raw = body["plan"]
    plan = None
    if plan_raw is not None:
        if not isinstance(plan_raw, dict):
            raise _unreadable(f"'plan' is a {type(plan_raw).__name__}, not an object")
        active = plan_raw.get("active")
        if not isinstance(active, bool):
            raise _unreadable("'plan.active' is missing or not true/false")
        plan = Plan(
            code=str(plan_raw.get("code") or ""),
            name=str(plan_raw.get("name") or ""),
            active=active,
            quota=_count(plan_raw, "quota", "plan.quota"),
            used=_count(plan_raw, "used", "plan.used"),
            remaining=_count(plan_raw, "remaining", "plan.remaining"),
        )
    remaining = _count(body, "remaining_quota", "remaining_quota")
    if remaining is None:
        remaining = plan.remaining if plan is not None else 0
    if remaining is None:
        raise _unreadable("no remaining quota ('remaining_quota' or 'plan.remaining')")
    workspace = body.get("workspace")
    workspace = workspace if isinstance(workspace, dict) else {}
    return Account(
        workspace_id=workspace.get("id"),
        workspace_name=workspace.get("name"),
        plan=plan,
        remaining_quota=remaining,
        upgrade_url=str(body.get("upgrade_url") or DEFAULT_UPGRADE_URL),
    )


def _count(data: dict[str, Any], key: str, name: str) -> int | None:
    """A whole number >= 0 (or its digits as text) at ``key``; None when absent; error otherwise."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _unreadable(f"'{name}' is {str(value)[:20]!r}, not a whole number >= 0")


def _unreadable(why: str) -> ProtocolError:
    return ProtocolError(f"account: cannot read the answer: {why}", service=SERVICE)


def parse_senders(body: Any) -> list[Provider]:
    try:
        return [
            Provider(
                code=str(p["code"]),
                name=str(p.get("name") or p["code"]),
                channel=str(p.get("channel") or "sms"),
                default=bool(p.get("default")),
                senders=tuple(str(s) for s in p.get("senders") or ()),
            )
            for p in body["providers"]
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"senders: unexpected answer ({type(exc).__name__})", service=SERVICE) from None


def parse_token(body: Any) -> TokenAnswer:
    """The issued key; a ProtocolError that never echoes the answer (it holds a secret)."""
    key = body.get(TOKEN_KEY_FIELD) if isinstance(body, dict) else None
    if not isinstance(key, str) or not API_KEY_PATTERN.match(key):
        raise ProtocolError("token: the answer holds no valid iltz_ key", service=SERVICE)
    workspace = body.get("workspace") or {}
    scope = body.get("scope") or ""
    return TokenAnswer(
        api_key=key,
        scope=tuple(str(scope).split()),
        workspace_id=workspace.get("id") if isinstance(workspace, dict) else None,
        workspace_name=workspace.get("name") if isinstance(workspace, dict) else None,
    )


def token_answer(api_key: str, scope: str, workspace_id: str, workspace_name: str) -> dict[str, Any]:
    """The sandbox's token answer, built here so the shape lives next to its parser."""
    return {
        TOKEN_KEY_FIELD: api_key,
        "token_type": "api_key",
        "scope": scope,
        "workspace": {"id": workspace_id, "name": workspace_name},
    }
