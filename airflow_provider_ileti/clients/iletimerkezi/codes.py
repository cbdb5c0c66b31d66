"""İleti Merkezi's status codes, each with the vendor's meaning and the error it becomes.

The service answers ``<status><code/><message/></status>`` and mirrors the code in the HTTP status.
Final errors (a retry cannot help) map to ``ServiceError`` subclasses; maintenance, 429 and 5xx map to
``TransientError``. The vendor's meaning goes into the message so a failed task says what to fix.
A 429 and the maintenance answer (503) refuse a request before the service acts on it, so their
``TransientError`` says ``maybe_processed=False``: a send may be repeated after them (``clients.http.retry``).
"""

from __future__ import annotations

from airflow_provider_ileti.clients.iletimerkezi import SERVICE
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    DuplicateError,
    IletiError,
    InsufficientCreditError,
    NotChangeableError,
    NotFoundError,
    ServiceError,
    TransientError,
)

OK = 200

# Order states (report ``order.status``).
ORDER_IN_PROGRESS = 113
ORDER_COMPLETED = 114
ORDER_NOT_SENT = 115  # not sent, or cancelled
# Message states (report ``message.status``).
MESSAGE_SENDING = 110
MESSAGE_DELIVERED = 111
MESSAGE_FAILED = 112

#: Codes the spec documents only as a range: "461-467 group/contact errors".
GROUP_CONTACT_CODES = range(461, 468)
_GROUP_CONTACT_MEANING = (
    "a group/contact (address book) error, code {code}; what this code means exactly is not public "
    "(the documentation lists 461-467 only as group/contact errors). This client sends no groups or "
    "contacts, so on a send or report it is unexpected: read what the service said (after this), or ask "
    "İleti Merkezi support about code {code}"
)

#: code -> (error class, the vendor's meaning and what to do).
ERRORS: dict[int, tuple[type[IletiError], str]] = {
    400: (ServiceError, "the request could not be parsed (a bug in the request, please report it)"),
    401: (
        AuthenticationError,
        "membership information is incorrect: check the API key and hash/secret, and that this machine's "
        "IP is allowed if the account has a static IP",
    ),
    402: (InsufficientCreditError, "insufficient balance for this order"),
    404: (ServiceError, "no such API method (check the connection's URL: it should end in /v1)"),
    422: (ServiceError, "the request failed validation"),
    429: (TransientError, "too many requests"),
    450: (
        ServiceError,
        "the sender is not approved for this account (it must match the panel exactly, including case "
        "and spaces)",
    ),
    451: (
        DuplicateError,
        "repeated order: the same text to the same numbers within 10 minutes is refused (a previous "
        "attempt may already have sent it; check the panel's reports)",
    ),
    452: (ServiceError, "message recipients are incorrect, unverifiable or on the account's block list"),
    453: (ServiceError, "order size exceeded: the text is longer than 7 SMS"),
    454: (ServiceError, "message text is empty"),
    455: (NotFoundError, "order not found, or it is already being sent"),
    456: (NotChangeableError, "the order's send date has not been reached yet"),
    457: (ServiceError, "sendDateTime is not valid (expected dd/MM/yyyy HH:mm)"),
    458: (ServiceError, "the date range is over 10 days"),
    459: (ServiceError, "the sender is empty"),
    460: (ServiceError, "the sender is longer than 11 characters or has Turkish letters"),
    # 461-467: what each one means is not public. Our spec (from the vendor's pages) says only "461-467
    # group/contact errors"; the Ruby gem names no codes; the vendor's own status-code table ("Durum
    # Kodları ve Mesajları") stops at 457 and 503. So one honest meaning for all seven, with the
    # service's own message after it (``error_for`` adds it): that is the only per-code detail there is.
    **{code: (ServiceError, _GROUP_CONTACT_MEANING.format(code=code)) for code in GROUP_CONTACT_CODES},
    468: (ServiceError, "iys is missing (1 for commercial messages, 0 for informational ones)"),
    469: (ServiceError, "iysList is missing (BIREYSEL or TACIR is required when iys is 1)"),
    470: (ServiceError, "no İYS code is configured for this account (set it in the panel)"),
    503: (TransientError, "the service is temporarily unavailable (maintenance)"),
}

TOO_MANY_REQUESTS = 429
MAINTENANCE = 503
#: Codes the service answers before it acts on a request: too many requests, and its maintenance answer.
REFUSED_BEFORE_ACTING = frozenset({TOO_MANY_REQUESTS, MAINTENANCE})

#: On cancel-order, 455 means the order exists but is already going out: it cannot be changed.
CANCEL_OVERRIDES: dict[int, type[IletiError]] = {455: NotChangeableError}


def error_for(
    code: int,
    server_message: str | None = None,
    *,
    operation: str,
    http_status: int | None = None,
    retry_after: float | None = None,
    detail: str | None = None,
) -> IletiError:
    """The error for a non-200 status code, naming the operation, the code and the vendor's meaning.

    ``server_message`` is the service's own text (no secrets: the service never echoes them); it is shown
    after our explanation because it is often Turkish and terse. ``detail`` is what we saw instead of the
    service's envelope (an HTML page from a proxy: status, content type, a masked excerpt).
    """
    cls, meaning = ERRORS.get(code, (ServiceError, "unknown status code"))
    if code not in ERRORS and (code >= 500 or code in (408, 425)):
        cls, meaning = TransientError, "server error"
    if operation == "cancel-order":
        cls = CANCEL_OVERRIDES.get(code, cls)
    said = f' (service said: "{server_message[:200]}")' if server_message else ""
    message = f"{operation} failed: {meaning}{said}" + (f"; the answer was {detail}" if detail else "")
    if issubclass(cls, TransientError):
        return TransientError(
            message,
            retry_after=retry_after,
            maybe_processed=code not in REFUSED_BEFORE_ACTING,
            service=SERVICE,
            code=str(code),
            http_status=http_status,
        )
    return cls(message, service=SERVICE, code=str(code), http_status=http_status)
