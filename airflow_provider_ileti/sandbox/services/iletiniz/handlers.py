"""İletiniz's HTTP front end: the ``{"error", "message"}`` envelope with an ``x-request-id`` on every
answer, Bearer keys and scopes on ``/v1/...``, and the OAuth endpoints under ``/connect/...``."""

from __future__ import annotations

import json
import uuid
from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox.refusals import refuse
from airflow_provider_ileti.sandbox.services.iletiniz.state import IletinizState
from airflow_provider_ileti.sandbox.services.iletiniz.validation import ApiError, refused

MAINTENANCE_MESSAGE = "İletiniz is under maintenance; try again later."


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
            raise refused(400, "invalid_request", "body", "JSON") from None
        if not isinstance(data, dict):
            raise refused(400, "invalid_request", "body", "a JSON object")
        return data
    form = await request.post()
    if len(form) != len(set(form.keys())):
        raise refused(400, "invalid_request", "body", "each parameter once (RFC 6749 §3.2)")
    return dict(form)


def maintenance_response() -> web.StreamResponse:
    return _error(503, "maintenance", MAINTENANCE_MESSAGE)


def routes(state: IletinizState, prefix: str) -> list[web.RouteDef]:
    """Every route of the service under ``prefix``, over ``state``."""

    def api(scope: str | None, action: Any) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                state.authenticate(request.headers.get("Authorization"), scope)
                for name in request.query:
                    raise refused(400, "invalid_request", name, "unknown query parameter")
                payload = None
                if request.method == "POST":
                    try:
                        payload = json.loads(await request.text() or "null")
                    except ValueError:
                        raise refused(400, "invalid_json", "body", "JSON") from None
                    if not isinstance(payload, dict):
                        raise refused(400, "invalid_request", "body", "a JSON object")
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

    return [
        web.get(f"{prefix}/v1/health", api(None, lambda r, b: {"ok": True, "db": "up"})),
        web.post(f"{prefix}/v1/messages", api("messages:send", lambda r, b: state.send_one(b))),
        web.post(
            f"{prefix}/v1/messages/bulk",
            api("messages:send", lambda r, b: state.send_bulk(b, lambda reason: refuse(r, reason))),
        ),
        web.get(
            f"{prefix}/v1/messages/{{job_id}}", api(None, lambda r, b: state.job(r.match_info["job_id"]))
        ),
        web.get(f"{prefix}/v1/account", api("account:read", lambda r, b: state.account())),
        web.get(f"{prefix}/v1/senders", api("connections:read", lambda r, b: state.senders())),
        web.get(f"{prefix}/connect/authorize", authorize),
        web.post(f"{prefix}/connect/token", oauth(state.token)),
        web.post(f"{prefix}/connect/revoke", oauth(state.revoke)),
    ]
