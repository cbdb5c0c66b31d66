"""Requests as trees (the documented shapes, formats and paths): the part the sync and async clients share.

Nothing here does I/O; ``answers`` reads what comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from airflow_provider_ileti.clients.iletimerkezi import codec
from airflow_provider_ileti.clients.iletimerkezi.models import Message

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)

#: ``sendDateTime`` on the wire: Turkish wall clock, never with seconds (with seconds the service ignores
#: the schedule and sends at once).
SEND_DATE_FORMAT = "DD/MM/YYYY HH:mm"
#: Dates of the ``get-reports`` filter. Guess: the official Python SDK documents ``YYYY-MM-DD``.
REPORTS_DATE_FORMAT = "%Y-%m-%d"
#: Dates of the black list filter. Guess: the official Python SDK documents ``YYYY-MM-DD HH:mm:ss``.
BLACKLIST_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
#: Orders per ``get-reports`` page. Guess: the official Python SDK pages by 30.
REPORTS_PAGE_SIZE = 30


def content_type(fmt: str) -> str:
    return "application/json; charset=utf-8" if fmt == JSON else "text/xml; charset=utf-8"


def path_for(operation: str, fmt: str) -> str:
    return f"{operation}/json" if fmt == JSON else operation


def encode(tree: codec.Tree, fmt: str) -> bytes:
    return codec.to_json(tree) if fmt == JSON else codec.to_xml(tree)


# -- request trees --------------------------------------------------------------------------------
def send_tree(
    auth: dict[str, Any],
    *,
    sender: str,
    messages: Sequence[Message],
    send_date: str | None,
    iys: int,
    iys_list: str | None,
) -> codec.Tree:
    """``<order><sender/><sendDateTime/><iys/><iysList/><message>…</message>…</order>`` as the spec shows."""
    order: dict[str, Any] = {"sender": sender, "iys": str(iys)}
    if iys_list:
        order["iysList"] = iys_list
    order["message"] = [{"text": m.text, "receipents": {"number": list(m.numbers)}} for m in messages]
    return dated_send_tree(auth, order, send_date)


def dated_send_tree(auth: dict[str, Any], order: dict[str, Any], send_date: str | None) -> codec.Tree:
    """A send's order (``send_tree``'s, without its date) with auth and date, its elements in the spec's
    order (an XML reader may depend on it)."""
    dated = {"sender": order["sender"], "sendDateTime": send_date or "", "iys": order["iys"]}
    if order.get("iysList"):
        dated["iysList"] = order["iysList"]
    dated["message"] = order["message"]
    return {"authentication": auth, "order": dated}


def report_tree(auth: dict[str, Any], order_id: str, page: int, row_count: int) -> codec.Tree:
    return {"authentication": auth, "order": {"id": order_id, "page": str(page), "rowCount": str(row_count)}}


def order_id_tree(auth: dict[str, Any], order_id: str) -> codec.Tree:
    return {"authentication": auth, "order": {"id": order_id}}


def auth_only_tree(auth: dict[str, Any]) -> codec.Tree:
    return {"authentication": auth}


def reports_tree(auth: dict[str, Any], start: dt.date, end: dt.date, page: int) -> codec.Tree:
    return {
        "authentication": auth,
        "filter": {"start": start.strftime(REPORTS_DATE_FORMAT), "end": end.strftime(REPORTS_DATE_FORMAT)},
        "page": page,
    }


def blacklist_list_tree(
    auth: dict[str, Any], page: int, row_count: int, start: dt.datetime | None, end: dt.datetime | None
) -> codec.Tree:
    blacklist: dict[str, Any] = {"page": str(page), "rowCount": str(row_count)}
    if start is not None and end is not None:
        blacklist["filter"] = {
            "start": start.strftime(BLACKLIST_DATE_FORMAT),
            "end": end.strftime(BLACKLIST_DATE_FORMAT),
        }
    return {"authentication": auth, "blacklist": blacklist}


def blacklist_number_tree(auth: dict[str, Any], numbers: Sequence[str]) -> codec.Tree:
    """``<blacklist><number/></blacklist>``: one number as the SDKs send it, or a repeated element."""
    return {
        "authentication": auth,
        "blacklist": {"number": numbers[0] if len(numbers) == 1 else list(numbers)},
    }
