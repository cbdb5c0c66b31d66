"""Sandbox emulation of İletiniz under ``/iletiniz``: the REST API (``/v1/...``) and OAuth 2.0 + PKCE
(``/connect/...``).

Faithful to the official SDK (v0.1.0, which works against it unchanged): Bearer ``iltz_`` keys, the
``{"error", "message"}`` envelope with 400/401/403/404/422/429/5xx, an ``x-request-id`` on every answer.
The unpublished shapes (token, account, senders, quota refusal) come from ``clients/iletiniz/wire.py``.

Behaviour:
- keys: ``credentials.ILETINIZ_API_KEY`` (every scope) plus keys issued by ``/connect/token``; a revoked key
  gets 401; a key without the route's scope gets 403 ``insufficient_scope``;
- ``/connect/authorize`` requires a ``state`` (``MIN_STATE_LENGTH``), auto-approves the test user and
  workspace and redirects to the loopback ``redirect_uri`` with ``code`` and ``state``;
  ``/connect/revoke`` (RFC 7009: ``token``, ``token_type_hint``) revokes only a key issued to the asking
  ``client_id`` and refuses any other field; ``/connect/token`` checks
  PKCE S256, client, redirect URI, code lifetime and single use (a code is spent by its first exchange,
  even a failed one);
- jobs: ``queued`` -> ``sent`` after ``QUEUE_SECONDS`` -> after ``DELIVERY_SECONDS`` ``delivered`` /
  ``failed`` (``outcomes`` undelivered) / ``expired`` (outcome expired, after ``EXPIRY_SECONDS``) /
  ``rejected`` (commercial ``iys`` message to a number ending in ``IYS_REJECTED_LAST_DIGIT``),
  on ``sandbox.clock``;
- strict by the SDK's documents (``docs/sandbox.md``, "Strict by the documents"): unknown fields, missing
  required ones and values out of their rule answer 400/422 naming the field and are counted as refusals
  (``sandbox/refusals.py``); quota, scope, auth and unknown jobs are state errors, not refusals;
- quota: every message costs its SMS parts (``core/segments``); a send the quota cannot cover, or with no
  active plan, is refused whole with HTTP 402 and nothing is queued.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from airflow_provider_ileti.clients.iletiniz.wire import (
    MAX_BULK_ITEMS,
    QUOTA_HTTP_STATUS,
    REVOKE_TOKEN_FIELD,
    SCOPES,
    token_answer,
)
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import normalize_number
from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.clock import Clock
from airflow_provider_ileti.sandbox.outcomes import Outcome, outcome_for
from airflow_provider_ileti.sandbox.refusals import refuse

NAME = "iletiniz"
PREFIX = f"/{NAME}"

QUEUE_SECONDS = 5.0
DELIVERY_SECONDS = 30.0
EXPIRY_SECONDS = 600.0
AUTH_CODE_SECONDS = 600.0
#: Guess: commercial (``iys: true``) messages to numbers ending in this digit are rejected by the İYS filter.
IYS_REJECTED_LAST_DIGIT = "7"
INITIAL_QUOTA = 100_000
PLAN = {"code": "sandbox", "name": "Sandbox"}
UPGRADE_URL = "https://iletiniz.com/panel/plan?upgrade=1"
WORKSPACE = {"id": "ws_sandbox", "name": "Sandbox workspace"}
KNOWN_CLIENTS = frozenset({credentials.ILETINIZ_CLIENT_ID, "wordpress"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Shortest ``state`` /connect/authorize accepts. Guess: İletiniz publishes no rule; a missing or short state
#: leaves the client open to a forged redirect (CSRF, RFC 6749 §10.12), so the sandbox refuses it.
MIN_STATE_LENGTH = 16
#: provider code -> (name, channel, approved sender IDs); the first is the default.
PROVIDERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "netgsm": ("Netgsm", "sms", ("ILETI", "MYSTORE")),
    "iletimerkezi": ("İleti Merkezi", "sms", ("ILETI",)),
    # The SDK's README: with a Telegram provider ``to`` is a chat id or @username and ``sender`` is unused.
    "telegram": ("Telegram", "telegram", ()),
}
#: template key -> text with ``{variable}`` slots.
TEMPLATES = {
    "order_shipped": "Siparisiniz {order} kargoya verildi.",
    "otp": "Dogrulama kodunuz: {code}",
}
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
MAINTENANCE_MESSAGE = "İletiniz is under maintenance; try again later."
_VARIABLE = re.compile(r"\{([A-Za-z0-9_]+)\}")


class ApiError(Exception):
    """An error answer. ``refusal`` is set when the request broke the document (``sandbox/refusals.py``)."""

    def __init__(
        self, status: int, code: str, message: str, *, refusal: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.refusal = refusal


def _refused(status: int, code: str, field: str, rule: str) -> ApiError:
    """A request-form refusal: the answer and the count both name ``field`` and its rule."""
    return ApiError(status, code, f"{field}: {rule}", refusal=f"{field}: {rule}")


def _check_fields(
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
            raise _refused(status, code, f"{where}{name}", "unknown field")
    for name in required:
        if data.get(name) in (None, ""):
            raise _refused(status, code, f"{where}{name}", "required")


@dataclasses.dataclass
class Job:
    job_id: str
    to: str
    provider: str
    sender: str | None
    text: str
    template: str | None
    iys: bool
    parts: int
    created_at: dt.datetime

    def status(self, now: dt.datetime) -> str:
        elapsed = (now - self.created_at).total_seconds()
        if elapsed < QUEUE_SECONDS:
            return "queued"
        if self.iys and self.to.endswith(IYS_REJECTED_LAST_DIGIT):
            return "rejected"
        outcome = outcome_for(self.to)
        if outcome is Outcome.EXPIRED:
            return "expired" if elapsed >= EXPIRY_SECONDS else "sent"
        if elapsed < DELIVERY_SECONDS:
            return "sent"
        return "delivered" if outcome is Outcome.DELIVERED else "failed"

    def answer(self, now: dt.datetime) -> dict[str, Any]:
        status = self.status(now)
        sent_at = self.created_at + dt.timedelta(seconds=QUEUE_SECONDS)
        answer: dict[str, Any] = {
            "job_id": self.job_id,
            "status": status,
            "to": self.to,
            "provider": self.provider,
            "created_at": _iso(self.created_at),
            "sent_at": _iso(sent_at) if status not in ("queued", "rejected") else None,
            "delivered_at": (
                _iso(self.created_at + dt.timedelta(seconds=DELIVERY_SECONDS))
                if status == "delivered"
                else None
            ),
        }
        if status in ("failed", "expired", "rejected"):
            answer["error"] = {"code": status, "message": f"message {status}"}
        return answer


@dataclasses.dataclass
class ApiKey:
    scopes: frozenset[str]
    client_id: str | None
    revoked: bool = False


@dataclasses.dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    created_at: dt.datetime
    used: bool = False


class IletinizState:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.keys: dict[str, ApiKey] = {credentials.ILETINIZ_API_KEY: ApiKey(frozenset(SCOPES), None)}
            self.codes: dict[str, AuthCode] = {}
            self.jobs: dict[str, Job] = {}
            self.plan_active: bool | None = True  # None = no plan at all
            self.quota = INITIAL_QUOTA
            self.used = 0
            self._ids = itertools.count(1)

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.now()
        with self._lock:
            jobs = list(self.jobs.values())
            keys = [
                {"client_id": k.client_id, "revoked": k.revoked, "scopes": sorted(k.scopes)}
                for k in self.keys.values()
            ]
            quota, used, active = self.quota, self.used, self.plan_active
        return {
            "plan_active": active,
            "quota": quota,
            "used": used,
            "keys": keys,
            "jobs": [
                {
                    "job_id": j.job_id,
                    "to": j.to,
                    "provider": j.provider,
                    "sender": j.sender,
                    "text": j.text,
                    "template": j.template,
                    "iys": j.iys,
                    "parts": j.parts,
                    "status": j.status(now),
                }
                for j in jobs
            ],
        }

    # -- test controls ------------------------------------------------------------------------------
    def set_plan(
        self, *, active: bool | None = True, quota: int | None = None, used: int | None = None
    ) -> None:
        with self._lock:
            self.plan_active = active
            if quota is not None:
                self.quota = quota
            if used is not None:
                self.used = used

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.used) if self.plan_active else 0

    # -- auth ---------------------------------------------------------------------------------------
    def authenticate(self, header: str | None, scope: str | None) -> None:
        if not header or not header.startswith("Bearer "):
            raise ApiError(401, "unauthorized", "Missing Bearer API key.")
        key = self.keys.get(header[len("Bearer ") :].strip())
        if key is None or key.revoked:
            raise ApiError(401, "unauthorized", "Invalid or revoked API key.")
        if scope is not None and scope not in key.scopes:
            raise ApiError(403, "insufficient_scope", f"This key lacks the {scope} scope.")

    def authorize(self, q: dict[str, str]) -> tuple[str, str | None]:
        """Where to redirect, and the refusal (field: rule) when the redirect carries an error."""
        redirect_uri = q.get("redirect_uri", "")
        if not _loopback(redirect_uri):
            raise ApiError(
                400,
                "invalid_redirect_uri",
                "Only loopback http redirect URIs are accepted.",
                refusal="redirect_uri: a loopback http URI with a port",
            )
        state = q.get("state", "")

        def refused(code: str, field: str, rule: str) -> tuple[str, str | None]:
            text = f"{field}: {rule}"
            where = _with_query(redirect_uri, {"error": code, "error_description": text, "state": state})
            return where, None if code == "unauthorized_client" else text

        unknown = [name for name in q if name not in AUTHORIZE_FIELDS]
        if unknown:
            return refused("invalid_request", unknown[0], "unknown parameter")
        if q.get("client_id") not in KNOWN_CLIENTS:
            return refused("unauthorized_client", "client_id", "unknown client_id")
        if q.get("response_type") != "code":
            return refused("unsupported_response_type", "response_type", "must be code")
        if len(state) < MIN_STATE_LENGTH:
            return refused("invalid_request", "state", f"at least {MIN_STATE_LENGTH} characters required")
        challenge = q.get("code_challenge", "")
        if q.get("code_challenge_method") != "S256" or not re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge):
            return refused("invalid_request", "code_challenge", "PKCE S256 code_challenge required")
        scope = q.get("scope") or " ".join(SCOPES)
        if any(s not in SCOPES for s in scope.split()):
            return refused("invalid_scope", "scope", "unknown scope")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = AuthCode(q["client_id"], redirect_uri, challenge, scope, self.clock.now())
        return _with_query(redirect_uri, {"code": code, "state": state}), None

    def token(self, form: dict[str, Any]) -> dict[str, Any]:
        _check_fields(form, TOKEN_FIELDS, TOKEN_REQUIRED, status=400, code="invalid_request")
        if form.get("grant_type") not in (None, "authorization_code"):
            raise ApiError(
                400,
                "unsupported_grant_type",
                "grant_type must be authorization_code",
                refusal="grant_type: must be authorization_code",
            )
        code, verifier = str(form.get("code") or ""), str(form.get("code_verifier") or "")
        with self._lock:
            record = self.codes.get(code)
            if record is None or record.used:
                raise ApiError(400, "invalid_grant", "Unknown or already used authorization code.")
            record.used = True  # spent by its first exchange, right or wrong
        if (self.clock.now() - record.created_at).total_seconds() > AUTH_CODE_SECONDS:
            raise ApiError(400, "invalid_grant", "Authorization code expired.")
        if form.get("client_id") != record.client_id or form.get("redirect_uri") != record.redirect_uri:
            raise ApiError(
                400, "invalid_grant", "client_id or redirect_uri does not match the authorization."
            )
        if not re.fullmatch(r"[A-Za-z0-9._~-]{43,128}", verifier) or _s256(verifier) != record.challenge:
            raise ApiError(400, "invalid_grant", "PKCE verification failed.")
        key = "iltz_test_" + secrets.token_urlsafe(24)
        with self._lock:
            self.keys[key] = ApiKey(frozenset(record.scope.split()), record.client_id)
        return token_answer(key, record.scope, WORKSPACE["id"], WORKSPACE["name"])

    def revoke(self, form: dict[str, Any]) -> dict[str, Any]:
        """RFC 7009: ``token`` (+ ``token_type_hint``) and the public client's ``client_id``; an unknown
        token answers 200 as the RFC says (§2.2), so a revoke can be repeated."""
        _check_fields(
            form, REVOKE_FIELDS, ("client_id", REVOKE_TOKEN_FIELD), status=400, code="invalid_request"
        )
        hint = form.get("token_type_hint")
        if hint is not None and hint not in TOKEN_TYPE_HINTS:
            raise _refused(400, "invalid_request", "token_type_hint", f"one of {', '.join(TOKEN_TYPE_HINTS)}")
        key = str(form[REVOKE_TOKEN_FIELD])
        with self._lock:
            record = self.keys.get(key)
            if record is not None and record.client_id not in (None, form.get("client_id")):
                # RFC 7009 §2.1: a client may revoke only the keys issued to it.
                raise ApiError(400, "unauthorized_client", "This key was not issued to this client_id.")
            if record is not None and key != credentials.ILETINIZ_API_KEY:
                record.revoked = True
        return {"revoked": True}

    # -- API ----------------------------------------------------------------------------------------
    def account(self) -> dict[str, Any]:
        with self._lock:
            plan = None
            if self.plan_active is not None:
                plan = {
                    **PLAN,
                    "active": self.plan_active,
                    "quota": self.quota,
                    "used": self.used,
                    "remaining": self.remaining,
                    "renews_at": _iso(self.clock.now() + dt.timedelta(days=30)),
                }
            return {
                "workspace": WORKSPACE,
                "plan": plan,
                "remaining_quota": self.remaining,
                "upgrade_url": UPGRADE_URL,
            }

    def senders(self) -> dict[str, Any]:
        return {
            "providers": [
                {"code": code, "name": name, "channel": channel, "default": i == 0, "senders": list(ids)}
                for i, (code, (name, channel, ids)) in enumerate(PROVIDERS.items())
            ]
        }

    def send_one(self, body: dict[str, Any]) -> dict[str, Any]:
        _check_fields(body, MESSAGE_FIELDS, ("to",))
        provider, sender, iys = _common(body)
        template = body.get("template") or None
        text = _text(body.get("body"), template, body.get("variables"), "")
        to = _to(body.get("to"), "to", PROVIDERS[provider][1])
        with self._lock:
            self._charge([text])
            job = self._job(to, provider, sender, text, template, iys)
        return {
            "job_id": job.job_id,
            "status": "queued",
            "to": to,
            "provider": provider,
            "created_at": _iso(job.created_at),
            **({"template": template} if template else {}),
        }

    def send_bulk(
        self, body: dict[str, Any], on_refusal: Callable[[str], None] = lambda reason: None
    ) -> dict[str, Any]:
        """Items that break a rule fail one by one (the documented ``results``), and each is a refusal."""
        _check_fields(body, BULK_FIELDS, ("items",))
        provider, sender, iys = _common(body)
        template = body.get("template") or None
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise _refused(422, "validation_error", "items", "at least one item")
        if len(items) > MAX_BULK_ITEMS:
            raise _refused(422, "validation_error", "items", f"at most {MAX_BULK_ITEMS} items")
        prepared: list[tuple[str, str | None, str | None, dict[str, str] | None]] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise _refused(422, "validation_error", f"items[{i}]", "an object")
            _check_fields(item, BULK_ITEM_FIELDS, ("to",), where=f"items[{i}].")
            raw_to = item.get("to")
            try:
                to = _to(raw_to, f"items[{i}].to", PROVIDERS[provider][1])
                text = _text(item.get("body"), template, item.get("variables"), f"items[{i}].")
            except ApiError as exc:
                if exc.refusal:
                    on_refusal(exc.refusal)
                prepared.append((str(raw_to), None, None, {"code": exc.code, "message": exc.message}))
                continue
            prepared.append((to, text, None, None))
        texts = [t for _, t, _, _ in prepared if t is not None]
        created = _iso(self.clock.now())
        results: list[dict[str, Any]] = []
        with self._lock:
            self._charge(texts)
            for number, body_text, _, error in prepared:
                if body_text is None:
                    results.append({"to": number, "status": "failed", "error": error})
                    continue
                job = self._job(number, provider, sender, body_text, template, iys)
                results.append({"to": number, "status": "sent", "job_id": job.job_id})
        sent = sum(1 for r in results if r["status"] == "sent")
        return {
            "total": len(results),
            "sent": sent,
            "failed": len(results) - sent,
            "provider": provider,
            "created_at": created,
            "results": results,
            **({"template": template} if template else {}),
        }

    def job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job = self.jobs.get(job_id)
        if job is None:
            raise ApiError(404, "not_found", "Message not found.")
        return job.answer(self.clock.now())

    def _charge(self, texts: list[str]) -> None:
        """Refuse the whole request when the plan cannot pay for it (called with the lock held)."""
        if not self.plan_active:
            raise ApiError(QUOTA_HTTP_STATUS, "no_active_plan", "No active plan.", upgrade_url=UPGRADE_URL)
        parts = sum(count_segments(t).parts for t in texts)
        if parts > self.remaining:
            raise ApiError(
                QUOTA_HTTP_STATUS,
                "quota_exceeded",
                f"Quota exceeded: {parts} needed, {self.remaining} left.",
                upgrade_url=UPGRADE_URL,
            )
        self.used += parts

    def _job(
        self, to: str, provider: str, sender: str | None, text: str, template: str | None, iys: bool
    ) -> Job:
        job_id = f"job_{next(self._ids):06d}{uuid.uuid4().hex[:8]}"
        job = Job(
            job_id, to, provider, sender, text, template, iys, count_segments(text).parts, self.clock.now()
        )
        self.jobs[job_id] = job
        return job


def _common(body: dict[str, Any]) -> tuple[str, str | None, bool]:
    provider = body.get("provider") or next(iter(PROVIDERS))
    if provider not in PROVIDERS:
        raise ApiError(422, "provider_not_connected", f"No connected provider {provider!r}.")
    sender = body.get("sender") or None
    if PROVIDERS[provider][1] == "telegram":
        sender = None  # the SDK's README: the bot's identity is the connection's token; sender is unused
    if sender is not None and sender not in PROVIDERS[provider][2]:
        raise ApiError(422, "sender_not_approved", f"Sender {sender!r} is not approved for {provider}.")
    iys = body.get("iys")
    if iys is None:
        iys = False
    if not isinstance(iys, bool):
        raise _refused(422, "validation_error", "iys", "true or false")
    return provider, sender, iys


def _to(value: Any, field: str, channel: str) -> str:
    """``to`` on ``channel``: a phone number (E.164 back) for SMS, a chat id or @username for Telegram."""
    if not isinstance(value, str) or not TO_LENGTH[0] <= len(value) <= TO_LENGTH[1]:
        raise _refused(422, "validation_error", field, f"{TO_LENGTH[0]}-{TO_LENGTH[1]} characters")
    if channel == "telegram":
        if not TELEGRAM_TO.fullmatch(value):
            raise _refused(422, "invalid_recipient", field, "a Telegram chat id or @username")
        return value
    try:
        return "+" + normalize_number(value, field=field)
    except ValidationError:
        raise _refused(422, "invalid_number", field, "a valid phone number") from None


def _text(body: Any, template: str | None, variables: Any, where: str) -> str:
    if template:
        if body is not None:
            raise _refused(422, "validation_error", f"{where}body", "not with a template")
        if template not in TEMPLATES:
            raise ApiError(422, "template_not_found", f"No template {template!r}.")
        values = variables if isinstance(variables, dict) else {}
        missing = [v for v in _VARIABLE.findall(TEMPLATES[template]) if v not in values]
        if variables is not None and not isinstance(variables, dict):
            raise _refused(422, "validation_error", f"{where}variables", "an object")
        if missing:
            raise _refused(422, "validation_error", f"{where}variables", f"lacks {', '.join(missing)}")
        return _VARIABLE.sub(lambda m: str(values[m.group(1)]), TEMPLATES[template])
    if variables is not None:
        raise _refused(422, "validation_error", f"{where}variables", "only with a template")
    if not isinstance(body, str) or not BODY_LENGTH[0] <= len(body) <= BODY_LENGTH[1]:
        raise _refused(
            422, "validation_error", f"{where}body", f"{BODY_LENGTH[0]}-{BODY_LENGTH[1]} characters"
        )
    return body


def _loopback(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and parts.port is not None
    except ValueError:
        return False


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _request_id() -> str:
    return "req_" + uuid.uuid4().hex[:16]


def _error(status: int, code: str, message: str, **extra: Any) -> web.Response:
    headers = {"x-request-id": _request_id()}
    if status == 503:
        headers["Retry-After"] = "1"
    return web.json_response({"error": code, "message": message, **extra}, status=status, headers=headers)


async def _form(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(await request.text() or "{}")
        except ValueError:
            raise _refused(400, "invalid_request", "body", "JSON") from None
        if not isinstance(data, dict):
            raise _refused(400, "invalid_request", "body", "a JSON object")
        return data
    form = await request.post()
    if len(form) != len(set(form.keys())):
        raise _refused(400, "invalid_request", "body", "each parameter once (RFC 6749 §3.2)")
    return dict(form)


def register(app: web.Application, sandbox: Any) -> None:
    state = IletinizState(sandbox.clock)
    sandbox.services[NAME] = state
    sandbox.maintenance_responders[NAME] = lambda: _error(503, "maintenance", MAINTENANCE_MESSAGE)

    def api(scope: str | None, action: Any) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                state.authenticate(request.headers.get("Authorization"), scope)
                for name in request.query:
                    raise _refused(400, "invalid_request", name, "unknown query parameter")
                payload = None
                if request.method == "POST":
                    try:
                        payload = json.loads(await request.text() or "null")
                    except ValueError:
                        raise _refused(400, "invalid_json", "body", "JSON") from None
                    if not isinstance(payload, dict):
                        raise _refused(400, "invalid_request", "body", "a JSON object")
                answer = action(request, payload)
            except ApiError as exc:
                if exc.refusal:
                    refuse(request, exc.refusal)
                return _error(exc.status, exc.code, exc.message, **exc.extra)
            status = 201 if request.method == "POST" else 200
            return web.json_response(answer, status=status, headers={"x-request-id": _request_id()})

        return handler

    async def authorize(request: web.Request) -> web.StreamResponse:
        try:
            location, refusal = state.authorize(dict(request.query))
        except ApiError as exc:
            if exc.refusal:
                refuse(request, exc.refusal)
            return _error(exc.status, exc.code, exc.message)
        if refusal:
            refuse(request, refusal)
        raise web.HTTPFound(location)

    def oauth(action: Any) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                answer = action(await _form(request))
            except ApiError as exc:
                if exc.refusal:
                    refuse(request, exc.refusal)
                return _error(exc.status, exc.code, exc.message, error_description=exc.message)
            return web.json_response(
                answer, headers={"x-request-id": _request_id(), "Cache-Control": "no-store"}
            )

        return handler

    routes = [
        web.get(f"{PREFIX}/v1/health", api(None, lambda r, b: {"ok": True, "db": "up"})),
        web.post(f"{PREFIX}/v1/messages", api("messages:send", lambda r, b: state.send_one(b))),
        web.post(
            f"{PREFIX}/v1/messages/bulk",
            api("messages:send", lambda r, b: state.send_bulk(b, lambda reason: refuse(r, reason))),
        ),
        web.get(
            f"{PREFIX}/v1/messages/{{job_id}}", api(None, lambda r, b: state.job(r.match_info["job_id"]))
        ),
        web.get(f"{PREFIX}/v1/account", api("account:read", lambda r, b: state.account())),
        web.get(f"{PREFIX}/v1/senders", api("connections:read", lambda r, b: state.senders())),
        web.get(f"{PREFIX}/connect/authorize", authorize),
        web.post(f"{PREFIX}/connect/token", oauth(state.token)),
        web.post(f"{PREFIX}/connect/revoke", oauth(state.revoke)),
    ]
    app.add_routes(routes)


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {
        "iletiniz_default": {
            "conn_type": NAME,
            "host": base_url + PREFIX,
            "password": credentials.ILETINIZ_API_KEY,
            "extra": {"auth_url": base_url + PREFIX, "client_id": credentials.ILETINIZ_CLIENT_ID},
        }
    }
