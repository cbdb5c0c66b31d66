"""The ONE mapping of the Node API's ``err`` envelope (and HTTP statuses) to ``core.errors``.

The vendor document does not show the shape of a non-null ``err``; public clients see
``{"status": <http>, "code": "ERR_…", "message": "…"}``. We accept a code string (``"SMS06"``), a name
(``"ERR_SMS_PKG_NOT_FOUND"``) or an object carrying either under ``code``/``name``/``message``/
``description``.
Messages carry the code, the name and the vendor's meaning, never a request body or a credential.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.clients.node import SERVICE
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    DuplicateError,
    IletiError,
    InsufficientCreditError,
    NotChangeableError,
    NotFoundError,
    ProtocolError,
    ServiceError,
    TransientError,
)

#: SMSnn -> (ERR_ name, the vendor's meaning)
CODES: dict[str, tuple[str, str]] = {
    "SMS00": ("ERR_BAD_REQUEST", "bad or illegal request"),
    "SMS01": ("ERR_USER_NOT_AUTHORIZED", "not allowed for this user"),
    "SMS02": ("ERR_BLACKLIST_RECORD_ALREADY_EXISTS", "already on the global black list"),
    "SMS03": ("ERR_PARENT_USER_NOT_FOUND", "parent user not found"),
    "SMS04": ("ERR_USER_ALREADY_EXISTS", "a user with this name exists"),
    "SMS05": ("ERR_INVALID_PRICING_PLAN", "invalid pricing plan"),
    "SMS06": ("ERR_SMS_PKG_NOT_FOUND", "no such SMS package"),
    "SMS07": ("ERR_SMS_PKG_NOT_CHANGEABLE", "the package can no longer be changed"),
    "SMS08": ("ERR_INVALID_SMS_SENDING_DATE", "sending date invalid or in the past"),
    "SMS09": ("ERR_CONTACT_GROUP_ALREADY_EXISTS", "the contact group exists"),
    "SMS10": ("ERR_PARENT_CONTACT_GROUP_NOT_FOUND", "contact group not found"),
    "SMS11": ("ERR_PARENT_CONTACT_GROUP_NOT_EMPTY", "the target group cannot be a parent: it has content"),
    "SMS12": ("ERR_CONTACT_ALREADY_EXISTS", "a contact with this number exists"),
    "SMS13": ("ERR_CONTACT_IMPORT_EXISTS", "an import is still pending"),
    "SMS14": ("ERR_FILE_NOT_FOUND", "file not found"),
    "SMS15": ("ERR_CONTACT_IMPORT_FAILED", "contact import failed"),
    "SMS16": ("ERR_USER_NOT_FOUND", "user not found"),
    "SMS17": ("ERR_CREDIT_PLAN_NOT_FOUND", "credit plan not found"),
    "SMS18": ("ERR_USER_CREDIT_REQUIRED", "not enough credit"),
    "SMS19": ("ERR_PROMOTION_NOT_FOUND", "promotion not found"),
    "SMS20": ("ERR_ALLOWANCE_ALREADY_EXISTS", "allowance exists"),
    "SMS21": ("ERR_ALLOWANCE_NOT_PERMITTED", "allowance not permitted"),
    "SMS22": ("ERR_ALLOWANCE_NOT_APPLICABLE", "allowance not applicable"),
    "SMS23": ("ERR_SPAM_FILTER_ALREADY_EXISTS", "spam filter exists"),
    "SMS24": ("ERR_MO_ALREADY_EXISTS", "MO short number exists"),
    "SMS25": ("ERR_MO_KEYWORD_ALREADY_EXISTS", "MO keyword exists"),
    "SMS26": ("ERR_MO_NOT_FOUND", "MO short number not found"),
    "SMS27": ("ERR_SENDER_ALREADY_EXISTS", "sender exists"),
    "SMS28": ("ERR_PARENT_USER_CREDIT_REQUIRED", "the parent user has not enough credit"),
    "SMS29": ("ERR_USER_CREDIT_DECREASING_LIMITED", "decreasing the user's credit is limited"),
    "SMS30": ("ERR_USER_IYS_SETTINGS_NOT_FOUND", "the user has no IYS settings"),
    "SMS31": ("ERR_INVALID_DATE_RANGE", "invalid date range"),
    "SMS32": ("ERR_API_USER_ALREADY_EXISTS", "an API user with this name exists"),
    "SMS33": ("ERR_CREDIT_PLAN_UNIT_PRICE_LIMIT", "unit price below the user's"),
    "SMS42": ("ERR_SMS_PKG_CUSTOM_ID_DUPLICATION", "a package with this customID exists"),
    # OCR guess: the document prints "SMS48"; the sequence says SMS43.
    "SMS43": ("ERR_REQUEST_PARAM_LIMIT", "too many items in a parameter"),
    "SMS44": ("ERR_SMS_SENDING_TIME_LIMIT", "a system-wide sending-hours restriction is in force"),
    "SMS50": ("ERR_MULTI_REQUEST_NOT_PERMITTED", "a request to this function is still running; wait for it"),
    "SMS99": ("ERR_SYSTEM_MAINTENANCE", "maintenance; try again later"),
}
BY_NAME: dict[str, str] = {name: code for code, (name, _meaning) in CODES.items()}
#: The printed "SMS48" is read as SMS43.
ALIASES = {"SMS48": "SMS43"}

#: Worth a retry on every function. Not SMS44 (sending-hours restriction): the spec says to retry only after
#: the restricted hours, which a backoff of seconds never reaches; it is final and says when to try again.
TRANSIENT_CODES = frozenset({"SMS50", "SMS99"})
#: Extra advice appended to the message of a final code.
ADVICE = {
    "SMS44": "not retried: send again after the restricted hours, or schedule it with sending_date",
}
#: Worth a retry only on these functions (an import still pending).
TRANSIENT_FOR_FUNCTION = {"SMS13": frozenset({"contact/import"})}

_FINAL_CLASSES: dict[str, type[ServiceError]] = {
    "SMS01": AuthenticationError,
    "SMS06": NotFoundError,
    "SMS07": NotChangeableError,
    "SMS18": InsufficientCreditError,
    "SMS28": InsufficientCreditError,
    "SMS42": DuplicateError,
}
_CODE_IN_TEXT = re.compile(r"\bSMS\d{2}\b")
_NAME_IN_TEXT = re.compile(r"\bERR_[A-Z_]+\b")


class WsdlUnusableError(ProtocolError):
    """The panel's WSDL cannot be read or used (too large, HTML, no service): the call was never sent."""


class NodeTransientError(TransientError):
    """A transient failure that also says whether the request may have been processed.

    ``maybe_processed`` is False when the server surely did nothing (connection refused, 429, maintenance,
    SMS50/SMS99 answers) and True when it may have (a timeout or dropped connection after the body went out,
    a 500/502/504): a send without customID must then not be repeated.
    """

    def __init__(self, message: str, *, maybe_processed: bool, **kwargs: Any) -> None:
        super().__init__(message, maybe_processed=maybe_processed, **kwargs)


def code_of(err: Any) -> tuple[str | None, str | None]:
    """``(SMSnn or None, vendor message or None)`` from any ``err`` shape the API may answer with."""
    if err in (None, "", {}, []):
        return None, None
    if isinstance(err, Mapping):
        texts = [err.get(k) for k in ("code", "name", "message", "description", "error", "err")]
        message = err.get("message") or err.get("description")
        code = None
        for text in texts:
            code = _code_from_text(text)
            if code:
                break
        return code, (str(message) if message not in (None, "") else None)
    if isinstance(err, int) and not isinstance(err, bool):
        return _code_from_text(f"SMS{err:02d}"), None
    text = str(err)
    return _code_from_text(text), text


def _code_from_text(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    upper = text.upper()
    if upper in CODES:
        return upper
    if upper in ALIASES:
        return ALIASES[upper]
    if upper in BY_NAME:
        return BY_NAME[upper]
    if isinstance(value, int) or upper.isdigit():
        candidate = f"SMS{int(upper):02d}"
        return candidate if candidate in CODES else None
    match = _CODE_IN_TEXT.search(upper)
    if match:
        found = match.group(0)
        return ALIASES.get(found, found) if (found in CODES or found in ALIASES) else None
    match = _NAME_IN_TEXT.search(upper)
    if match and match.group(0) in BY_NAME:
        return BY_NAME[match.group(0)]
    return None


def error_for(
    err: Any,
    *,
    function: str,
    http_status: int | None = None,
    retry_after: float | None = None,
) -> IletiError:
    """The exception for an ``err`` envelope and/or an HTTP status on ``function`` (e.g. ``sms/create``)."""
    code, vendor_message = code_of(err)
    where = f"{function}: "
    if code is not None:
        name, meaning = CODES[code]
        detail = (
            meaning if not vendor_message or vendor_message == meaning else f"{meaning} ({vendor_message})"
        )
        message = f"{where}{name}: {detail}"
        if code in ADVICE:
            message = f"{message}; {ADVICE[code]}"
        if code in TRANSIENT_CODES or function in TRANSIENT_FOR_FUNCTION.get(code, frozenset()):
            return NodeTransientError(
                message,
                maybe_processed=False,
                retry_after=retry_after,
                service=SERVICE,
                code=code,
                http_status=http_status,
            )
        cls = _FINAL_CLASSES.get(code, ServiceError)
        if http_status == 401:
            cls = AuthenticationError
        return cls(message, service=SERVICE, code=code, http_status=http_status)
    return error_for_status(
        http_status, function=function, retry_after=retry_after, vendor_message=vendor_message
    )


def error_for_status(
    http_status: int | None,
    *,
    function: str,
    retry_after: float | None = None,
    vendor_message: str | None = None,
) -> IletiError:
    """An error from the HTTP status alone (no readable ``err``)."""
    extra = f" ({vendor_message})" if vendor_message else ""
    where = f"{function}: "
    if http_status == 429:
        return NodeTransientError(
            f"{where}HTTP 429 too many requests{extra}",
            maybe_processed=False,
            retry_after=retry_after,
            service=SERVICE,
            http_status=429,
        )
    if http_status is not None and http_status >= 500:
        # 503 is "not now" (maintenance, overload): nothing processed. Other 5xx may follow processing.
        return NodeTransientError(
            f"{where}HTTP {http_status} server error{extra}",
            maybe_processed=http_status != 503,
            retry_after=retry_after,
            service=SERVICE,
            http_status=http_status,
        )
    if http_status in (401, 403):
        return AuthenticationError(
            f"{where}HTTP {http_status}: credentials refused or not allowed{extra}",
            service=SERVICE,
            http_status=http_status,
        )
    if http_status == 404:
        return NotFoundError(
            f"{where}HTTP 404: no such function or record{extra}", service=SERVICE, http_status=404
        )
    if vendor_message:
        return ServiceError(f"{where}{vendor_message}", service=SERVICE, http_status=http_status)
    return ProtocolError(
        f"{where}unexpected answer (HTTP {http_status})", service=SERVICE, http_status=http_status
    )
