"""SOAP front end (placeholder until the WSDL lands)."""

from __future__ import annotations

from aiohttp import web

from airflow_provider_ileti.sandbox.services.node.codes import NodeError
from airflow_provider_ileti.sandbox.services.node.state import NodeState


def fault_body(code: str, message: str, err: NodeError | None = None) -> bytes:
    return b""


async def handle(request: web.Request, state: NodeState) -> web.StreamResponse:
    return web.Response(status=501)
