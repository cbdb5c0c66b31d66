"""Reading WISECP's ``report``, ``balance`` and ``prices`` answers, whose shapes no document shows.

A WISECP panel is PHP: the same data may come back as an object keyed by country or by row number (a PHP
array), as a list of rows, with numbers as strings (``"0.062"``, ``"0,062"``) and under a few likely names.
Each reader below accepts the common shapes and raises a ``ProtocolError`` that names the shape it met
otherwise — never a silent zero or an empty table. The sandbox answers the first shape of each docstring.
``interpret_answer`` reads the envelope of every answer (success, the panel's error, HTTP statuses) and is
the only code that reads the guessed shapes' errors. Shared by the sync and async clients; no I/O.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.clients.http import Answer, parse_retry_after
from airflow_provider_ileti.clients.wisecp import SERVICE
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    IletiError,
    InsufficientCreditError,
    NotFoundError,
    ProtocolError,
    ServiceError,
    TransientError,
)
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


#: The HTTP status that proves a submit was refused before the panel accepted it: safe to send again.
TOO_MANY_REQUESTS = 429


#: A 503 is "surely not accepted" only when its message says maintenance (the panel's own answer, checked
#: before it handles the request). Guess, from the panel's maintenance page; a 503 from a proxy in front of
#: the panel proves nothing and is ambiguous for a submit.
MAINTENANCE_STATUS = 503


MAINTENANCE_FRAGMENT = "maintenance"


#: The panel's error messages are free text: our error class by a lower-case fragment, first match wins.
#: Guess, from the messages a WISECP panel shows (and the sandbox answers).
ERROR_PATTERNS: tuple[tuple[str, type[IletiError]], ...] = (
    ("maintenance", TransientError),
    ("try again", TransientError),
    ("token", AuthenticationError),
    ("unauthori", AuthenticationError),
    ("insufficient", InsufficientCreditError),
    ("balance", InsufficientCreditError),
    ("credit", InsufficientCreditError),
    ("not found", NotFoundError),
)


_MAX_SERVER_MESSAGE = 200


def interpret_answer(answer: Answer) -> dict[str, Any]:
    """The successful answer's JSON object, or the error it means (shared by the sync and async clients).

    A 429 and the maintenance answer refuse before the panel acts: ``TransientError(maybe_processed=False)``,
    with the ``Retry-After`` they gave. Another 5xx is transient and may have been processed; an answer
    that is not JSON is ``WrongAnswerKindError`` (status, content type, a masked excerpt). Whether a failure
    makes a submit ambiguous is the client's decision, not this function's.
    """
    function, status = answer.what, answer.status
    parsed = answer.json_or_none()
    body = parsed if isinstance(parsed, dict) else None
    message = _server_message(body)
    maintenance = status == MAINTENANCE_STATUS and MAINTENANCE_FRAGMENT in message.lower()
    if status == TOO_MANY_REQUESTS or maintenance:
        raise TransientError(
            f"{function}: HTTP {status}{': ' + message if message else ''}",
            service=SERVICE,
            http_status=status,
            retry_after=parse_retry_after(answer.retry_after),
            maybe_processed=False,
        )
    if status >= 500:
        raise TransientError(
            f"{function}: HTTP {status} from the panel or a proxy ({answer.describe()})",
            service=SERVICE,
            http_status=status,
            retry_after=parse_retry_after(answer.retry_after),
        )
    if body is not None and body.get("status") == "successful":
        return body
    if body is not None and body.get("status") == "error":
        raise _error_for(function, message or "error without a message", status)
    if status in (401, 403):
        raise AuthenticationError(f"{function}: HTTP {status}", service=SERVICE, http_status=status)
    if status == 404:
        raise ServiceError(
            f"{function}: HTTP 404 — is the connection's host the panel's SMS API URL?",
            service=SERVICE,
            http_status=status,
        )
    if parsed is None:
        raise answer.wrong_kind("JSON")
    raise ProtocolError(
        f"{function}: unexpected answer, not the panel's envelope ({answer.describe()})",
        service=SERVICE,
        http_status=status,
    )


def combine_reports(reference: str, reports: list[WisecpReport]) -> DeliveryStatus:
    """One delivery state for a reference that may span several submits (report ids joined by ``,``)."""
    if len(reports) == 1:
        status = reports[0].to_status()
        return dataclasses.replace(status, reference=reference)
    phases = {r.phase for r in reports}
    if phases == {DeliveryPhase.COMPLETE}:
        phase = DeliveryPhase.COMPLETE
    elif phases == {DeliveryPhase.PENDING}:
        phase = DeliveryPhase.PENDING
    else:
        phase = DeliveryPhase.SENT
    return DeliveryStatus(
        reference=reference,
        phase=phase,
        total=sum(r.total for r in reports),
        delivered=sum(r.delivered for r in reports),
        undelivered=sum(r.undelivered for r in reports),
        pending=sum(r.waiting for r in reports),
        raw_state=",".join(r.state for r in reports),
    )


def _server_message(body: dict[str, Any] | None) -> str:
    if not body:
        return ""
    return str(body.get("message") or "")[:_MAX_SERVER_MESSAGE]


def _error_for(function: str, message: str, http_status: int) -> IletiError:
    """The error for the panel's ``{"status": "error"}`` envelope. A transient one ("maintenance", "try
    again") is a refusal the panel answered before acting, so a submit may be repeated after it."""
    lowered = message.lower()
    for fragment, cls in ERROR_PATTERNS:
        if fragment in lowered:
            if issubclass(cls, TransientError):
                return TransientError(
                    f"{function}: {message}", service=SERVICE, http_status=http_status, maybe_processed=False
                )
            return cls(f"{function}: {message}", service=SERVICE, http_status=http_status)
    return ServiceError(f"{function}: {message}", service=SERVICE, http_status=http_status)
