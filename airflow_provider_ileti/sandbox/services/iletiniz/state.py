"""The sandbox's İletiniz workspace: API keys, OAuth codes, jobs on the sandbox clock, plan and quota, and
its providers, senders and templates (the rules: the package's docstring)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import itertools
import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from airflow_provider_ileti.clients.iletiniz.wire import (
    MAX_BULK_ITEMS,
    QUOTA_HTTP_STATUS,
    REVOKE_TOKEN_FIELD,
    SCOPES,
    token_answer,
)
from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.outcomes import Outcome, outcome_for
from airflow_provider_ileti.sandbox.services.iletiniz.validation import (
    AUTHORIZE_FIELDS,
    BODY_LENGTH,
    BULK_FIELDS,
    BULK_ITEM_FIELDS,
    MESSAGE_FIELDS,
    MIN_STATE_LENGTH,
    REVOKE_FIELDS,
    TOKEN_FIELDS,
    TOKEN_REQUIRED,
    TOKEN_TYPE_HINTS,
    ApiError,
    check_fields,
    loopback,
    read_to,
    refused,
)
from airflow_provider_ileti.sandbox.services.state_base import StateBase

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
#: provider code -> (name, channel, approved sender IDs); the first is the default.
PROVIDERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "netgsm": ("Netgsm", "sms", ("ILETI", "MYSTORE")),
    "iletimerkezi": ("İleti Merkezi", "sms", ("ILETI",)),
    # The SDK's README: with a Telegram provider ``to`` is a chat id or @username and ``sender`` is unused.
    "telegram": ("Telegram", "telegram", ()),
}
#: The workspace's templates: key -> text with ``{variable}`` slots. The order ones follow the WordPress
#: plugin's order-status automation (received, processing, shipped, cancelled, refunded); ``campaign`` is a
#: personalised bulk send. A send renders the text (every slot must have a value; a variable no slot uses
#: is ignored, as the document forbids nothing more) and the job keeps it for the admin API.
TEMPLATES = {
    "order_received": "Siparisiniz {order} alindi. Tesekkurler {name}!",
    "order_processing": "Siparisiniz {order} hazirlaniyor.",
    "order_shipped": "Siparisiniz {order} kargoya verildi.",
    "order_cancelled": "Siparisiniz {order} iptal edildi.",
    "order_refunded": "Siparisiniz {order} icin {amount} TL iade edildi.",
    "campaign": "Merhaba {first_name}, {code} koduyla %{discount} indirim sizi bekliyor.",
    "otp": "Dogrulama kodunuz: {code}",
}
_VARIABLE = re.compile(r"\{([A-Za-z0-9_]+)\}")


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


class IletinizState(StateBase):
    def _clear(self) -> None:
        self.keys: dict[str, ApiKey] = {credentials.ILETINIZ_API_KEY: ApiKey(frozenset(SCOPES), None)}
        self.codes: dict[str, AuthCode] = {}
        self.jobs: dict[str, Job] = {}
        self.plan_active: bool | None = True  # None = no plan at all
        self.quota = INITIAL_QUOTA
        self.used = 0
        self._ids = itertools.count(1)

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.now()
        with self.lock:
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
        with self.lock:
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
        if not loopback(redirect_uri):
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
        with self.lock:
            self.codes[code] = AuthCode(q["client_id"], redirect_uri, challenge, scope, self.clock.now())
        return _with_query(redirect_uri, {"code": code, "state": state}), None

    def token(self, form: dict[str, Any]) -> dict[str, Any]:
        check_fields(form, TOKEN_FIELDS, TOKEN_REQUIRED, status=400, code="invalid_request")
        if form.get("grant_type") not in (None, "authorization_code"):
            raise ApiError(
                400,
                "unsupported_grant_type",
                "grant_type must be authorization_code",
                refusal="grant_type: must be authorization_code",
            )
        code, verifier = str(form.get("code") or ""), str(form.get("code_verifier") or "")
        with self.lock:
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
        with self.lock:
            self.keys[key] = ApiKey(frozenset(record.scope.split()), record.client_id)
        return token_answer(key, record.scope, WORKSPACE["id"], WORKSPACE["name"])

    def revoke(self, form: dict[str, Any]) -> dict[str, Any]:
        """RFC 7009: ``token`` (+ ``token_type_hint``) and the public client's ``client_id``; an unknown
        token answers 200 as the RFC says (§2.2), so a revoke can be repeated."""
        check_fields(
            form, REVOKE_FIELDS, ("client_id", REVOKE_TOKEN_FIELD), status=400, code="invalid_request"
        )
        hint = form.get("token_type_hint")
        if hint is not None and hint not in TOKEN_TYPE_HINTS:
            raise refused(400, "invalid_request", "token_type_hint", f"one of {', '.join(TOKEN_TYPE_HINTS)}")
        key = str(form[REVOKE_TOKEN_FIELD])
        with self.lock:
            record = self.keys.get(key)
            if record is not None and record.client_id not in (None, form.get("client_id")):
                # RFC 7009 §2.1: a client may revoke only the keys issued to it.
                raise ApiError(400, "unauthorized_client", "This key was not issued to this client_id.")
            if record is not None and key != credentials.ILETINIZ_API_KEY:
                record.revoked = True
        return {"revoked": True}

    # -- API ----------------------------------------------------------------------------------------
    def account(self) -> dict[str, Any]:
        with self.lock:
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
        check_fields(body, MESSAGE_FIELDS, ("to",))
        provider, sender, iys = _common(body)
        template = body.get("template") or None
        text = _text(body.get("body"), template, body.get("variables"), "")
        to = read_to(body.get("to"), "to", PROVIDERS[provider][1])
        with self.lock:
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
        check_fields(body, BULK_FIELDS, ("items",))
        provider, sender, iys = _common(body)
        template = body.get("template") or None
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise refused(422, "validation_error", "items", "at least one item")
        if len(items) > MAX_BULK_ITEMS:
            raise refused(422, "validation_error", "items", f"at most {MAX_BULK_ITEMS} items")
        prepared: list[tuple[str, str | None, str | None, dict[str, str] | None]] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise refused(422, "validation_error", f"items[{i}]", "an object")
            check_fields(item, BULK_ITEM_FIELDS, ("to",), where=f"items[{i}].")
            raw_to = item.get("to")
            try:
                to = read_to(raw_to, f"items[{i}].to", PROVIDERS[provider][1])
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
        with self.lock:
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
        with self.lock:
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
        raise refused(422, "validation_error", "iys", "true or false")
    return provider, sender, iys


def _text(body: Any, template: str | None, variables: Any, where: str) -> str:
    if template:
        if body is not None:
            raise refused(422, "validation_error", f"{where}body", "not with a template")
        if not isinstance(template, str):
            raise refused(422, "validation_error", "template", "a template key (text)")
        if template not in TEMPLATES:
            raise ApiError(422, "template_not_found", f"No template {template!r}.")
        if variables is not None and not isinstance(variables, dict):
            raise refused(422, "validation_error", f"{where}variables", "an object")
        values = variables if isinstance(variables, dict) else {}
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise refused(422, "validation_error", f"{where}variables.{name}", "a text or a number")
        missing = [v for v in _VARIABLE.findall(TEMPLATES[template]) if v not in values]
        if missing:
            raise refused(422, "validation_error", f"{where}variables", f"lacks {', '.join(missing)}")
        return _VARIABLE.sub(lambda m: str(values[m.group(1)]), TEMPLATES[template])
    if variables is not None:
        raise refused(422, "validation_error", f"{where}variables", "only with a template")
    if not isinstance(body, str) or not BODY_LENGTH[0] <= len(body) <= BODY_LENGTH[1]:
        raise refused(
            422, "validation_error", f"{where}body", f"{BODY_LENGTH[0]}-{BODY_LENGTH[1]} characters"
        )
    return body


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
