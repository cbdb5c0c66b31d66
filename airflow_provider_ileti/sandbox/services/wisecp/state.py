"""The sandbox's WISECP client account: balance, prices per country, sender-ID rules and the reports,
which move on the sandbox clock (the rules: the package's docstring)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from airflow_provider_ileti.clients.wisecp.senders import APPROVAL, DEFAULT_SENDER_RULES_GUESS, NUMERIC
from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.sandbox.outcomes import Outcome, outcome_for
from airflow_provider_ileti.sandbox.services.state_base import StateBase
from airflow_provider_ileti.sandbox.services.wisecp.validation import Refused, read_report_id, read_submit

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
#: The panel's sender ID rules are the client's guessed default table (``clients/wisecp/senders.py``, one
#: place), so a client with the default rules and this panel agree. Countries that accept only numeric
#: sender IDs ("only numeric ID to country Y") — an alphanumeric one is a refusal:
NUMERIC_SENDER_ONLY = frozenset(c for c, r in DEFAULT_SENDER_RULES_GUESS.items() if r == NUMERIC)
#: Countries where an alphanumeric sender ID needs documents (pre-approval), and the IDs this account has
#: had approved; any other alphanumeric ID is refused there (a state error: the panel "warns that it needs
#: pre-approval").
DOCUMENT_REQUIRED = frozenset(c for c, r in DEFAULT_SENDER_RULES_GUESS.items() if r == APPROVAL)
APPROVED_SENDERS = frozenset({"ILETI"})


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


class WisecpState(StateBase):
    """Balance and reports of the one sandbox client account."""

    def _clear(self) -> None:
        self.balance = INITIAL_BALANCE
        self.reports: dict[int, Report] = {}
        self._next_id = FIRST_REPORT_ID

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
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
        with self.lock:
            self.balance = float(amount)

    def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        origin, message, numeric_origin, e164, countries = read_submit(body)
        for country in dict.fromkeys(countries):
            if country not in PRICES:
                return error_answer(f"SMS to {country} is not available.")
            if not numeric_origin and country in NUMERIC_SENDER_ONLY:
                raise Refused(
                    "origin", f"numeric for {country}", f"Only numeric sender IDs can be used for {country}."
                )
            if not numeric_origin and country in DOCUMENT_REQUIRED and origin not in APPROVED_SENDERS:
                return error_answer(f"The sender ID {origin} needs pre-approval (documents) for {country}.")
        segments = count_segments(message)
        cost = sum(segments.parts * PRICES[c] for c in countries)
        with self.lock:
            if cost > self.balance + 1e-9:
                return error_answer("Insufficient balance.")
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
        report_id = read_report_id(body)
        with self.lock:
            report = self.reports.get(report_id)
        if report is None:
            return error_answer(f"Report not found: {report_id}")
        return report.answer(self.clock.now())

    def balance_answer(self) -> dict[str, Any]:
        with self.lock:
            return {"status": "successful", "balance": round(self.balance, 4), "currency": CURRENCY}

    def prices_answer(self) -> dict[str, Any]:
        return {"status": "successful", "currency": CURRENCY, "prices": dict(PRICES)}


def error_answer(message: str) -> dict[str, Any]:
    """The client API's error envelope (HTTP status: ``handlers.ERROR_HTTP_STATUS``)."""
    return {"status": "error", "message": message}
