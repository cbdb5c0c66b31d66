"""A ``retry_policy`` (Airflow 3.3+, AIP-105) that says what our error hierarchy says.

Final errors (validation, authentication, not found, no credit, an ambiguous send) fail at once: a retry
cannot help and, for a send, could send twice. A transient error that named a ``Retry-After`` (a 429, a
maintenance window) retries after that delay instead of the task's fixed ``retry_delay``. Everything else
falls through to the task's own ``retries``.

Our operators already raise ``AirflowFailException`` for final errors (which Airflow never retries and never
shows to a policy); the policy matters for the errors that reach Airflow wrapped (``AirflowException`` from a
transient error) or raw (an ``IletiError`` from a user's callable). It looks along the ``__cause__`` chain.
Below 3.3 there are no retry policies: ``default_retry_policy()`` returns ``None`` and nothing changes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import FINAL_ERRORS, IletiError, TransientError
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_3_PLUS

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: The longest ``Retry-After`` we honour as a retry delay; a longer one falls back to the task's delay.
MAX_RETRY_AFTER_SECONDS = 3600.0


def ileti_error_in(exception: BaseException | None) -> IletiError | None:
    """The first of our errors along the ``__cause__``/``__context__`` chain."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, IletiError):
            return exception
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return None


if AIRFLOW_V_3_3_PLUS:
    from airflow.providers.common.compat.sdk import RetryDecision, RetryPolicy

    class IletiRetryPolicy(RetryPolicy):
        """Fail on our final errors, honour ``Retry-After`` on transient ones, else the task's default."""

        def evaluate(
            self, exception: BaseException, try_number: int, max_tries: int, context: Context | None = None
        ) -> Any:
            error = ileti_error_in(exception)
            if error is None:
                return RetryDecision.default()
            if isinstance(error, FINAL_ERRORS):
                return RetryDecision.fail(reason=f"{type(error).__name__}: a retry cannot help")
            if isinstance(error, TransientError) and error.retry_after:
                delay = min(float(error.retry_after), MAX_RETRY_AFTER_SECONDS)
                return RetryDecision.retry(
                    delay=timedelta(seconds=delay), reason=f"the service asked to retry after {delay:g}s"
                )
            return RetryDecision.default()

        def serialize(self) -> dict[str, Any]:
            return {"__type": "IletiRetryPolicy"}

        @classmethod
        def deserialize(cls, data: dict[str, Any]) -> IletiRetryPolicy:
            return cls()


def default_retry_policy() -> Any:
    """Our policy on Airflow 3.3+, ``None`` below (there the kwarg does not exist)."""
    if AIRFLOW_V_3_3_PLUS:
        return IletiRetryPolicy()
    return None


def with_default_retry_policy(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Operator kwargs with our policy added on 3.3+ unless the DAG author chose one."""
    if AIRFLOW_V_3_3_PLUS and "retry_policy" not in kwargs:
        kwargs["retry_policy"] = default_retry_policy()
    return kwargs
