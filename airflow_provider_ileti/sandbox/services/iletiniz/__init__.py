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
- templates (``TEMPLATES`` in ``state.py``): ``template`` + ``variables`` instead of ``body``; an unknown
  key is 422 ``template_not_found`` (a state error; the code is our guess), a slot without a value or a
  value that is not a text or a number is a refusal; the job keeps the rendered text (admin API ``text``);
- quota: every message costs its SMS parts (``core/segments``); a send the quota cannot cover, or with no
  active plan, is refused whole with HTTP 402 and nothing is queued.

The workspace (keys, codes, jobs, plan) is ``state.py``, the request fields and their rules
``validation.py``, the routes and the error envelope ``handlers.py``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.services.iletiniz.handlers import maintenance_response, routes
from airflow_provider_ileti.sandbox.services.iletiniz.state import IletinizState

NAME = "iletiniz"
PREFIX = f"/{NAME}"

__all__ = ["NAME", "PREFIX", "IletinizState", "connections", "register"]


def register(app: web.Application, sandbox: Any) -> None:
    state = IletinizState(sandbox.clock)
    sandbox.services[NAME] = state
    sandbox.maintenance_responders[NAME] = maintenance_response
    app.add_routes(routes(state, PREFIX))


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {
        "iletiniz_default": {
            "conn_type": NAME,
            "host": base_url + PREFIX,
            "password": credentials.ILETINIZ_API_KEY,
            "extra": {"auth_url": base_url + PREFIX, "client_id": credentials.ILETINIZ_CLIENT_ID},
        }
    }
