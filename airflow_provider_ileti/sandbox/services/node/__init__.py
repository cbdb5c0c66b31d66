"""Sandbox emulation of the Node SMS API v1.8.3 under ``/node``.

- REST: ``/node/<group>/<function>`` (``rest.py``), every function of the document, HTTP Basic auth;
- SOAP: ``GET /node/soap?wsdl`` (``wsdl.py``) and ``POST /node/soap`` (``soap.py``) for the seven operations;

both call the same functions (``sms.py``, ``contacts.py``, ``account.py``) over one account state
(``state.py``, packages in ``packages.py``) with one table of error codes (``codes.py``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.services.node import rest, soap
from airflow_provider_ileti.sandbox.services.node.errors import service_error
from airflow_provider_ileti.sandbox.services.node.maintenance import maintenance_response
from airflow_provider_ileti.sandbox.services.node.state import NodeState

NAME = "node"
PREFIX = f"/{NAME}"

__all__ = ["NAME", "PREFIX", "NodeState", "connections", "register"]


def register(app: web.Application, sandbox: Any) -> None:
    state = NodeState(sandbox.clock)
    sandbox.services[NAME] = state

    async def handle_rest(request: web.Request) -> web.StreamResponse:
        return await rest.handle(request, state)

    async def handle_soap(request: web.Request) -> web.StreamResponse:
        return await soap.handle(request, state)

    app.router.add_route("*", PREFIX + "/soap", handle_soap)
    app.router.add_route("*", PREFIX + "/{tail:.+}", handle_rest)
    sandbox.maintenance_responders[NAME] = maintenance_response
    sandbox.error_responders[NAME] = service_error


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    host = base_url.rstrip("/") + PREFIX
    common = {
        "conn_type": "node_sms",
        "host": host,
        "login": credentials.NODE_USERNAME,
        "password": credentials.NODE_PASSWORD,
    }
    return {
        "node_sms_default": {**common, "extra": {"protocol": "rest", "default_sender": "SANDBOX"}},
        "node_sms_soap": {**common, "extra": {"protocol": "soap", "default_sender": "SANDBOX"}},
    }
