"""The admin API under ``/_admin``: what the sandbox received, faults, the clock, reset, state.

- ``GET  /_admin/requests?service=&path=&method=`` → ``{"requests": [entry, ...]}`` (secrets redacted)
- ``POST /_admin/reset``                         → clears journal, faults and every service's state
- ``GET  /_admin/faults`` / ``POST /_admin/faults`` (a Fault as JSON) / ``DELETE /_admin/faults``
- ``POST /_admin/clock`` ``{"speed": x}`` and/or ``{"advance": seconds}`` → ``{"now", "speed"}``
- ``GET  /_admin/state/{service}``               → that service's ``snapshot()``
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox.context import Sandbox
from airflow_provider_ileti.sandbox.faults import Fault


def register_admin(app: web.Application, sandbox: Sandbox) -> None:
    async def requests_(request: web.Request) -> web.Response:
        q = request.query
        entries = sandbox.journal.entries(
            service=q.get("service"), path=q.get("path"), method=q.get("method")
        )
        return web.json_response({"requests": [e.to_dict() for e in entries]})

    async def reset(request: web.Request) -> web.Response:
        sandbox.reset()
        return web.json_response({"ok": True})

    async def faults_get(request: web.Request) -> web.Response:
        return web.json_response({"faults": [f.to_dict() for f in sandbox.faults.list()]})

    async def faults_add(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        try:
            fault = sandbox.faults.add(Fault(**body))
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": "bad_fault", "message": str(exc)}, status=400)
        return web.json_response({"fault": fault.to_dict()})

    async def faults_clear(request: web.Request) -> web.Response:
        sandbox.faults.clear()
        return web.json_response({"ok": True})

    async def clock(request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        if "speed" in body:
            sandbox.clock.set_speed(float(body["speed"]))
        if "advance" in body:
            sandbox.clock.advance(float(body["advance"]))
        return web.json_response({"now": sandbox.clock.now().isoformat(), "speed": sandbox.clock.speed})

    async def state(request: web.Request) -> web.Response:
        name = request.match_info["service"]
        if name not in sandbox.services:
            return web.json_response({"error": "not_found", "message": f"no service {name}"}, status=404)
        return web.json_response(sandbox.services[name].snapshot())

    app.router.add_get("/_admin/requests", requests_)
    app.router.add_post("/_admin/reset", reset)
    app.router.add_get("/_admin/faults", faults_get)
    app.router.add_post("/_admin/faults", faults_add)
    app.router.add_delete("/_admin/faults", faults_clear)
    app.router.add_post("/_admin/clock", clock)
    app.router.add_get("/_admin/state/{service}", state)
