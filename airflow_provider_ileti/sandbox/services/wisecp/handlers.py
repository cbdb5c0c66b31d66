"""The WISECP client API's HTTP front end: ``POST <prefix>/{function}``, the token, and the answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.refusals import refuse
from airflow_provider_ileti.sandbox.services.wisecp.state import WisecpState, error_answer
from airflow_provider_ileti.sandbox.services.wisecp.validation import FUNCTIONS, Refused, check_fields

#: A PHP panel answers its own errors with 200 and ``{"status": "error"}``; only maintenance is a 503.
ERROR_HTTP_STATUS = 200
MAINTENANCE_MESSAGE = "The system is under maintenance. Please try again later."


def _respond(payload: dict[str, Any]) -> web.Response:
    status = ERROR_HTTP_STATUS if payload.get("status") == "error" else 200
    return web.json_response(payload, status=status)


def handler(state: WisecpState) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The one handler of every function, over ``state``."""

    async def handle(request: web.Request) -> web.StreamResponse:
        function = request.match_info["function"]
        if function not in FUNCTIONS:
            refuse(request, f"function: unknown ({function[:40]})")
            return web.json_response(error_answer(f"Unknown API function: {function}"), status=404)
        try:
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError:
                raise Refused("body", "JSON", "The request body must be JSON.") from None
            if not isinstance(body, dict):
                raise Refused("body", "a JSON object", "The request body must be a JSON object.")
            if body.get("user_token") in (None, ""):
                raise Refused("user_token", "required", "The user token is required.")
            if body.get("user_token") != credentials.WISECP_TOKEN:
                return _respond(error_answer("Invalid user token."))
            if function == "submit":
                return _respond(state.submit(body))
            if function == "report":
                return _respond(state.report(body))
            check_fields(function, body)
            if function == "balance":
                return _respond(state.balance_answer())
            return _respond(state.prices_answer())
        except Refused as exc:
            refuse(request, exc.reason)
            return _respond(error_answer(exc.message))

    return handle


def maintenance_response() -> web.StreamResponse:
    return web.json_response(error_answer(MAINTENANCE_MESSAGE), status=503)
