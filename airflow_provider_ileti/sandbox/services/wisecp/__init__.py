"""Sandbox emulation of a WISECP panel's international SMS client API under ``/wisecp/api/sms/``.

``POST <prefix>/submit | report | balance | prices`` with a JSON body carrying ``user_token``. Only
``submit``'s request and answer and the error envelope ``{"status": "error", "message": ...}`` are public;
the answers of ``report``, ``balance`` and ``prices`` are our guess, documented (and parsed) in one place:
``clients/wisecp/answers.py``; this package produces exactly those shapes.

Behaviour:
- an error is HTTP 200 with the error envelope, as a PHP panel answers (``ERROR_HTTP_STATUS``);
  maintenance is HTTP 503 with the same envelope;
- strict by the seed's client API (``docs/sandbox.md``): each function takes exactly its documented fields,
  all required (``FIELDS`` in ``validation.py``); an unknown or missing field, a bad value, an unparsable
  body or an unknown function is answered with the error envelope naming the field and counted as a
  refusal; a wrong token, no price, pre-approval, the balance and an unknown report are state errors, not
  refusals;
- ``submit`` checks the token, fields, numbers (``validation.py``), a price for every recipient's country,
  the sender-ID rules per country, and the balance (cost = parts x price of each recipient's country), then
  debits it (``state.py``);
- delivery is deterministic (``sandbox/outcomes.py``) and follows the sandbox clock: every number waits
  ``DELIVERY_SECONDS``, then is delivered or undelivered; numbers that "time out" wait until
  ``EXPIRY_SECONDS`` and then count as undelivered.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.services.wisecp.handlers import (
    ERROR_HTTP_STATUS,
    MAINTENANCE_MESSAGE,
    handler,
    maintenance_response,
)
from airflow_provider_ileti.sandbox.services.wisecp.state import (
    CURRENCY,
    DELIVERY_SECONDS,
    EXPIRY_SECONDS,
    FIRST_REPORT_ID,
    INITIAL_BALANCE,
    PRICES,
    WisecpState,
)

NAME = "wisecp"
PREFIX = f"/{NAME}/api/sms"

__all__ = [
    "CURRENCY",
    "DELIVERY_SECONDS",
    "ERROR_HTTP_STATUS",
    "EXPIRY_SECONDS",
    "FIRST_REPORT_ID",
    "INITIAL_BALANCE",
    "MAINTENANCE_MESSAGE",
    "NAME",
    "PREFIX",
    "PRICES",
    "WisecpState",
    "connections",
    "register",
]


def register(app: web.Application, sandbox: Any) -> None:
    state = WisecpState(sandbox.clock)
    sandbox.services[NAME] = state
    app.router.add_post(PREFIX + "/{function}", handler(state))
    sandbox.maintenance_responders[NAME] = maintenance_response


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {
        "wisecp_default": {
            "conn_type": "wisecp",
            "host": base_url.rstrip("/") + PREFIX,
            "password": credentials.WISECP_TOKEN,
            "extra": {"default_sender": "ILETI", "timeout": 10},
        }
    }
