"""Reading WISECP's ``report``, ``balance`` and ``prices`` answers, whose shapes no document shows.

A WISECP panel is PHP: the same data may come back as an object keyed by country or by row number (a PHP
array), as a list of rows, with numbers as strings (``"0.062"``, ``"0,062"``) and under a few likely names.
Each reader below accepts the common shapes and raises a ``ProtocolError`` that names the shape it met
otherwise — never a silent zero or an empty table. The sandbox answers the first shape of each docstring.
Shared by the sync and async clients; imports no HTTP library.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.clients.wisecp import SERVICE
from airflow_provider_ileti.core.errors import ProtocolError
from airflow_provider_ileti.core.models import Balance, DeliveryPhase, DeliveryStatus

#: report ``state`` that says the report is final.
REPORT_STATE_COMPLETED = "completed"
#: Where a report's per-number rows or a price table may sit, first match wins.
REPORT_ROW_KEYS = ("numbers", "messages", "reports", "details", "results", "rows")
REPORT_NESTED_KEYS = ("report", "data", "result")
PRICE_TABLE_KEYS = ("prices", "data", "countries")
#: A row's fields, by the names panels use.
NUMBER_KEYS = ("number", "phone", "msisdn", "gsm", "to", "recipient")
STATUS_KEYS = ("status", "state", "delivery_status")
COUNTRY_KEYS = ("country", "country_code", "code", "iso", "iso2", "cc")
PRICE_KEYS = ("price", "amount", "cost", "sale", "sale_price", "price_per_sms")
#: A number's delivery word -> ours (lower case). Guess: the words SMS panels use.
NUMBER_STATES = {
    **dict.fromkeys(("delivered", "success", "successful", "ok"), "delivered"),
    **dict.fromkeys(
        ("undelivered", "failed", "fail", "error", "rejected", "expired", "not delivered"), "undelivered"
    ),
    **dict.fromkeys(
        ("waiting", "pending", "queued", "sent", "sending", "processing", "submitted"), "waiting"
    ),
}
COUNTS = ("delivered", "undelivered", "waiting")
_ISO2 = re.compile(r"[A-Za-z]{2}")


@dataclasses.dataclass(frozen=True)
class WisecpReport:
    """One submit's delivery report."""

    report_id: str
    state: str
    total: int
    delivered: int
    undelivered: int
    waiting: int
    created_at: str | None = None
    parts: int | None = None
    cost: float | None = None
    #: (number, "waiting" | "delivered" | "undelivered")
    numbers: tuple[tuple[str, str], ...] = ()

    @property
    def phase(self) -> DeliveryPhase:
        if self.state == REPORT_STATE_COMPLETED or (self.total and not self.waiting):
            return DeliveryPhase.COMPLETE
        if self.delivered or self.undelivered:
            return DeliveryPhase.SENT
        return DeliveryPhase.PENDING

    def to_status(self) -> DeliveryStatus:
        return DeliveryStatus(
            reference=self.report_id,
            phase=self.phase,
            total=self.total,
            delivered=self.delivered,
            undelivered=self.undelivered,
            pending=self.waiting,
            raw_state=self.state,
        )


def parse_report(body: Mapping[str, Any], report_id: str) -> WisecpReport:
    """``{"report_id", "state", "created_at", "origin", "parts", "cost", "total", "delivered",
    "undelivered", "waiting", "numbers": [{"number", "status"}]}``, or: counts as strings, rows keyed by
    number (``{"+44…": "delivered"}``) or by row number, rows under ``messages``/``reports``…, the whole
    report under ``report``/``data``. Counts given win over counts from the rows."""
    what = f"report {report_id}"
    data = _nested(body, REPORT_NESTED_KEYS, REPORT_ROW_KEYS + ("total", *COUNTS))
    found = _report_rows(data, what)
    given = {key: _whole(data.get(key), f"{what}: '{key}'") for key in ("total", *COUNTS)}
    if found is None and all(value is None for value in given.values()):
        raise ProtocolError(
            f"{what}: unexpected answer: no counts and no rows (keys: {_keys(data)})", service=SERVICE
        )
    rows = found or ()
    counted = {s: sum(1 for _, st in rows if st == s) for s in COUNTS}
    counts: dict[str, int] = {}
    for name in COUNTS:
        value = given[name]
        counts[name] = value if value is not None else counted[name]
    given_total = given["total"]
    total = given_total if given_total is not None else (len(rows) or sum(counts.values()))
    if given["waiting"] is None and rows == () and given["total"] is not None:
        counts["waiting"] = max(0, total - counts["delivered"] - counts["undelivered"])
    return WisecpReport(
        report_id=str(data.get("report_id", body.get("report_id", report_id))),
        state=str(data.get("state") or ""),
        total=total,
        delivered=counts["delivered"],
        undelivered=counts["undelivered"],
        waiting=counts["waiting"],
        created_at=data.get("created_at"),
        parts=_whole(data.get("parts"), f"{what}: 'parts'"),
        cost=_amount(data.get("cost"), f"{what}: 'cost'"),
        numbers=rows,
    )


def parse_balance(body: Mapping[str, Any]) -> Balance:
    """``{"balance": 12.5, "currency": "EUR"}`` (the amount may be a string, with a decimal comma)."""
    amount = _amount(body.get("balance", body.get("credit")), "balance: 'balance'")
    if amount is None:
        raise ProtocolError(
            f"balance: unexpected answer: no 'balance' (keys: {_keys(body)})", service=SERVICE
        )
    return Balance(amount=amount, currency=body.get("currency"))


def parse_prices(body: Mapping[str, Any]) -> tuple[str | None, dict[str, float]]:
    """``{"currency": "EUR", "prices": {"US": 0.062, …}}``, or: string numbers, a list of rows
    (``[{"country": "US", "price": "0.062"}]``), an object keyed by row number or by country with row
    objects as values, under ``prices``/``data``/``countries``. Country codes are ISO 3166 alpha-2."""
    table = next((body[k] for k in PRICE_TABLE_KEYS if k in body), None)
    if table is None:
        raise ProtocolError(
            f"prices: unexpected answer: no prices table (keys: {_keys(body)})", service=SERVICE
        )
    if isinstance(table, Mapping):
        items: list[tuple[str | None, Any]] = [(str(k), v) for k, v in table.items()]
    elif isinstance(table, list):
        items = [(None, v) for v in table]
    else:
        raise ProtocolError(
            f"prices: unexpected answer: the table is a {type(table).__name__}, not an object keyed by "
            "country or number, nor a list of rows",
            service=SERVICE,
        )
    prices: dict[str, float] = {}
    currencies: set[str] = set()
    for index, (key, value) in enumerate(items):
        where = f"prices: row {key if key is not None else index}"
        if isinstance(value, Mapping):
            country = _first(value, COUNTRY_KEYS)
            if country is None and key is not None and not key.isdigit():
                country = key
            if country is None:
                raise ProtocolError(f"{where} has no country ({_keys(value)})", service=SERVICE)
            raw_price = _first(value, PRICE_KEYS)
            if raw_price is None:
                raise ProtocolError(f"{where} has no price ({_keys(value)})", service=SERVICE)
            if value.get("currency"):
                currencies.add(str(value["currency"]))
        elif key is not None and not isinstance(value, list):
            country, raw_price = key, value
        else:
            raise ProtocolError(
                f"{where} is a {type(value).__name__}, not an object or a price", service=SERVICE
            )
        code = str(country).strip()
        if not _ISO2.fullmatch(code):
            raise ProtocolError(
                f"{where}: country {code[:20]!r} is not an ISO 3166 alpha-2 code", service=SERVICE
            )
        price = _amount(raw_price, f"{where} ({code.upper()})")
        if price is None:
            raise ProtocolError(f"{where} ({code.upper()}) has no price", service=SERVICE)
        prices[code.upper()] = price
    currency = body.get("currency")
    if currency is None and len(currencies) > 1:
        raise ProtocolError(
            f"prices: rows in several currencies ({', '.join(sorted(currencies))})", service=SERVICE
        )
    if currency is None and currencies:
        currency = next(iter(currencies))
    return (str(currency) if currency is not None else None), prices


def _report_rows(data: Mapping[str, Any], what: str) -> tuple[tuple[str, str], ...] | None:
    container_key = next((k for k in REPORT_ROW_KEYS if k in data), None)
    if container_key is None:
        return None
    container = data[container_key]
    if isinstance(container, Mapping):
        pairs: list[tuple[str | None, Any]] = [(str(k), v) for k, v in container.items()]
    elif isinstance(container, list):
        pairs = [(None, v) for v in container]
    else:
        raise ProtocolError(
            f"{what}: unexpected answer: '{container_key}' is a {type(container).__name__}, not rows",
            service=SERVICE,
        )
    rows = []
    for index, (key, value) in enumerate(pairs):
        where = f"{what}: row {key if key is not None else index}"
        if isinstance(value, Mapping):
            number, status = _first(value, NUMBER_KEYS), _first(value, STATUS_KEYS)
            if number is None and key is not None and not key.isdigit():
                number = key
            if status is None:
                raise ProtocolError(f"{where} has no status ({_keys(value)})", service=SERVICE)
        elif key is not None and isinstance(value, str):
            number, status = key, value
        else:
            raise ProtocolError(f"{where} is a {type(value).__name__}, not a row", service=SERVICE)
        word = NUMBER_STATES.get(str(status).strip().lower())
        if word is None:
            raise ProtocolError(f"{where}: unknown status {str(status)[:30]!r}", service=SERVICE)
        rows.append((str(number or ""), word))
    return tuple(rows)


def _nested(body: Mapping[str, Any], nests: tuple[str, ...], wanted: tuple[str, ...]) -> Mapping[str, Any]:
    """``body``, or the object under one of ``nests`` when only that one holds what is ``wanted``."""
    if any(k in body for k in wanted):
        return body
    for key in nests:
        inner = body.get(key)
        if isinstance(inner, Mapping) and any(k in inner for k in wanted):
            return inner
    return body


def _first(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    return next((row[n] for n in names if row.get(n) not in (None, "")), None)


def _whole(value: Any, what: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ProtocolError(f"{what} is {str(value)[:20]!r}, not a whole number", service=SERVICE)


def _amount(value: Any, what: str) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ProtocolError(f"{what} is {value!r}, not an amount", service=SERVICE)
    try:
        amount = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ProtocolError(f"{what} is {str(value)[:20]!r}, not an amount", service=SERVICE) from None
    if amount < 0 or amount != amount:
        raise ProtocolError(f"{what} is {amount}, not an amount >= 0", service=SERVICE)
    return amount


def _keys(data: Any) -> str:
    return ", ".join(sorted(str(k) for k in data)[:10]) if isinstance(data, Mapping) else type(data).__name__
