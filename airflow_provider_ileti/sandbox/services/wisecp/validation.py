"""What a WISECP client API request must carry (``FIELDS``: every field required, no other accepted) and
the rules of its values; a request that breaks them is ``Refused``: answered with the error envelope naming
the field and counted as a refusal (``sandbox/refusals.py``).
"""

from __future__ import annotations

from typing import Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import country_of, normalize_number

#: Each function's fields (the seed's client API: every one required, no other accepted).
FIELDS: dict[str, tuple[str, ...]] = {
    "submit": ("user_token", "origin", "message", "numbers"),
    "report": ("user_token", "report_id"),
    "balance": ("user_token",),
    "prices": ("user_token",),
}
FUNCTIONS = tuple(FIELDS)

MAX_ORIGIN_ALPHA = 11
MAX_ORIGIN_NUMERIC = 15


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


def read_submit(body: dict[str, Any]) -> tuple[str, str, bool, list[str], list[str]]:
    """``submit``'s fields read by the document's rules: origin (stripped), message, whether the origin is
    numeric, the numbers in E.164 and each number's country."""
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
    return origin, message, numeric_origin, e164, countries


def read_report_id(body: dict[str, Any]) -> int:
    """``report``'s fields read by the document's rules: the report id."""
    check_fields("report", body)
    raw = body["report_id"]
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
        raise Refused("report_id", "a report id (digits)", "A valid report_id is required.")
    return int(raw)
