"""Answers for the ``service_error`` fault: a chosen error code in each service's own envelope.

Node registers its own responder (REST JSON or a SOAP ``<result><err>``, see ``services/node/errors.py``);
the others get one here, built only from their modules' public envelope helpers, so a client test can meet
e.g. İleti Merkezi 455 or an İletiniz ``quota_exceeded`` without the handler running (nothing is created).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

from airflow_provider_ileti.sandbox.faults import Fault

ErrorResponder = Callable[[web.Request, Fault], Awaitable[web.StreamResponse]]


def _retry_after(fault: Fault) -> dict[str, str]:
    return {"Retry-After": fault.retry_after_header()} if fault.retry_after is not None else {}


async def iletimerkezi_error(request: web.Request, fault: Fault) -> web.StreamResponse:
    from airflow_provider_ileti.sandbox.services.iletimerkezi.envelope import respond
    from airflow_provider_ileti.sandbox.services.iletimerkezi.handlers import MESSAGES

    code = int(fault.code or "503")
    as_json = request.path.rstrip("/").endswith("/json")
    response = respond(code, fault.message or MESSAGES.get(code, "Error"), as_json=as_json)
    response.headers.update(_retry_after(fault))
    return response


async def iletiniz_error(request: web.Request, fault: Fault) -> web.StreamResponse:
    headers = {"x-request-id": "req_" + uuid.uuid4().hex[:16], **_retry_after(fault)}
    body = {"error": fault.code, "message": fault.message or "injected service error"}
    return web.json_response(body, status=fault.status, headers=headers)


async def wisecp_error(request: web.Request, fault: Fault) -> web.StreamResponse:
    # WISECP has no codes: its error object carries a message only (the code stands in when none is given).
    body = {"status": "error", "message": fault.message or str(fault.code)}
    return web.Response(
        text=json.dumps(body), status=200, content_type="application/json", headers=_retry_after(fault)
    )


DEFAULT_RESPONDERS: dict[str, ErrorResponder] = {
    "iletimerkezi": iletimerkezi_error,
    "iletiniz": iletiniz_error,
    "wisecp": wisecp_error,
}
