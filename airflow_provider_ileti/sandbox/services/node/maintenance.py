"""The answer to a ``maintenance`` fault: SMS99 (ERR_SYSTEM_MAINTENANCE) with HTTP 503.

The fault middleware asks for the answer before it knows which front end the request is for, so the response
picks its body when aiohttp prepares it for the request: the JSON envelope for REST, a SOAP fault carrying the
same ``err`` for ``/node/soap``.
"""

from __future__ import annotations

import json

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter

from airflow_provider_ileti.sandbox.services.node.codes import NodeError

MAINTENANCE_MESSAGE = "The system is under maintenance, try again later"
#: Seconds a client is told to wait before trying again (guess; the document gives none).
RETRY_AFTER = 30


class MaintenanceResponse(web.Response):
    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        err = NodeError("SMS99", MAINTENANCE_MESSAGE)
        if request.path.rstrip("/").endswith("/soap"):
            from airflow_provider_ileti.sandbox.services.node.soap import fault_body

            self.content_type = "text/xml"
            self.charset = "utf-8"
            self.body = fault_body("soap:Server", f"{err.name}: {err.message}", err)
        else:
            self.content_type = "application/json"
            self.body = json.dumps({"err": err.to_err(), "data": None}).encode()
        return await super().prepare(request)


def maintenance_response() -> web.Response:
    return MaintenanceResponse(status=503, headers={"Retry-After": str(RETRY_AFTER)})
