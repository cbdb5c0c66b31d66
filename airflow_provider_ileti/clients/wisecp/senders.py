"""Which sender ID a WISECP send may use to each recipient's country, checked before the request.

What the vendor's document says (WISECP, "Sender ID Management"): the sender ID rules vary by country —
"while sms can be sent with the sender ID in country X, only sms can be sent with the 'numeric' ID to
country Y"; "in general, pre-approval is not required", but "in some countries, a document is required to
send sms with the sender ID", and the panel "warns that it needs pre-approval". It names no country, and
the API lists no rule. So the table here is a guess (``DEFAULT_SENDER_RULES_GUESS``) that a connection
overrides country by country (its ``sender_rules`` extra).

A rule is one of:

- ``any``: an alphanumeric sender ID or a number (the document's "in general");
- ``numeric``: only a number; an alphanumeric sender ID is refused before the request (``ValidationError``
  naming the row, the masked number, the country and the rule);
- ``approval``: an alphanumeric sender ID needs documents approved in advance. A sender listed in the
  rule's ``approved`` passes; any other is warned about once per client (the panel may refuse it), or
  refused before the request when the connection asks for ``strict_sender_rules``.

A numeric sender passes every rule. ``sender_rules`` (a JSON object, or a mapping) maps an ISO 3166
alpha-2 code, or ``*`` for every country not listed, to a rule name or to ``{"rule": ..., "approved":
[...]}``; its entries replace the guess's for the same country (``"US": "any"`` lifts one)::

    {"TR": {"rule": "approval", "approved": ["ILETI"]}, "BR": "numeric", "*": "any"}
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_ileti.clients.wisecp import SERVICE
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number
from airflow_provider_ileti.core.phone import country_of

log = logging.getLogger(__name__)

ANY, NUMERIC, APPROVAL = "any", "numeric", "approval"
RULES = (ANY, NUMERIC, APPROVAL)
#: The key of the rule for every country the table does not list.
OTHER_COUNTRIES = "*"
_COUNTRY = re.compile(r"[A-Z]{2}")

#: GUESS (the document names no country): rules commonly published by upstream SMS gateways in their
#: country guides. ``numeric``: the United States and Canada, whose carriers do not deliver alphanumeric
#: sender IDs. ``approval``: countries whose regulators or carriers require a sender ID to be registered
#: with documents first — Türkiye (BTK/İYS "başlık"), the UAE, Saudi Arabia, India (DLT), Qatar, Kuwait and
#: Egypt. Every other country: ``any``. A connection's ``sender_rules`` overrides any entry; check the
#: upstream provider's list (the document: "you can find out these documents by contacting the service
#: provider") before relying on it.
DEFAULT_SENDER_RULES_GUESS: Mapping[str, str] = {
    "US": NUMERIC,
    "CA": NUMERIC,
    "TR": APPROVAL,
    "AE": APPROVAL,
    "SA": APPROVAL,
    "IN": APPROVAL,
    "QA": APPROVAL,
    "KW": APPROVAL,
    "EG": APPROVAL,
    OTHER_COUNTRIES: ANY,
}


@dataclasses.dataclass(frozen=True)
class CountryRule:
    rule: str
    #: alphanumeric sender IDs already approved there (only an ``approval`` rule reads it)
    approved: frozenset[str] = frozenset()

    def describe(self) -> str:
        if self.rule == APPROVAL and self.approved:
            return f"approval, approved: {', '.join(sorted(self.approved))}"
        return self.rule


@dataclasses.dataclass(frozen=True)
class SenderCheck:
    """What ``SenderRules.check`` found: recipients per country (counted for an alphanumeric sender only: a
    number passes every rule), and the countries whose rule says an alphanumeric sender needs pre-approval
    that this sender is not listed for (JSON-safe ``to_dict``)."""

    sender: str
    numeric_sender: bool
    countries: Mapping[str, int]
    needs_approval: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "numeric_sender": self.numeric_sender,
            "countries": dict(self.countries),
            "needs_approval": list(self.needs_approval),
        }


def is_numeric_sender(sender: str) -> bool:
    return sender.lstrip("+").isdigit()


class SenderRules:
    """A country -> ``CountryRule`` table with a rule for every other country."""

    def __init__(self, table: Mapping[str, CountryRule]) -> None:
        self._table = dict(table)
        self._other = self._table.pop(OTHER_COUNTRIES, CountryRule(ANY))
        #: (sender, country) already warned about by this table's owner (one warning each, not per chunk)
        self._warned: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    @classmethod
    def parse(
        cls, overrides: Any = None, *, base: Mapping[str, Any] = DEFAULT_SENDER_RULES_GUESS
    ) -> SenderRules:
        """``base`` with ``overrides`` (a mapping or its JSON, e.g. the connection's ``sender_rules``) over
        it, country by country; a ``ValidationError`` naming the entry when either is malformed."""
        table = {**_read(base, "sender_rules (default)"), **_read(overrides, "sender_rules")}
        return cls(table)

    def rule_for(self, country: str) -> CountryRule:
        return self._table.get(country, self._other)

    def to_dict(self) -> dict[str, Any]:
        table = {**self._table, OTHER_COUNTRIES: self._other}
        return {c: {"rule": r.rule, "approved": sorted(r.approved)} for c, r in sorted(table.items())}

    def check(self, sender: str, numbers: Iterable[tuple[str, str]], *, strict: bool = False) -> SenderCheck:
        """Refuse ``sender`` for a number whose country cannot take it; ``numbers`` are (row, msisdn) pairs,
        the row naming the field in an error (``messages[0].numbers[3]``). Countries whose ``approval``
        rule does not list ``sender`` are refused when ``strict``, otherwise warned about (once)."""
        numeric = is_numeric_sender(sender)
        if numeric:  # a number passes every rule: no country to look up
            return SenderCheck(sender, True, {}, ())
        counts: dict[str, int] = {}
        pending: list[str] = []
        for row, msisdn in numbers:
            country = country_of(msisdn)
            first = country not in counts
            counts[country] = counts.get(country, 0) + 1
            if not first:
                continue
            rule = self.rule_for(country)
            if rule.rule == NUMERIC:
                raise ValidationError(
                    row,
                    mask_number(msisdn),
                    f"{country} takes only numeric senders, and sender {sender!r} is alphanumeric "
                    f"(sender_rules {country}: {rule.describe()}); send to {country} from a number",
                    service=SERVICE,
                )
            if rule.rule == APPROVAL and sender not in rule.approved:
                if strict:
                    raise ValidationError(
                        row,
                        mask_number(msisdn),
                        f"{country} needs documents approved in advance for an alphanumeric sender, and "
                        f"{sender!r} is not listed as approved there (sender_rules {country}: "
                        f"{rule.describe()}; strict_sender_rules is on): list it once the panel approved "
                        "it, or send from a number",
                        service=SERVICE,
                    )
                pending.append(country)
        needs = tuple(sorted(pending))
        self._warn(sender, needs, counts)
        return SenderCheck(sender, numeric, counts, needs)

    def _warn(self, sender: str, countries: tuple[str, ...], counts: Mapping[str, int]) -> None:
        with self._lock:
            new = [c for c in countries if (sender, c) not in self._warned]
            self._warned.update((sender, c) for c in new)
        if new:
            log.warning(
                "WISECP: sender %r needs pre-approval (documents) in %s; the panel warns or refuses unless "
                "it is approved there. Once approved, list it in the connection's sender_rules "
                '({"%s": {"rule": "approval", "approved": ["%s"]}}); strict_sender_rules=true refuses '
                "such a send before it goes out",
                sender,
                ", ".join(f"{c} ({counts[c]} recipient(s))" for c in new),
                new[0],
                sender,
            )


def country_mapping(value: Any, field: str) -> dict[str, Any]:
    """A per-country setting (a mapping or its JSON text; None or blank: empty) keyed by upper-case ISO
    3166 alpha-2 codes or ``*``: the shape of ``sender_rules`` and of the cost gate's per-country budgets."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError(field, "<text>", "must be a JSON object", service=SERVICE) from None
    if not isinstance(value, Mapping):
        raise ValidationError(field, type(value).__name__, "must be a JSON object", service=SERVICE)
    mapping: dict[str, Any] = {}
    for key, entry in value.items():
        country = str(key).strip().upper()
        if country != OTHER_COUNTRIES and not _COUNTRY.fullmatch(country):
            raise ValidationError(
                f"{field}.{key}", key, "a key is an ISO 3166 alpha-2 code (TR, US) or *", service=SERVICE
            )
        mapping[country] = entry
    return mapping


def _read(value: Any, field: str) -> dict[str, CountryRule]:
    table: dict[str, CountryRule] = {}
    for country, entry in country_mapping(value, field).items():
        rule, approved = (
            (entry.get("rule"), entry.get("approved", ())) if isinstance(entry, Mapping) else (entry, ())
        )
        if rule not in RULES:
            raise ValidationError(
                f"{field}.{country}", rule, f"the rule is one of {', '.join(RULES)}", service=SERVICE
            )
        if (
            isinstance(approved, str)
            or not isinstance(approved, list | tuple)
            or not all(isinstance(s, str) and s.strip() for s in approved)
        ):
            raise ValidationError(
                f"{field}.{country}.approved", approved, "must be a list of sender IDs", service=SERVICE
            )
        table[country] = CountryRule(str(rule), frozenset(s.strip() for s in approved))
    return table
