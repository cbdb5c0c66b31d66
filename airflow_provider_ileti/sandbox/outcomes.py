"""Deterministic delivery outcomes, so tests can assert counts.

The rule, the same for every service: a number whose last digit is

- ``9`` is **not delivered** (the operator reports failure),
- ``8`` **times out** (no report before validity ends; counted as undelivered),
- anything else is **delivered**.
"""

from __future__ import annotations

import enum


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    EXPIRED = "expired"


def outcome_for(number: str) -> Outcome:
    digits = [c for c in str(number) if c.isdigit()]
    last = digits[-1] if digits else "0"
    if last == "9":
        return Outcome.UNDELIVERED
    if last == "8":
        return Outcome.EXPIRED
    return Outcome.DELIVERED
