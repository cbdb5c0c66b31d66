"""The admin API under ``/_admin``: what the sandbox received, faults, the clock, reset, state.

- ``GET  /_admin/requests?service=&path=&method=`` → ``{"requests": [entry, ...]}`` (secrets redacted)
- ``GET  /_admin/refusals``                      → ``{"count", "refusals": [...]}``: requests
  answered as breaking the vendor's document since the last reset (see ``refusals.py``)
- ``POST /_admin/reset``                         → clock back to real now, clears journal, faults, refusals
  and every service's state
- ``GET  /_admin/faults`` / ``POST /_admin/faults`` (a Fault as JSON) / ``DELETE /_admin/faults``
- ``GET  /_admin/clock``                         → ``{"now", "speed"}``
- ``POST /_admin/clock`` ``{"speed": x}`` and/or ``{"advance": seconds}`` → ``{"now", "speed"}``
- ``GET  /_admin/state/{service}``               → that service's ``snapshot()``
- ``POST /_admin/state/{service}``               → set account state (see ``STATE_FIELDS``), then the snapshot

Every refusal is HTTP 400 (404 for an unknown service) with ``{"error", "message"}`` naming the field, the
value and the rule; a state payload is checked whole before anything changes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox.context import Sandbox
from airflow_provider_ileti.sandbox.faults import Fault


class BadPayload(ValueError):
    """A payload the admin API refuses (HTTP 400)."""


def _int(field: str, value: Any, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadPayload(f"{field}={value!r}: must be an integer")
    if value < minimum:
        raise BadPayload(f"{field}={value!r}: must be >= {minimum}")
    return value


def _number(field: str, value: Any, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadPayload(f"{field}={value!r}: must be a finite number")
    if value < minimum:
        raise BadPayload(f"{field}={value!r}: must be >= {minimum:g}")
    return float(value)


def _hours(field: str, value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise BadPayload(f"{field}={value!r}: must be [start, end] hours or null")
    start, end = (_int(f"{field}[{i}]", v) for i, v in enumerate(value))
    for i, hour in enumerate((start, end)):
        if hour > 23:
            raise BadPayload(f"{field}[{i}]={hour!r}: must be 0..23")
    return start, end


def _plan_active(field: str, value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise BadPayload(f"{field}={value!r}: must be true, false or null (no plan)")
    return value


def _node(state: Any, values: dict[str, Any]) -> None:
    if "credit" in values:
        state.set_credit(values["credit"])
    if "sending_hours" in values:
        state.set_sending_hours(values["sending_hours"])
    if "loose_wsdl" in values:
        state.set_loose_wsdl(values["loose_wsdl"])


def _iletiniz(state: Any, values: dict[str, Any]) -> None:
    active = values.get("plan_active", state.plan_active)
    state.set_plan(active=active, quota=values.get("quota"), used=values.get("used"))


def _wisecp(state: Any, values: dict[str, Any]) -> None:
    state.set_balance(values["balance"])


def _bool(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadPayload(f"{field}={value!r}: must be true or false")
    return value


def _iletimerkezi(state: Any, values: dict[str, Any]) -> None:
    if "credits" in values:
        state.set_credits(values["credits"])
    if "omit_totals" in values:
        state.set_omit_totals(values["omit_totals"])


#: service -> (field -> checker, applier).
Checker = Callable[[str, Any], Any]
Applier = Callable[[Any, dict[str, Any]], None]
STATE_FIELDS: dict[str, tuple[dict[str, Checker], Applier]] = {
    "node": ({"credit": _int, "sending_hours": _hours, "loose_wsdl": _bool}, _node),
    "iletiniz": ({"plan_active": _plan_active, "quota": _int, "used": _int}, _iletiniz),
    "wisecp": ({"balance": _number}, _wisecp),
    "iletimerkezi": ({"credits": _int, "omit_totals": _bool}, _iletimerkezi),
}


def check_state_payload(service: str, body: Any) -> dict[str, Any]:
    """The checked values of a ``POST /_admin/state/{service}`` body, or ``BadPayload`` saying why not."""
    if service not in STATE_FIELDS:
        settable = ", ".join(sorted(STATE_FIELDS))
        raise BadPayload(f"service={service!r}: its state cannot be set here (settable: {settable})")
    fields, _apply = STATE_FIELDS[service]
    if not isinstance(body, dict) or not body:
        raise BadPayload(f"body={body!r}: must be a JSON object with one or more of {', '.join(fields)}")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise BadPayload(f"{unknown[0]}: not a settable {service} field (settable: {', '.join(fields)})")
    return {name: fields[name](name, value) for name, value in body.items()}


def _bad(message: str, error: str = "bad_request") -> web.Response:
    return web.json_response({"error": error, "message": message}, status=400)


async def _json_object(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadPayload(f"the body is not JSON ({exc})") from None
    if not isinstance(body, dict):
        raise BadPayload(f"body={body!r}: must be a JSON object")
    return body


def register_admin(app: web.Application, sandbox: Sandbox) -> None:
    def clock_answer() -> web.Response:
        return web.json_response({"now": sandbox.clock.now().isoformat(), "speed": sandbox.clock.speed})

    async def requests_(request: web.Request) -> web.Response:
        q = request.query
        entries = sandbox.journal.entries(
            service=q.get("service"), path=q.get("path"), method=q.get("method")
        )
        return web.json_response({"requests": [e.to_dict() for e in entries]})

    async def refusals(request: web.Request) -> web.Response:
        return web.json_response(sandbox.refusals.to_dict())

    async def reset(request: web.Request) -> web.Response:
        sandbox.reset()
        return web.json_response({"ok": True})

    async def faults_get(request: web.Request) -> web.Response:
        return web.json_response({"faults": [f.to_dict() for f in sandbox.faults.list()]})

    async def faults_add(request: web.Request) -> web.Response:
        try:
            body = await _json_object(request)
            fault = sandbox.faults.add(Fault(**body))
        except (TypeError, ValueError) as exc:
            return _bad(str(exc), "bad_fault")
        return web.json_response({"fault": fault.to_dict()})

    async def faults_clear(request: web.Request) -> web.Response:
        sandbox.faults.clear()
        return web.json_response({"ok": True})

    async def clock_get(request: web.Request) -> web.Response:
        return clock_answer()

    async def clock(request: web.Request) -> web.Response:
        try:
            body = await _json_object(request)
            unknown = sorted(set(body) - {"speed", "advance"})
            if unknown:
                raise BadPayload(f"{unknown[0]}: not a clock field (speed, advance)")
            speed = _number("speed", body["speed"]) if "speed" in body else None
            if speed is not None and speed <= 0:
                raise BadPayload(f"speed={speed!r}: must be > 0")
            advance = _number("advance", body["advance"]) if "advance" in body else None
        except BadPayload as exc:
            return _bad(str(exc))
        if speed is not None:
            sandbox.clock.set_speed(speed)
        if advance is not None:
            sandbox.clock.advance(advance)
        return clock_answer()

    async def state(request: web.Request) -> web.Response:
        name = request.match_info["service"]
        if name not in sandbox.services:
            return web.json_response({"error": "not_found", "message": f"no service {name}"}, status=404)
        return web.json_response(sandbox.services[name].snapshot())

    async def state_set(request: web.Request) -> web.Response:
        name = request.match_info["service"]
        if name not in sandbox.services:
            return web.json_response({"error": "not_found", "message": f"no service {name}"}, status=404)
        try:
            values = check_state_payload(name, await _json_object(request))
        except BadPayload as exc:
            return _bad(str(exc), "bad_state")
        STATE_FIELDS[name][1](sandbox.services[name], values)
        return web.json_response(sandbox.services[name].snapshot())

    app.router.add_get("/_admin/requests", requests_)
    app.router.add_get("/_admin/refusals", refusals)
    app.router.add_post("/_admin/reset", reset)
    app.router.add_get("/_admin/faults", faults_get)
    app.router.add_post("/_admin/faults", faults_add)
    app.router.add_delete("/_admin/faults", faults_clear)
    app.router.add_get("/_admin/clock", clock_get)
    app.router.add_post("/_admin/clock", clock)
    app.router.add_get("/_admin/state/{service}", state)
    app.router.add_post("/_admin/state/{service}", state_set)
