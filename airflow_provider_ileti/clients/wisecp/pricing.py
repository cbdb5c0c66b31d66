"""What a WISECP send costs: SMS parts x the price of each recipient's country (the panel's ``prices``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.clients.wisecp import SERVICE
from airflow_provider_ileti.core.errors import ProtocolError, ValidationError


@dataclasses.dataclass(frozen=True)
class CountryCost:
    country: str
    recipients: int
    price: float
    cost: float


@dataclasses.dataclass(frozen=True)
class CostEstimate:
    """What a text to some numbers costs: parts x the price of each recipient's country."""

    total: float
    currency: str | None
    parts: int
    encoding: str
    recipients: int
    by_country: tuple[CountryCost, ...]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["by_country"] = [dataclasses.asdict(c) for c in self.by_country]
        return data


@dataclasses.dataclass(frozen=True)
class BalanceCheck:
    """What ``check_quota`` found: the planned cost against the balance (JSON-safe via ``to_dict``)."""

    needed: float
    balance: float
    currency: str | None
    recipients: int
    parts: int
    #: How the cost was priced: ``"by country"`` (numbers known), ``"country XX"`` or ``"worst case XX"``
    #: (only counts known: the given country's price, else the dearest one in the table).
    priced: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


PLANNED_RULE = "a SendBatch, SMS parts, (text, [numbers]) or (text, recipients) pairs"


def count_price(table: Mapping[str, float], country: str | None) -> tuple[float, str]:
    """Price of one part when only counts are known: ``country``'s, else the dearest (worst case)."""
    if not table:
        raise ProtocolError("prices: the panel lists no country", service=SERVICE)
    if country is not None:
        code = str(country).strip().upper()
        if code not in table:
            raise ValidationError("country", country, "WISECP has no price for this country", service=SERVICE)
        return float(table[code]), f"country {code}"
    dearest = max(table, key=lambda c: float(table[c]))
    return float(table[dearest]), f"worst case {dearest}"
