"""The JSON front end: HTTP Basic auth, parameters from the query (GET) or a JSON body (POST), the envelope
``{"err": null, "data": {...}}`` and errors ``{"err": {"status", "code", "message"}, "data": null}`` with the
HTTP status equal to ``err.status``."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.refusals import refuse
from airflow_provider_ileti.sandbox.services.node.codes import NodeError, auth_failure, bad_request
from airflow_provider_ileti.sandbox.services.node.functions import FUNCTIONS, run
from airflow_provider_ileti.sandbox.services.node.state import NodeState


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def ok(data: dict[str, Any]) -> web.Response:
    return web.json_response({"err": None, "data": data}, dumps=_dumps)


def error(exc: NodeError) -> web.Response:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return web.json_response(
        {"err": exc.to_err(), "data": None}, status=exc.status, dumps=_dumps, headers=headers
    )


def check_credentials(username: str | None, password: str | None) -> bool:
    return (
        username is not None
        and password is not None
        and hmac.compare_digest(username.encode(), credentials.NODE_USERNAME.encode())
        and hmac.compare_digest(password.encode(), credentials.NODE_PASSWORD.encode())
    )


def basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def query_params(request: web.Request) -> dict[str, Any]:
    """GET parameters: repeated keys (``ids=1&ids=2``) and ``ids[]=1`` become lists."""
    params: dict[str, Any] = {}
    for key in request.query:
        values = request.query.getall(key)
        name = key[:-2] if key.endswith("[]") else key
        params[name] = values if len(values) > 1 or key.endswith("[]") else values[0]
    return params


async def handle(request: web.Request, state: NodeState) -> web.Response:
    path = request.match_info["tail"].strip("/")
    function = FUNCTIONS.get(path)
    try:
        if function is None:
            raise NodeError("SMS00", f"unknown function /{path}", status=404)
        if request.method not in function.methods:
            raise NodeError("SMS00", f"/{path} takes {' or '.join(function.methods)}", status=405)
        found = basic_auth(request.headers.get("Authorization"))
        if found is None or not check_credentials(*found):
            raise auth_failure()
        if request.method == "GET":
            params = query_params(request)
        else:
            raw = await request.read()
            try:
                params = json.loads(raw, object_pairs_hook=_members) if raw.strip() else {}
            except _RepeatedName as exc:
                raise bad_request(f"the body names {exc.args[0]!r} twice in one object") from None
            except ValueError:
                raise bad_request("the body is not JSON") from None
            if not isinstance(params, dict):
                raise bad_request("the body must be a JSON object")
        return ok(run(function, state, params))
    except NodeError as exc:
        if exc.is_refusal:
            refuse(request, exc.message)
        return error(exc)


class _RepeatedName(ValueError):
    pass


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members; a name given twice is refused (RFC 8259 §4: readers disagree on which value
    counts, so a body that repeats one, e.g. a prepared send with its customID added twice, is a bug)."""
    members = dict(pairs)
    if len(members) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _RepeatedName(name)
            seen.add(name)
    return members
