"""The sandbox's İleti Merkezi methods: validation with the service's codes, then the account's state."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.refusals import refuse
from airflow_provider_ileti.sandbox.services.iletimerkezi.envelope import (
    BadRequest,
    listed,
    parse_request,
    respond,
)
from airflow_provider_ileti.sandbox.services.iletimerkezi.state import (
    PRICE_PER_SMS,
    IletiMerkeziState,
)

ZONE = ZoneInfo("Europe/Istanbul")
#: The old username/password form (some old accounts); sandbox-only values.
LEGACY_USERNAME = "sandbox"
LEGACY_PASSWORD = credentials.ILETIMERKEZI_SECRET
MAX_RECIPIENTS = 50_000
MAX_PARTS = 7
MAX_ROW_COUNT = 1000
REPORTS_PAGE_SIZE = 30
MAX_RANGE_DAYS = 10

MESSAGES = {
    200: "Operation Successful",
    400: "The request could not be parsed",
    401: "Membership information is incorrect",
    402: "Insufficient balance",
    404: "No such method",
    422: "Validation failed",
    450: "The sent title is not suitable for use",
    451: "Repeated order",
    452: "Message recipients are incorrect",
    453: "Order size exceeded",
    454: "Message text is empty",
    455: "Order not found or already being sent",
    456: "The order's send date has not been reached",
    457: "Send date is not valid",
    458: "Date range is over 10 days",
    459: "Sender is empty",
    460: "Sender is too long or has Turkish letters",
    468: "iys is missing",
    469: "iysList is missing",
    503: "Service temporarily unavailable",
}
_NUMBER = re.compile(r"(?:\+?90|0)?(5\d{9})")
_TURKISH = set("çÇğĞıİöÖşŞüÜ")


#: Codes that say the request broke the document (a refusal, ``sandbox/refusals.py``); 452 only for a
#: malformed number (a black-listed one is the account's state), 455 only for an id that is not a number.
REFUSAL_CODES = frozenset({400, 404, 422, 453, 454, 457, 458, 459, 460, 468, 469})
#: Each method's request tree as the document shows it: element -> its children (None: a value). An
#: element not named here is refused with 400, which the document gives for "a wrongly written tag".
AUTHENTICATION = {"key": None, "hash": None, "username": None, "password": None}
DATE_FILTER = {"start": None, "end": None}
TREES: dict[str, dict[str, Any]] = {
    "send-sms": {
        "order": {
            "sender": None,
            "sendDateTime": None,
            "iys": None,
            "iysList": None,
            "message": {"text": None, "receipents": {"number": None}},
        }
    },
    "cancel-order": {"order": {"id": None}},
    "get-report": {"order": {"id": None, "page": None, "rowCount": None}},
    "get-balance": {},
    "get-sender": {},
    "get-blacklist": {"blacklist": {"filter": DATE_FILTER, "page": None, "rowCount": None}},
    "add-blacklist": {"blacklist": {"number": None}},
    "delete-blacklist": {"blacklist": {"number": None}},
    "get-reports": {"filter": DATE_FILTER, "page": None},
}
#: The GET send's query parameters (the vendor's "Get API" page).
GET_PARAMETERS = frozenset({"key", "hash", "text", "receipents", "sender", "iys", "iysList"})


class Refused(Exception):
    """An error answer; a refusal (counted) when its code is in ``REFUSAL_CODES`` or ``refusal`` says so.

    ``field`` names what broke the rule: it is added to the answer's message and to the refusal's reason.
    """

    def __init__(
        self, code: int, message: str | None = None, *, field: str | None = None, refusal: bool | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        base = message or MESSAGES.get(code, "Error")
        self.message = f"{base} ({field})" if field else base
        self.refusal = (code in REFUSAL_CODES) if refusal is None else refusal
        self.reason = f"{field or 'request'}: {base}"


def check_tree(value: Any, schema: dict[str, Any] | None, where: str) -> None:
    """Refuse (400) an element the method's document does not name, at any depth."""
    if schema is None or not isinstance(value, dict):
        return
    for name, child in value.items():
        if name not in schema:
            raise Refused(400, "Unknown element", field=f"{where}{name}")
        for item in child if isinstance(child, list) else [child]:
            check_tree(item, schema[name], f"{where}{name}.")


def _number(value: Any, field: str = "receipents.number") -> str:
    match = _NUMBER.fullmatch(str(value).strip().replace(" ", ""))
    if match is None:
        raise Refused(452, field=field, refusal=True)
    return match.group(1)


def _authenticate(auth: Any) -> None:
    if not isinstance(auth, dict):
        raise Refused(401)
    if auth.get("key") == credentials.ILETIMERKEZI_KEY and auth.get("hash") == credentials.ILETIMERKEZI_HASH:
        return
    if auth.get("username") == LEGACY_USERNAME and auth.get("password") == LEGACY_PASSWORD:
        return
    raise Refused(401)


def _fmt(value: dt.datetime) -> str:
    return value.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")


class Methods:
    def __init__(self, state: IletiMerkeziState) -> None:
        self.state = state

    # -- send ---------------------------------------------------------------------------------------
    def _send_date(self, value: Any) -> dt.datetime | None:
        if (
            isinstance(value, list) and len(value) <= 1
        ):  # the JSON page's own samples: [] and ["dd/MM/yyyy HH:mm"]
            value = value[0] if value else ""
        if isinstance(value, dict | list):
            raise Refused(457, field="order.sendDateTime")
        text = str(value or "").strip()
        if not text:
            return None
        for fmt, scheduled in (("%d/%m/%Y %H:%M", True), ("%d/%m/%Y %H:%M:%S", False)):
            try:
                parsed = dt.datetime.strptime(text, fmt).replace(tzinfo=ZONE)
            except ValueError:
                continue
            # With seconds the real service ignores the schedule and sends at once.
            return parsed.astimezone(dt.UTC) if scheduled else None
        raise Refused(457, field="order.sendDateTime")

    def send(self, order: Any) -> dict[str, Any]:
        if not isinstance(order, dict):
            raise Refused(422, field="order")
        sender = str(order.get("sender") or "")
        if not sender.strip():
            raise Refused(459, field="order.sender")
        if len(sender) > 11 or _TURKISH & set(sender):
            raise Refused(460, field="order.sender")
        if sender not in self.state.senders:
            raise Refused(450)
        iys_raw = str(order.get("iys") if order.get("iys") is not None else "").strip()
        if iys_raw == "":
            raise Refused(468, field="order.iys")
        if iys_raw not in ("0", "1"):
            raise Refused(422, "iys must be 0 or 1", field="order.iys")
        iys = int(iys_raw)
        iys_list = str(order.get("iysList") or "").strip() or None
        if iys == 1:
            if iys_list is None:
                raise Refused(469, field="order.iysList")
            if iys_list not in ("BIREYSEL", "TACIR"):
                raise Refused(422, "iysList must be BIREYSEL or TACIR", field="order.iysList")
        else:
            iys_list = None
        messages: list[tuple[str, list[str]]] = []
        for message in listed(order.get("message")):
            if not isinstance(message, dict):
                raise Refused(454, field="order.message")
            text = message.get("text")
            if not isinstance(text, str) or not text.strip():
                raise Refused(454, field="order.message.text")
            if count_segments(text).parts > MAX_PARTS:
                raise Refused(453, field="order.message.text")
            receipents = message.get("receipents")
            raw = listed(receipents.get("number")) if isinstance(receipents, dict) else []
            numbers = [_number(n, "order.message.receipents.number") for n in raw]
            if not numbers:
                raise Refused(452, field="order.message.receipents.number", refusal=True)
            if any(n in self.state.blacklist for n in numbers):
                raise Refused(452)  # black-listed: the account's state, not a refusal
            messages.append((text, numbers))
        if not messages:
            raise Refused(454, field="order.message")
        if sum(len(n) for _, n in messages) > MAX_RECIPIENTS:
            raise Refused(422, "At most 50000 recipients per order", field="order.message.receipents")
        send_at = self._send_date(order.get("sendDateTime"))
        return self._create(sender, messages, send_at, iys, iys_list)

    def _create(
        self,
        sender: str,
        messages: list[tuple[str, list[str]]],
        send_at: dt.datetime | None,
        iys: int,
        iys_list: str | None,
    ) -> dict[str, Any]:
        state = self.state
        now = state.clock.now()
        with state.lock:
            if state.duplicate_of(messages, now) is not None:
                raise Refused(451)
            cost = sum(count_segments(text).parts * len(numbers) for text, numbers in messages)
            if cost > state.credits(now):
                raise Refused(402)
            created = state.create(
                sender=sender, messages=messages, send_at=send_at, iys=iys, iys_list=iys_list
            )
        return {"order": {"id": created.id}}

    def send_get(self, query: Any) -> dict[str, Any]:
        for name in query:
            if name not in GET_PARAMETERS:
                raise Refused(400, "Unknown parameter", field=name)
        _authenticate({"key": query.get("key"), "hash": query.get("hash")})
        numbers = [n for n in str(query.get("receipents") or "").split(",") if n.strip()]
        order = {
            "sender": query.get("sender"),
            "iys": query.get("iys"),
            "iysList": query.get("iysList"),
            "message": {"text": query.get("text"), "receipents": {"number": numbers}},
        }
        return self.send(order)

    # -- orders -------------------------------------------------------------------------------------
    def _order(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise Refused(422, field="order")
        if data.get("id") in (None, ""):
            raise Refused(422, "required", field="order.id")
        try:
            order_id = int(str(data.get("id")).strip())
        except ValueError:
            raise Refused(455, field="order.id", refusal=True) from None
        order = self.state.orders.get(order_id)
        if order is None:
            raise Refused(455)
        return order

    def cancel(self, data: Any) -> dict[str, Any]:
        now = self.state.clock.now()
        with self.state.lock:
            order = self._order(data)
            if order.cancelled_at is not None or not order.scheduled or now >= order.send_at:
                raise Refused(455)
            order.cancelled_at = now
        return {}

    def report(self, data: Any) -> dict[str, Any]:
        now = self.state.clock.now()
        page = _int(data.get("page") if isinstance(data, dict) else None, 1)
        row_count = _int(data.get("rowCount") if isinstance(data, dict) else None, MAX_ROW_COUNT)
        if page < 1 or not 1 <= row_count <= MAX_ROW_COUNT:
            raise Refused(422, "page from 1, rowCount 1..1000", field="order.page/rowCount")
        order = self._order(data)
        if order.cancelled_at is None and now < order.send_at:
            raise Refused(456)
        lines = order.listed_lines()[(page - 1) * row_count : page * row_count]
        counts = order.counts(now)
        summary = self._summary(order, now, counts)
        summary["message"] = [
            {"number": "+90" + ln.number, "status": order.line_status(ln, now)} for ln in lines
        ]
        if self.state.omit_totals:
            summary["total"] = ""
        return {"order": summary}

    def _summary(self, order: Any, now: dt.datetime, counts: dict[str, int]) -> dict[str, Any]:
        return {
            "id": order.id,
            "status": order.status(now),
            "total": counts["total"],
            "delivered": counts["delivered"],
            "undelivered": counts["undelivered"],
            "waiting": counts["waiting"],
            "submitAt": _fmt(order.submit_at),
            "sendAt": _fmt(order.send_at),
            "sender": order.sender,
            "price": f"{order.charged(now) * PRICE_PER_SMS:.2f}",
        }

    def reports(self, request: dict[str, Any]) -> dict[str, Any]:
        flt = request.get("filter")
        if not isinstance(flt, dict):
            raise Refused(422, "filter{start, end} is required", field="filter")
        start, end = _day(flt.get("start")), _day(flt.get("end"))
        if end < start:
            raise Refused(422, "end is before start", field="filter.end")
        if (end - start).days > MAX_RANGE_DAYS:
            raise Refused(458, field="filter")
        page = _int(request.get("page"), 1)
        now = self.state.clock.now()
        found = [o for o in self.state.orders.values() if start <= o.submit_at.astimezone(ZONE).date() <= end]
        chunk = found[(page - 1) * REPORTS_PAGE_SIZE : page * REPORTS_PAGE_SIZE]
        count = "" if self.state.omit_totals else len(found)
        return {"count": count, "orders": [self._summary(o, now, o.counts(now)) for o in chunk]}

    # -- account ------------------------------------------------------------------------------------
    def balance(self) -> dict[str, Any]:
        credits = self.state.credits(self.state.clock.now())
        return {"balance": {"amount": f"{credits * PRICE_PER_SMS:.2f}", "sms": credits}}

    def senders(self) -> dict[str, Any]:
        return {"senders": {"sender": list(self.state.senders)}}

    def blacklist(self, data: Any) -> dict[str, Any]:
        data = data if isinstance(data, dict) else {}
        page = _int(data.get("page"), 1)
        row_count = _int(data.get("rowCount"), MAX_ROW_COUNT)
        if page < 1 or not 1 <= row_count <= MAX_ROW_COUNT:
            raise Refused(422, "page from 1, rowCount 1..1000", field="blacklist.page/rowCount")
        items = sorted(self.state.blacklist.items(), key=lambda kv: (kv[1], kv[0]))
        flt = data.get("filter")
        if isinstance(flt, dict):
            start, end = _moment(flt.get("start")), _moment(flt.get("end"))
            items = [kv for kv in items if start <= kv[1] <= end]
        numbers = [n for n, _ in items][(page - 1) * row_count : page * row_count]
        count = "" if self.state.omit_totals else len(items)
        return {"blacklist": {"count": count, "number": numbers}}

    def blacklist_change(self, data: Any, add: bool) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise Refused(422, "required", field="blacklist")
        numbers = [_number(n, "blacklist.number") for n in listed(data.get("number"))]
        if not numbers:
            raise Refused(452, field="blacklist.number", refusal=True)
        now = self.state.clock.now()
        with self.state.lock:
            for number in numbers:
                if add:
                    self.state.blacklist.setdefault(number, now)
                else:
                    self.state.blacklist.pop(number, None)
        return {}


def _int(value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise Refused(422, "expected a whole number", field="page/rowCount") from None


def _day(value: Any) -> dt.date:
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise Refused(422, "dates must be YYYY-MM-DD", field="filter") from None


def _moment(value: Any) -> dt.datetime:
    try:
        return dt.datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZONE)
    except ValueError:
        raise Refused(422, "dates must be YYYY-MM-DD HH:mm:ss", field="blacklist.filter") from None


POST_METHODS: dict[str, Callable[[Methods, dict[str, Any]], dict[str, Any]]] = {
    "send-sms": lambda m, r: m.send(r.get("order")),
    "cancel-order": lambda m, r: m.cancel(r.get("order")),
    "get-report": lambda m, r: m.report(r.get("order")),
    "get-balance": lambda m, r: m.balance(),
    "get-sender": lambda m, r: m.senders(),
    "get-blacklist": lambda m, r: m.blacklist(r.get("blacklist")),
    "add-blacklist": lambda m, r: m.blacklist_change(r.get("blacklist"), add=True),
    "delete-blacklist": lambda m, r: m.blacklist_change(r.get("blacklist"), add=False),
}
#: Methods that exist only as JSON.
JSON_ONLY: dict[str, Callable[[Methods, dict[str, Any]], dict[str, Any]]] = {
    "get-reports": lambda m, r: m.reports(r),
}


async def dispatch(request: web.Request, methods: Methods) -> web.StreamResponse:
    tail = request.match_info["tail"].strip("/")
    if tail in ("send-sms/get", "send-sms/get/") and request.method == "GET":
        try:
            return respond(200, MESSAGES[200], methods.send_get(request.query), as_json=False)
        except Refused as exc:
            if exc.refusal:
                refuse(request, exc.reason)
            return respond(exc.code, exc.message, as_json=False)
    as_json = tail.endswith("/json")
    name = tail[: -len("/json")] if as_json else tail
    handler = POST_METHODS.get(name) or (JSON_ONLY.get(name) if as_json else None)
    if request.method != "POST" or handler is None:
        refuse(request, f"method: no such method ({request.method} {tail[:60]})")
        return respond(404, MESSAGES[404], as_json=as_json)
    try:
        tree = parse_request(await request.read(), as_json)
        check_tree(tree, {"authentication": AUTHENTICATION, **TREES[name]}, "")
        _authenticate(tree.get("authentication"))
        return respond(200, MESSAGES[200], handler(methods, tree), as_json=as_json)
    except BadRequest as exc:
        refuse(request, f"body: {exc}")
        return respond(400, MESSAGES[400], as_json=as_json)
    except Refused as exc:
        if exc.refusal:
            refuse(request, exc.reason)
        return respond(exc.code, exc.message, as_json=as_json)
