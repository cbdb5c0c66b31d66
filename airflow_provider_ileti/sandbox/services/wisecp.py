"""Sandbox emulation of a WISECP panel's international SMS client API under ``/wisecp/api/sms/``.

``POST <prefix>/submit | report | balance | prices`` with a JSON body carrying ``user_token``. Only
``submit``'s request and answer and the error envelope ``{"status": "error", "message": ...}`` are public;
the answers of ``report``, ``balance`` and ``prices`` are our guess, documented (and parsed) in one place:
``airflow_provider_ileti/clients/wisecp.py`` ("Wire shapes"). This module produces exactly those shapes.

Behaviour:
- an error is HTTP 200 with the error envelope, as a PHP panel answers (``ERROR_HTTP_STATUS``);
  maintenance is HTTP 503 with the same envelope;
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

NAME = "wisecp"
PREFIX = f"/{NAME}/api/sms"
FUNCTIONS = ("submit", "report", "balance", "prices")

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
        origin = str(body.get("origin") or "").strip()
        message = body.get("message")
        numbers = body.get("numbers")
        if not origin:
            return _error("The origin (sender ID or number) is required.")
        if not isinstance(message, str) or not message.strip():
            return _error("The message is empty.")
        if isinstance(numbers, str):
            numbers = [n for n in numbers.split(",") if n.strip()]
        if not isinstance(numbers, list) or not numbers:
            return _error("No numbers were given.")
        numeric_origin = origin.lstrip("+").isdigit()
        if numeric_origin and len(origin.lstrip("+")) > MAX_ORIGIN_NUMERIC:
            return _error(f"Invalid origin: a numeric sender is at most {MAX_ORIGIN_NUMERIC} digits.")
        if not numeric_origin and (len(origin) > MAX_ORIGIN_ALPHA or not origin.isascii()):
            return _error(f"Invalid origin: a sender ID is at most {MAX_ORIGIN_ALPHA} latin characters.")
        e164: list[str] = []
        countries: list[str] = []
        for raw in numbers:
            if not isinstance(raw, str) or not raw.strip().startswith("+"):
                return _error(f"Invalid number: {raw} (use the international format, +<country code>...)")
            try:
                msisdn = normalize_number(raw)
            except ValidationError:
                return _error(f"Invalid number: {raw}")
            e164.append("+" + msisdn)
            countries.append(country_of(msisdn))
        for country in dict.fromkeys(countries):
            if country not in PRICES:
                return _error(f"SMS to {country} is not available.")
            if not numeric_origin and country in NUMERIC_SENDER_ONLY:
                return _error(f"Only numeric sender IDs can be used for {country}.")
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
        try:
            report_id = int(body.get("report_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return _error("A valid report_id is required.")
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
            return web.json_response(_error(f"Unknown API function: {function}"), status=404)
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            return _respond(_error("The request body must be JSON."))
        if not isinstance(body, dict):
            return _respond(_error("The request body must be a JSON object."))
        if body.get("user_token") != credentials.WISECP_TOKEN:
            return _respond(_error("Invalid user token."))
        if function == "submit":
            return _respond(state.submit(body))
        if function == "report":
            return _respond(state.report(body))
        if function == "balance":
            return _respond(state.balance_answer())
        return _respond(state.prices_answer())

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
