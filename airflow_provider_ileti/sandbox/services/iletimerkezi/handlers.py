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


class Refused(Exception):
    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")


def _number(value: Any) -> str:
    match = _NUMBER.fullmatch(str(value).strip().replace(" ", ""))
    if match is None:
        raise Refused(452)
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
        text = str(value or "").strip() if not isinstance(value, dict | list) else ""
        if not text:
            return None
        for fmt, scheduled in (("%d/%m/%Y %H:%M", True), ("%d/%m/%Y %H:%M:%S", False)):
            try:
                parsed = dt.datetime.strptime(text, fmt).replace(tzinfo=ZONE)
            except ValueError:
                continue
            # With seconds the real service ignores the schedule and sends at once.
            return parsed.astimezone(dt.UTC) if scheduled else None
        raise Refused(457)

    def send(self, order: Any) -> dict[str, Any]:
        if not isinstance(order, dict):
            raise Refused(422)
        sender = str(order.get("sender") or "")
        if not sender.strip():
            raise Refused(459)
        if len(sender) > 11 or _TURKISH & set(sender):
            raise Refused(460)
        if sender not in self.state.senders:
            raise Refused(450)
        iys_raw = str(order.get("iys") if order.get("iys") is not None else "").strip()
        if iys_raw == "":
            raise Refused(468)
        if iys_raw not in ("0", "1"):
            raise Refused(422, "iys must be 0 or 1")
        iys = int(iys_raw)
        iys_list = str(order.get("iysList") or "").strip() or None
        if iys == 1:
            if iys_list is None:
                raise Refused(469)
            if iys_list not in ("BIREYSEL", "TACIR"):
                raise Refused(422, "iysList must be BIREYSEL or TACIR")
        else:
            iys_list = None
        messages: list[tuple[str, list[str]]] = []
        for message in listed(order.get("message")):
            if not isinstance(message, dict):
                raise Refused(454)
            text = message.get("text")
            if not isinstance(text, str) or not text.strip():
                raise Refused(454)
            if count_segments(text).parts > MAX_PARTS:
                raise Refused(453)
            receipents = message.get("receipents")
            raw = listed(receipents.get("number")) if isinstance(receipents, dict) else []
            numbers = [_number(n) for n in raw]
            if not numbers or any(n in self.state.blacklist for n in numbers):
                raise Refused(452)
            messages.append((text, numbers))
        if not messages:
            raise Refused(454)
        if sum(len(n) for _, n in messages) > MAX_RECIPIENTS:
            raise Refused(422, "At most 50000 recipients per order")
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
            raise Refused(422)
        try:
            order_id = int(str(data.get("id")).strip())
        except ValueError:
            raise Refused(455) from None
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
        order = self._order(data)
        if order.cancelled_at is None and now < order.send_at:
            raise Refused(456)
        page = _int(data.get("page"), 1)
        row_count = _int(data.get("rowCount"), MAX_ROW_COUNT)
        if page < 1 or not 1 <= row_count <= MAX_ROW_COUNT:
            raise Refused(422, "page from 1, rowCount 1..1000")
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
            raise Refused(422, "filter{start, end} is required")
        start, end = _day(flt.get("start")), _day(flt.get("end"))
        if end < start:
            raise Refused(422, "end is before start")
        if (end - start).days > MAX_RANGE_DAYS:
            raise Refused(458)
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
            raise Refused(422, "page from 1, rowCount 1..1000")
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
            raise Refused(422)
        numbers = [_number(n) for n in listed(data.get("number"))]
        if not numbers:
            raise Refused(452)
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
        raise Refused(422, "expected a whole number") from None


def _day(value: Any) -> dt.date:
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise Refused(422, "dates must be YYYY-MM-DD") from None


def _moment(value: Any) -> dt.datetime:
    try:
        return dt.datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZONE)
    except ValueError:
        raise Refused(422, "dates must be YYYY-MM-DD HH:mm:ss") from None


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
            return respond(exc.code, exc.message, as_json=False)
    as_json = tail.endswith("/json")
    name = tail[: -len("/json")] if as_json else tail
    handler = POST_METHODS.get(name) or (JSON_ONLY.get(name) if as_json else None)
    if request.method != "POST" or handler is None:
        return respond(404, MESSAGES[404], as_json=as_json)
    try:
        tree = parse_request(await request.read(), as_json)
        _authenticate(tree.get("authentication"))
        return respond(200, MESSAGES[200], handler(methods, tree), as_json=as_json)
    except BadRequest:
        return respond(400, MESSAGES[400], as_json=as_json)
    except Refused as exc:
        return respond(exc.code, exc.message, as_json=as_json)
