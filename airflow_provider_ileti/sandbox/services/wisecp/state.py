"""Sandbox emulation of a WISECP panel's international SMS client API under ``/wisecp/api/sms/``.

``POST <prefix>/submit | report | balance | prices`` with a JSON body carrying ``user_token``. Only
``submit``'s request and answer and the error envelope ``{"status": "error", "message": ...}`` are public;
the answers of ``report``, ``balance`` and ``prices`` are our guess, documented (and parsed) in one place:
``clients/wisecp/answers.py``; this module produces exactly those shapes.

Behaviour:
- an error is HTTP 200 with the error envelope, as a PHP panel answers (``ERROR_HTTP_STATUS``);
  maintenance is HTTP 503 with the same envelope;
- strict by the seed's client API (``docs/sandbox.md``): each function takes exactly its documented fields,
  all required (``FIELDS``); an unknown or missing field, a bad value, an unparsable body or an unknown
  function is answered with the error envelope naming the field and counted as a refusal; a wrong token,
  no price, pre-approval, the balance and an unknown report are state errors, not refusals;
- ``submit`` checks the token, fields, numbers, a price for every recipient's country, the sender-ID rules
  per country, and the balance (cost = parts x price of each recipient's country), then debits it;
- delivery is deterministic (``sandbox/outcomes.py``) and follows the sandbox clock: every number waits
  ``DELIVERY_SECONDS``, then is delivered or undelivered; numbers that "time out" wait until
  ``EXPIRY_SECONDS`` and then count as undelivered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from typing import Any

from aiohttp import web

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import country_of, normalize_number
from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.clock import Clock
from airflow_provider_ileti.sandbox.outcomes import Outcome, outcome_for
from airflow_provider_ileti.sandbox.refusals import refuse

NAME = "wisecp"
PREFIX = f"/{NAME}/api/sms"
#: Each function's fields (the seed's client API: every one required, no other accepted).
FIELDS: dict[str, tuple[str, ...]] = {
    "submit": ("user_token", "origin", "message", "numbers"),
    "report": ("user_token", "report_id"),
    "balance": ("user_token",),
    "prices": ("user_token",),
}
FUNCTIONS = tuple(FIELDS)

#: A PHP panel answers its own errors with 200 and ``{"status": "error"}``; only maintenance is a 503.
ERROR_HTTP_STATUS = 200
CURRENCY = "EUR"
INITIAL_BALANCE = 100.0
FIRST_REPORT_ID = 1001
#: Virtual seconds from submit to a delivery report, and to giving up on a number that never answers.
DELIVERY_SECONDS = 30.0
EXPIRY_SECONDS = 600.0

#: Sale price of one SMS part per country (EUR). US and DE are the vendor's own examples; the rest are
#: plausible figures. A country missing here is not served ("no price").
PRICES: dict[str, float] = {
    "US": 0.062,
    "DE": 0.1234,
    "GB": 0.045,
    "GG": 0.05,
    "FR": 0.075,
    "NL": 0.09,
    "AZ": 0.11,
    "AE": 0.04,
    "CA": 0.03,
    "TR": 0.025,
}
#: Countries that accept only numeric sender IDs ("only numeric ID to country Y").
NUMERIC_SENDER_ONLY = frozenset({"US", "CA"})
#: Countries where an alphanumeric sender ID needs documents (pre-approval), and the IDs approved.
DOCUMENT_REQUIRED = frozenset({"TR", "AE"})
APPROVED_SENDERS = frozenset({"ILETI"})
MAX_ORIGIN_ALPHA = 11
MAX_ORIGIN_NUMERIC = 15

MAINTENANCE_MESSAGE = "The system is under maintenance. Please try again later."


@dataclasses.dataclass
class Report:
    report_id: int
    created_at: dt.datetime
    origin: str
    parts: int
    encoding: str
    numbers: list[str]  # E.164
    cost: float

    def number_states(self, now: dt.datetime) -> list[dict[str, str]]:
        elapsed = (now - self.created_at).total_seconds()
        rows = []
        for number in self.numbers:
            outcome = outcome_for(number)
            if outcome is Outcome.EXPIRED:
                status = "undelivered" if elapsed >= EXPIRY_SECONDS else "waiting"
            elif elapsed < DELIVERY_SECONDS:
                status = "waiting"
            else:
                status = "delivered" if outcome is Outcome.DELIVERED else "undelivered"
            rows.append({"number": number, "status": status})
        return rows

    def answer(self, now: dt.datetime) -> dict[str, Any]:
        rows = self.number_states(now)
        counts = {
            s: sum(1 for r in rows if r["status"] == s) for s in ("delivered", "undelivered", "waiting")
        }
        return {
            "status": "successful",
            "report_id": self.report_id,
            "state": "processing" if counts["waiting"] else "completed",
            "created_at": self.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "origin": self.origin,
            "parts": self.parts,
            "cost": round(self.cost, 4),
            "total": len(rows),
            **counts,
            "numbers": rows,
        }


class Refused(Exception):
    """A request that breaks the client API's document: answered ``{"status": "error"}`` and counted."""

    def __init__(self, field: str, rule: str, message: str | None = None) -> None:
        super().__init__(f"{field}: {rule}")
        self.reason = f"{field}: {rule}"
        self.message = f"{message} ({self.reason})" if message else f"Invalid request: {self.reason}."


def check_fields(function: str, body: dict[str, Any]) -> None:
    for name in body:
        if name not in FIELDS[function]:
            raise Refused(name, "unknown field")
    for name in FIELDS[function]:
        if body.get(name) in (None, "", []):
            raise Refused(name, "required")


class WisecpState:
    """Balance and reports of the one sandbox client account."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.balance = INITIAL_BALANCE
            self.reports: dict[int, Report] = {}
            self._next_id = FIRST_REPORT_ID

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            reports = list(self.reports.values())
            balance = self.balance
        return {
            "balance": round(balance, 4),
            "currency": CURRENCY,
            "reports": [
                {
                    "report_id": r.report_id,
                    "origin": r.origin,
                    "recipients": len(r.numbers),
                    "parts": r.parts,
                    "cost": round(r.cost, 4),
                    "created_at": r.created_at.isoformat(),
                }
                for r in reports
            ],
        }

    def set_balance(self, amount: float) -> None:
        with self._lock:
            self.balance = float(amount)

    def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        check_fields("submit", body)
        origin, message, numbers = body["origin"], body["message"], body["numbers"]
        if not isinstance(origin, str) or not origin.strip():
            raise Refused("origin", "a sender ID or number", "The origin (sender ID or number) is required.")
        origin = origin.strip()
        if not isinstance(message, str) or not message.strip():
            raise Refused("message", "a non-empty text", "The message is empty.")
        if not isinstance(numbers, list):
            raise Refused("numbers", "a list of numbers (+<country code>...)", "numbers must be a list.")
        numeric_origin = origin.lstrip("+").isdigit()
        if numeric_origin and len(origin.lstrip("+")) > MAX_ORIGIN_NUMERIC:
            raise Refused(
                "origin",
                f"at most {MAX_ORIGIN_NUMERIC} digits",
                f"Invalid origin: a numeric sender is at most {MAX_ORIGIN_NUMERIC} digits.",
            )
        if not numeric_origin and (len(origin) > MAX_ORIGIN_ALPHA or not origin.isascii()):
            raise Refused(
                "origin",
                f"at most {MAX_ORIGIN_ALPHA} latin characters",
                f"Invalid origin: a sender ID is at most {MAX_ORIGIN_ALPHA} latin characters.",
            )
        e164: list[str] = []
        countries: list[str] = []
        for i, raw in enumerate(numbers):
            if not isinstance(raw, str) or not raw.strip().startswith("+"):
                raise Refused(
                    f"numbers[{i}]",
                    "the international format",
                    f"Invalid number: {raw} (use the international format, +<country code>...)",
                )
            try:
                msisdn = normalize_number(raw)
            except ValidationError:
                raise Refused(f"numbers[{i}]", "a valid number", f"Invalid number: {raw}") from None
            e164.append("+" + msisdn)
            countries.append(country_of(msisdn))
        for country in dict.fromkeys(countries):
            if country not in PRICES:
                return _error(f"SMS to {country} is not available.")
            if not numeric_origin and country in NUMERIC_SENDER_ONLY:
                raise Refused(
                    "origin", f"numeric for {country}", f"Only numeric sender IDs can be used for {country}."
                )
            if not numeric_origin and country in DOCUMENT_REQUIRED and origin not in APPROVED_SENDERS:
                return _error(f"The sender ID {origin} needs pre-approval (documents) for {country}.")
        segments = count_segments(message)
        cost = sum(segments.parts * PRICES[c] for c in countries)
        with self._lock:
            if cost > self.balance + 1e-9:
                return _error("Insufficient balance.")
            self.balance -= cost
            report = Report(
                report_id=self._next_id,
                created_at=self.clock.now(),
                origin=origin,
                parts=segments.parts,
                encoding=segments.encoding,
                numbers=e164,
                cost=cost,
            )
            self.reports[report.report_id] = report
            self._next_id += 1
        return {"status": "successful", "report_id": report.report_id}

    def report(self, body: dict[str, Any]) -> dict[str, Any]:
        check_fields("report", body)
        raw = body["report_id"]
        if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
            raise Refused("report_id", "a report id (digits)", "A valid report_id is required.")
        report_id = int(raw)
        with self._lock:
            report = self.reports.get(report_id)
        if report is None:
            return _error(f"Report not found: {report_id}")
        return report.answer(self.clock.now())

    def balance_answer(self) -> dict[str, Any]:
        with self._lock:
            return {"status": "successful", "balance": round(self.balance, 4), "currency": CURRENCY}

    def prices_answer(self) -> dict[str, Any]:
        return {"status": "successful", "currency": CURRENCY, "prices": dict(PRICES)}


def _error(message: str) -> dict[str, Any]:
    return {"status": "error", "message": message}


def _respond(payload: dict[str, Any]) -> web.Response:
    status = ERROR_HTTP_STATUS if payload.get("status") == "error" else 200
    return web.json_response(payload, status=status)


def register(app: web.Application, sandbox: Any) -> None:
    state = WisecpState(sandbox.clock)
    sandbox.services[NAME] = state

    async def handle(request: web.Request) -> web.StreamResponse:
        function = request.match_info["function"]
        if function not in FUNCTIONS:
            refuse(request, f"function: unknown ({function[:40]})")
            return web.json_response(_error(f"Unknown API function: {function}"), status=404)
        try:
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError:
                raise Refused("body", "JSON", "The request body must be JSON.") from None
            if not isinstance(body, dict):
                raise Refused("body", "a JSON object", "The request body must be a JSON object.")
            if body.get("user_token") in (None, ""):
                raise Refused("user_token", "required", "The user token is required.")
            if body.get("user_token") != credentials.WISECP_TOKEN:
                return _respond(_error("Invalid user token."))
            if function == "submit":
                return _respond(state.submit(body))
            if function == "report":
                return _respond(state.report(body))
            check_fields(function, body)
            if function == "balance":
                return _respond(state.balance_answer())
            return _respond(state.prices_answer())
        except Refused as exc:
            refuse(request, exc.reason)
            return _respond(_error(exc.message))

    app.router.add_post(PREFIX + "/{function}", handle)
    sandbox.maintenance_responders[NAME] = lambda: web.json_response(_error(MAINTENANCE_MESSAGE), status=503)


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {
        "wisecp_default": {
            "conn_type": "wisecp",
            "host": base_url.rstrip("/") + PREFIX,
            "password": credentials.WISECP_TOKEN,
            "extra": {"default_sender": "ILETI", "timeout": 10},
        }
    }
