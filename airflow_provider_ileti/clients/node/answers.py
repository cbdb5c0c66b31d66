"""Reading Node's answers, over either wire: the ``{err, data}`` envelope -> ``data`` or ``core.errors``.

REST answers are JSON (``read_json_envelope``, shared by the sync and the async client); SOAP answers are
turned into the same dicts by the SOAP transport and read by ``read_envelope``. The codes and what each means
live in ``codes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.retry import parse_retry_after
from airflow_provider_ileti.clients.node import SERVICE
from airflow_provider_ileti.clients.node.codes import error_for, error_for_status
from airflow_provider_ileti.core.errors import ProtocolError


def read_envelope(
    answer: Any, *, function: str, http_status: int | None = None, retry_after: float | None = None
) -> Any:
    """``data`` of an envelope, or raise the error its ``err`` (or HTTP status) says."""
    if not isinstance(answer, Mapping) or ("err" not in answer and "data" not in answer):
        if http_status is not None and http_status >= 400:
            raise error_for_status(http_status, function=function, retry_after=retry_after)
        raise ProtocolError(
            f"{function}: the answer is not an envelope {{err, data}}",
            service=SERVICE,
            http_status=http_status,
        )
    err = answer.get("err")
    if err not in (None, "", {}, []):
        raise error_for(err, function=function, http_status=http_status, retry_after=retry_after)
    if http_status is not None and http_status >= 400:
        raise error_for_status(http_status, function=function, retry_after=retry_after)
    return answer.get("data")


def read_json_envelope(answer: Answer, function: str) -> Any:
    """``data`` of a JSON answer (sync or async), or the error its ``err``, its status or its kind says."""
    retry_after = parse_retry_after(answer.retry_after)
    envelope = answer.json_or_none()
    if envelope is None:
        if answer.status >= 400:
            raise error_for_status(
                answer.status, function=function, retry_after=retry_after, vendor_message=answer.describe()
            )
        raise answer.wrong_kind("JSON")
    return read_envelope(envelope, function=function, http_status=answer.status, retry_after=retry_after)
