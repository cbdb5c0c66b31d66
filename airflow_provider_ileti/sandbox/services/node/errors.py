"""The answer to a ``service_error`` fault on ``/node``: the chosen SMSnn in Node's own envelope.

REST gets ``{"err": {...}, "data": null}`` with the code's HTTP status (and ``Retry-After`` when the fault
sets one); SOAP gets ``<tns:<op>Response><result><err/></result>`` with HTTP 200, as a real refusal, or a SOAP
fault carrying the same ``err`` when the envelope cannot be read.
"""

from __future__ import annotations

from aiohttp import web

from airflow_provider_ileti.sandbox.faults import Fault
from airflow_provider_ileti.sandbox.services.node import rest, soap
from airflow_provider_ileti.sandbox.services.node.codes import NodeError

INJECTED_MESSAGE = "injected service error"


async def service_error(request: web.Request, fault: Fault) -> web.StreamResponse:
    code = fault.code or "SMS00"
    err = NodeError(
        code,
        fault.message or INJECTED_MESSAGE,
        retry_after=int(fault.retry_after_header()) if fault.retry_after is not None else None,
    )
    if not request.path.rstrip("/").endswith("/soap"):
        return rest.error(err)
    try:
        operation, _params = soap.parse_operation(request, await request.read())
    except soap.SoapFault:
        body = soap.fault_body("soap:Server", f"{err.name}: {err.message}", err)
        return web.Response(body=body, status=500, content_type="text/xml", charset="utf-8")
    response = soap.answer(request.host, operation, None, err)
    if err.retry_after is not None:
        response.headers["Retry-After"] = str(err.retry_after)
    return response
