"""One-time codes derived from a shared key and a request id, so no code is ever stored.

A code a DAG receives as a run parameter is stored by Airflow (the run's conf, shown in the UI); one made
by an upstream task lands in XCom. Instead, the send derives it where it is used: ``derive_code(key,
request_id)`` is HMAC-SHA256 of the request id under the key, cut to ``digits`` digits the way HOTP
(RFC 4226) cuts its HMAC. The login service that asked for the code (it chose the request id, e.g. the DAG
run id it triggered) holds the same key and checks what the person typed with ``verify_code``; a retried
task derives the same code, so a resend cannot make the first SMS wrong. The key lives in an Airflow
connection's password (masked everywhere); request ids must be unique per login attempt and the login
service keeps its own expiry and attempt count, as it would for any OTP.
"""

from __future__ import annotations

import hashlib
import hmac

from airflow_provider_ileti.core.errors import ValidationError

#: Shortest key accepted: 128 bits as text (RFC 4226 asks for at least 128 bits of key).
MIN_KEY_LENGTH = 16
DIGITS_RANGE = (4, 10)


def derive_code(key: str, request_id: str, digits: int = 6) -> str:
    """The ``digits``-digit code for ``request_id`` under ``key`` (same inputs, same code)."""
    if not isinstance(key, str) or len(key) < MIN_KEY_LENGTH:
        raise ValidationError("code key", "<not shown>", f"must be a text of {MIN_KEY_LENGTH}+ characters")
    if not isinstance(request_id, str) or not request_id.strip():
        raise ValidationError("request_id", request_id, "must be a non-empty text, unique per request")
    low, high = DIGITS_RANGE
    if isinstance(digits, bool) or not isinstance(digits, int) or not low <= digits <= high:
        raise ValidationError("code_digits", digits, f"must be an integer from {low} to {high}")
    mac = hmac.new(key.encode("utf-8"), request_id.encode("utf-8"), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F  # RFC 4226 dynamic truncation
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def verify_code(key: str, request_id: str, typed: str, digits: int = 6) -> bool:
    """What the login service runs: does ``typed`` match the code sent for ``request_id``?"""
    return hmac.compare_digest(derive_code(key, request_id, digits), str(typed).strip())
