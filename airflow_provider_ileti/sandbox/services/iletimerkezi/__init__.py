"""Sandbox emulation of İleti Merkezi under ``/iletimerkezi/v1/``.

XML POST methods (``send-sms``, ``cancel-order``, ``get-report``, ``get-balance``, ``get-sender``,
``get-blacklist``, ``add-blacklist``, ``delete-blacklist``), the same at ``.../json``, ``get-reports/json``,
and the GET send ``send-sms/get/`` exactly as the vendor's page shows it (its sample URL with the sandbox
key and hash works). Auth: key + hash, or the old username/password. Status codes as the service's, mirrored
in the HTTP status; orders move on the sandbox clock (see ``state.py``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.services.iletimerkezi.envelope import MaintenanceResponse
from airflow_provider_ileti.sandbox.services.iletimerkezi.handlers import (
    LEGACY_PASSWORD,
    LEGACY_USERNAME,
    MESSAGES,
    Methods,
    dispatch,
)
from airflow_provider_ileti.sandbox.services.iletimerkezi.state import IletiMerkeziState

NAME = "iletimerkezi"
PREFIX = f"/{NAME}/v1"

__all__ = ["LEGACY_PASSWORD", "LEGACY_USERNAME", "NAME", "PREFIX", "connections", "register"]


def register(app: web.Application, sandbox: Any) -> None:
    state = IletiMerkeziState(sandbox.clock)
    sandbox.services[NAME] = state
    methods = Methods(state)

    async def handle(request: web.Request) -> web.StreamResponse:
        return await dispatch(request, methods)

    app.router.add_route("*", PREFIX + "/{tail:.*}", handle)
    # XML or JSON by the request's path, like every other answer (chosen when the response is sent)
    sandbox.maintenance_responders[NAME] = lambda: MaintenanceResponse(MESSAGES[503])


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    host = base_url.rstrip("/") + PREFIX
    return {
        "iletimerkezi_default": {
            "conn_type": "iletimerkezi",
            "host": host,
            "login": credentials.ILETIMERKEZI_KEY,
            "password": credentials.ILETIMERKEZI_HASH,
            "extra": {"format": "xml", "default_sender": "APITEST"},
        },
        "iletimerkezi_json": {
            "conn_type": "iletimerkezi",
            "host": host,
            "login": credentials.ILETIMERKEZI_KEY,
            "extra": {
                "format": "json",
                "api_secret": credentials.ILETIMERKEZI_SECRET,
                "default_sender": "APITEST",
            },
        },
    }
