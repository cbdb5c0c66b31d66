"""One error hierarchy for every service.

Operators turn final errors into ``AirflowFailException`` (a retry cannot help) and let transient ones fail
normally so Airflow's own retries apply. Messages never carry a secret: build them from field names, codes
and the vendor's meaning, never from a request URL or body.
"""

from __future__ import annotations

from typing import Any

_MAX_VALUE_REPR = 80


class IletiError(Exception):
    """Base of every error this package raises on purpose."""

    #: Whether the same request may succeed if made again later.
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        service: str | None = None,
        code: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.service = service
        self.code = code
        self.http_status = http_status

    def __str__(self) -> str:
        prefix = f"[{self.service}] " if self.service else ""
        code = f" ({self.code})" if self.code else ""
        return f"{prefix}{self.message}{code}"


class ValidationError(IletiError, ValueError):
    """A value we can tell is wrong before any request leaves the machine.

    The message names the field, the value and the rule, e.g.
    ``validity=2: must be 60..1440 minutes for a non-OTP package``.
    """

    def __init__(self, field: str, value: Any, rule: str, *, service: str | None = None) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        shown = repr(value)
        if len(shown) > _MAX_VALUE_REPR:
            shown = shown[: _MAX_VALUE_REPR - 3] + "..."
        super().__init__(f"{field}={shown}: {rule}", service=service, code="validation")


class ServiceError(IletiError):
    """The service refused the request for a reason a retry cannot fix."""


class AuthenticationError(ServiceError):
    """Credentials refused, or the user/IP is not allowed to call this function."""


class InsufficientCreditError(ServiceError):
    """Not enough credit, balance or quota for the request."""


class NotFoundError(ServiceError):
    """The package, order, job or record does not exist."""


class DuplicateError(ServiceError):
    """The record exists already (e.g. Node SMS42: a package with this customID)."""


class NotChangeableError(ServiceError):
    """The record exists but can no longer be changed (e.g. cancelling a package already going out)."""


class ProtocolError(ServiceError):
    """The answer could not be understood (an HTML error page, a truncated or hostile document)."""


class TransientError(IletiError):
    """Maintenance, a concurrent request, 5xx, 429 or a network failure: worth trying again later.

    ``maybe_processed`` says whether the server may have acted on the request: False only when that is
    sure (no connection was made; a 429 or a maintenance answer refuses before acting). A call that must not
    run twice (a send without a client id) is repeated only when it is False.
    """

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        maybe_processed: bool = True,
        reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.maybe_processed = maybe_processed
        #: what happened, in a few words and without the operation's name (``could not connect …``)
        self.reason = reason


class AmbiguousSendError(IletiError):
    """A send whose request may have reached the server, for a service that cannot deduplicate.

    Retrying could send the same SMS twice, so it is final: the message says what may have gone out so a
    person can check the panel before sending again.
    """


FINAL_ERRORS: tuple[type[IletiError], ...] = (ValidationError, ServiceError, AmbiguousSendError)
