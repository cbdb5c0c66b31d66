"""The Node API's error codes in one table: SMSnn, its ERR_ name and the HTTP status the sandbox answers with.

The vendor document lists code and name only; the HTTP statuses are ours (the lead's brief), chosen so that a
client can map by status alone: 400 bad request, 401 auth, 402 credit, 404 not found, 409 conflict,
429 "wait for the running request", 503 maintenance.
"""

from __future__ import annotations

#: SMSnn -> (ERR_ name, HTTP status)
CODES: dict[str, tuple[str, int]] = {
    "SMS00": ("ERR_BAD_REQUEST", 400),
    "SMS01": ("ERR_USER_NOT_AUTHORIZED", 403),
    "SMS02": ("ERR_BLACKLIST_RECORD_ALREADY_EXISTS", 409),
    "SMS03": ("ERR_PARENT_USER_NOT_FOUND", 404),
    "SMS04": ("ERR_USER_ALREADY_EXISTS", 409),
    "SMS05": ("ERR_INVALID_PRICING_PLAN", 400),
    "SMS06": ("ERR_SMS_PKG_NOT_FOUND", 404),
    "SMS07": ("ERR_SMS_PKG_NOT_CHANGEABLE", 409),
    "SMS08": ("ERR_INVALID_SMS_SENDING_DATE", 400),
    "SMS09": ("ERR_CONTACT_GROUP_ALREADY_EXISTS", 409),
    "SMS10": ("ERR_PARENT_CONTACT_GROUP_NOT_FOUND", 404),
    "SMS11": ("ERR_PARENT_CONTACT_GROUP_NOT_EMPTY", 409),
    "SMS12": ("ERR_CONTACT_ALREADY_EXISTS", 409),
    "SMS13": ("ERR_CONTACT_IMPORT_EXISTS", 409),
    "SMS14": ("ERR_FILE_NOT_FOUND", 404),
    "SMS15": ("ERR_CONTACT_IMPORT_FAILED", 400),
    "SMS16": ("ERR_USER_NOT_FOUND", 404),
    "SMS17": ("ERR_CREDIT_PLAN_NOT_FOUND", 404),
    "SMS18": ("ERR_USER_CREDIT_REQUIRED", 402),
    "SMS19": ("ERR_PROMOTION_NOT_FOUND", 404),
    "SMS20": ("ERR_ALLOWANCE_ALREADY_EXISTS", 409),
    "SMS21": ("ERR_ALLOWANCE_NOT_PERMITTED", 403),
    "SMS22": ("ERR_ALLOWANCE_NOT_APPLICABLE", 400),
    "SMS23": ("ERR_SPAM_FILTER_ALREADY_EXISTS", 409),
    "SMS24": ("ERR_MO_ALREADY_EXISTS", 409),
    "SMS25": ("ERR_MO_KEYWORD_ALREADY_EXISTS", 409),
    "SMS26": ("ERR_MO_NOT_FOUND", 404),
    "SMS27": ("ERR_SENDER_ALREADY_EXISTS", 409),
    "SMS28": ("ERR_PARENT_USER_CREDIT_REQUIRED", 402),
    "SMS29": ("ERR_USER_CREDIT_DECREASING_LIMITED", 400),
    "SMS30": ("ERR_USER_IYS_SETTINGS_NOT_FOUND", 404),
    "SMS31": ("ERR_INVALID_DATE_RANGE", 400),
    "SMS32": ("ERR_API_USER_ALREADY_EXISTS", 409),
    "SMS33": ("ERR_CREDIT_PLAN_UNIT_PRICE_LIMIT", 400),
    "SMS42": ("ERR_SMS_PKG_CUSTOM_ID_DUPLICATION", 409),
    # The OCR prints "SMS48"; the sequence and the spec's repair say SMS43.
    "SMS43": ("ERR_REQUEST_PARAM_LIMIT", 400),
    "SMS44": ("ERR_SMS_SENDING_TIME_LIMIT", 403),
    "SMS50": ("ERR_MULTI_REQUEST_NOT_PERMITTED", 429),
    "SMS99": ("ERR_SYSTEM_MAINTENANCE", 503),
}
#: ERR_ name -> SMSnn
BY_NAME: dict[str, str] = {name: code for code, (name, _status) in CODES.items()}

#: Wrong or missing credentials: the document has no code of its own for it; we answer the
#: "not authorised" name with HTTP 401 (guess).
AUTH_FAILURE_CODE = "SMS01"
AUTH_FAILURE_STATUS = 401


#: Codes that say the request broke the document (a refusal, see ``sandbox/refusals.py``), not the state.
REFUSAL_CODES = frozenset({"SMS00", "SMS08", "SMS31", "SMS43"})


class NodeError(Exception):
    """A refusal in the Node API's terms; REST and SOAP render it in their own envelope."""

    def __init__(
        self, code: str, message: str, *, status: int | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        #: Real seconds to wait (REST ``Retry-After``) for refusals that pass: SMS13, SMS50.
        self.retry_after = retry_after
        self.name = CODES[code][0]
        self.status = status if status is not None else CODES[code][1]
        self.message = message

    @property
    def is_refusal(self) -> bool:
        """The request broke the document (as opposed to meeting the account's state)."""
        return self.code in REFUSAL_CODES and self.status != AUTH_FAILURE_STATUS

    def to_err(self) -> dict[str, object]:
        return {"status": self.status, "code": self.name, "message": self.message}


def bad_request(message: str) -> NodeError:
    return NodeError("SMS00", message)


def auth_failure() -> NodeError:
    return NodeError(AUTH_FAILURE_CODE, "Authentication failed", status=AUTH_FAILURE_STATUS)
