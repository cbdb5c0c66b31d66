"""Answers as errors or trees: the part the sync and async clients share.

Nothing here does I/O. ``read_answer`` decides, from an ``Answer`` of the HTTP layer (``clients.http``),
whether the call succeeded, failed for good or may be retried (and then whether the service may have acted
on it); ``ambiguous_send`` is the error for a send whose order may exist; the rest reads orders and reports.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_ileti.clients.http import Answer, WrongAnswerKindError, parse_retry_after
from airflow_provider_ileti.clients.iletimerkezi import SERVICE, codec
from airflow_provider_ileti.clients.iletimerkezi.codes import OK, TOO_MANY_REQUESTS, error_for
from airflow_provider_ileti.clients.iletimerkezi.models import Order, ReportMessage
from airflow_provider_ileti.clients.iletimerkezi.wire import JSON
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    ProtocolError,
    TransientError,
)


def _ambiguous(
    operation: str, why: str, summary: str, *, http_status: int | None = None
) -> AmbiguousSendError:
    return AmbiguousSendError(
        f"{operation}: {why}; the request may have reached İleti Merkezi, so it is not sent again. "
        f"What may have gone out: {summary}. Check the panel's reports before sending again (the service "
        "refuses the same text to the same numbers within 10 minutes with 451, but not after).",
        service=SERVICE,
        code="ambiguous",
        http_status=http_status,
    )


def ambiguous_send(operation: str, exc: TransientError | ProtocolError, summary: str) -> AmbiguousSendError:
    """A send that failed where the order may exist: a transient failure that may come after the service
    took the request (``maybe_processed``: no or a cut answer, a 5xx), or an answer we cannot read."""
    reason = (exc.reason if isinstance(exc, TransientError) else None) or exc.message.removeprefix(
        f"{operation}: "
    )
    why = reason if isinstance(exc, TransientError) else f"the answer could not be read ({reason})"
    return _ambiguous(operation, why, summary, http_status=exc.http_status)


def read_answer(answer: Answer, *, fmt: str) -> codec.Tree:
    """The answer's tree when ``status.code`` is 200; otherwise the right error.

    A 429 and the maintenance answer are ``TransientError(maybe_processed=False)`` (refused before the
    service acted); any other 5xx is transient and may have been processed; an answer that is not the
    service's envelope is ``WrongAnswerKindError`` with the status, content type and a masked excerpt. Whether
    a failure makes a send ambiguous is the client's decision (``ambiguous_send``), not this function's.
    """
    operation, http_status = answer.what, answer.status
    wait = parse_retry_after(answer.retry_after)
    try:
        tree = codec.parse_json(answer.body) if fmt == JSON else codec.parse_xml(answer.body)
    except ProtocolError as exc:
        kind = "JSON" if fmt == JSON else "XML"
        if http_status == TOO_MANY_REQUESTS:
            # a 429 refuses before acting whatever its body; a 503 is the maintenance answer only in the
            # service's envelope (from a proxy it proves nothing about the order)
            raise error_for(
                http_status, None, operation=operation, http_status=http_status, retry_after=wait
            ) from None
        if http_status >= 500:
            raise TransientError(
                f"{operation}: the server or a proxy answered {answer.describe()}, not {kind}",
                service=SERVICE,
                code=str(http_status),
                http_status=http_status,
                retry_after=wait,
            ) from None
        if 400 <= http_status < 500:
            raise error_for(
                http_status,
                None,
                operation=operation,
                http_status=http_status,
                detail=f"{answer.describe()}, not {kind}",
            ) from None
        wrong = answer.wrong_kind(kind)
        raise WrongAnswerKindError(
            f"{wrong.message} ({exc.message})",
            service=SERVICE,
            code=str(http_status),
            http_status=http_status,
        ) from None
    status = codec.section(tree, "status")
    code = codec.as_int(status.get("code"), default=http_status)
    if code == OK:
        return tree
    message = codec.text_of(status.get("message"))
    raise error_for(code, message, operation=operation, http_status=http_status, retry_after=wait)


def order_id_of(tree: codec.Tree, *, operation: str, send_summary: str) -> str:
    """The new order's id from a send's success answer.

    A status-200 answer without an id most likely means the order exists (the service accepted it and
    our copy of the answer lost the id): that is ``AmbiguousSendError``, so it is recorded as possibly sent
    and never sent again, not a plain ``ProtocolError`` a caller might retry.
    """
    order = tree.get("order")
    order_id = codec.text_of(order.get("id")) if isinstance(order, dict) else None
    if not order_id or not order_id.strip().isdigit():
        raise _ambiguous(
            operation,
            "the service answered status 200 (accepted) but the answer has no numeric order id",
            send_summary,
            http_status=200,
        )
    return order_id.strip()


def _date(value: Any, tz: str) -> dt.datetime | None:
    from airflow_provider_ileti.core.errors import ValidationError
    from airflow_provider_ileti.core.localtime import parse_local

    text = codec.text_of(value)
    if not text:
        return None
    try:
        return parse_local(text, tz, field="date")
    except ValidationError:
        return None


def order_of(data: Any, tz: str, *, operation: str) -> Order:
    if not isinstance(data, dict):
        raise ProtocolError(f"{operation}: the answer has no order", service=SERVICE)
    order_id = codec.text_of(data.get("id"))
    if not order_id:
        raise ProtocolError(f"{operation}: the answer's order has no id", service=SERVICE)
    return Order(
        id=order_id,
        status=codec.as_int(data.get("status")),
        total=codec.as_int(data.get("total")),
        delivered=codec.as_int(data.get("delivered")),
        undelivered=codec.as_int(data.get("undelivered")),
        waiting=codec.as_int(data.get("waiting")),
        submit_at=_date(data.get("submitAt"), tz),
        send_at=_date(data.get("sendAt"), tz),
        sender=codec.text_of(data.get("sender")),
        price=codec.as_float(data.get("price")),
    )


def report_page_of(tree: codec.Tree, tz: str) -> tuple[Order, list[ReportMessage]]:
    data = tree.get("order")
    order = order_of(data, tz, operation="get-report")
    messages = [
        ReportMessage(number=str(m.get("number", "")), status=codec.as_int(m.get("status")))
        for m in codec.as_list(data.get("message") if isinstance(data, dict) else None)
        if isinstance(m, dict)
    ]
    return order, messages
