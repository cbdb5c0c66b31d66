"""The aiohttp application: every service under its prefix, the journal and faults as middleware."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox.admin import register_admin
from airflow_provider_ileti.sandbox.context import Sandbox
from airflow_provider_ileti.sandbox.faults import Fault
from airflow_provider_ileti.sandbox.journal import parse_body, redact_headers, redact_query
from airflow_provider_ileti.sandbox.refusals import Refusal, reason_of
from airflow_provider_ileti.sandbox.service_errors import DEFAULT_RESPONDERS
from airflow_provider_ileti.sandbox.services import SERVICE_MODULES

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SANDBOX_KEY: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)


def service_modules() -> list[Any]:
    package = "airflow_provider_ileti.sandbox.services"
    return [importlib.import_module(f"{package}.{name}") for name in SERVICE_MODULES]


def _service_of(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return first if first in SERVICE_MODULES else "_admin" if first == "_admin" else "unknown"


def _drop(request: web.Request) -> None:
    """Close the connection with no answer at all, as a crashed proxy or a cut line would."""
    transport = request.transport
    if transport is not None:
        transport.abort()


async def _apply_before(
    request: web.Request, sandbox: Sandbox, service: str, fault: Fault
) -> web.StreamResponse | None:
    if fault.mode == "delay":
        await asyncio.sleep(fault.delay)
        return None
    if fault.mode == "status":
        return web.json_response({"error": "injected", "message": "injected fault"}, status=fault.status)
    if fault.mode == "rate_limit":
        headers = {"Retry-After": fault.retry_after_header()}
        return web.json_response(
            {"error": "rate_limited", "message": "Too many requests"}, status=429, headers=headers
        )
    if fault.mode == "maintenance":
        responder = sandbox.maintenance_responders.get(service)
        if responder is None:
            return web.json_response({"error": "maintenance", "message": "maintenance"}, status=503)
        return responder()
    if fault.mode == "service_error":
        error_responder = sandbox.error_responders.get(service)
        if error_responder is None:
            return web.json_response({"error": fault.code, "message": fault.message}, status=fault.status)
        return await error_responder(request, fault)
    if fault.mode == "drop":
        _drop(request)
        raise asyncio.CancelledError  # nothing is written; the handler never runs
    return None


@web.middleware
async def journal_and_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    service = _service_of(request.path)
    if service == "_admin":
        return await handler(request)
    raw = await request.read()
    entry = sandbox.journal.add(
        time=sandbox.clock.now().isoformat(),
        service=service,
        method=request.method,
        path=request.path,
        query=redact_query(request.query.items()),
        body=parse_body(request.content_type or "", raw),
        headers=redact_headers(request.headers.items()),
    )
    epoch = sandbox.epoch
    fault = sandbox.faults.pick(request.method, request.path)
    if fault is not None:
        entry.fault = fault.mode
        early = await _apply_before(request, sandbox, service, fault)
        if early is not None:
            entry.status = early.status
            return early
    if sandbox.epoch != epoch:  # the sandbox was reset while this request was held: it belongs to no one
        _drop(request)
        raise asyncio.CancelledError
    response = await handler(request)
    entry.status = response.status
    reason = reason_of(request)
    if reason is not None:
        entry.extra["refusal"] = reason
        sandbox.refusals.add(Refusal(service, request.method, request.path, reason))
    if fault is not None and fault.mode == "drop_after_commit":
        _drop(request)  # the handler committed its change; the client never hears of it
    return response


def build_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[journal_and_faults], client_max_size=256 * 1024 * 1024)
    app[SANDBOX_KEY] = sandbox
    for module in service_modules():
        module.register(app, sandbox)
    for name, error_responder in DEFAULT_RESPONDERS.items():
        sandbox.error_responders.setdefault(name, error_responder)
    register_admin(app, sandbox)
    return app
