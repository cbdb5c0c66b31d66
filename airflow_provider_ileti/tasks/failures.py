"""Turn our errors into the Airflow exceptions that make retries do the right thing.

Final errors (validation, authentication, not found, insufficient credit, an ambiguous send) become
``AirflowFailException``: a retry cannot help and, for a send, could send twice. Transient ones surface as
ordinary ``AirflowException`` so the task's own ``retries`` apply. A phone number in the message (a service
may echo one in its error) is masked on the way: a task's failure is shown in the UI and in logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.core.errors import IletiError
from airflow_provider_ileti.core.masking import mask_numbers_in_text


@contextmanager
def airflow_failures(action: str) -> Iterator[None]:
    """``with airflow_failures("send SMS"): ...`` — re-raise our errors as the right Airflow exception."""
    try:
        yield
    except IletiError as exc:
        message = mask_numbers_in_text(f"{action} failed: {exc}")
        if exc.retryable:
            raise AirflowException(message) from exc
        raise AirflowFailException(message) from exc
