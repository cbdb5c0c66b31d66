"""``CancelSmsOperator``: cancel packages/orders that have not gone out yet, on any of our services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_ileti.core.errors import NotChangeableError, ValidationError
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.recipients import parse_recipients_value
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class CancelSmsOperator(BaseOperator):
    """Cancel each package in ``references``.

    A package that is already going out (or gone) cannot be cancelled: with ``fail_if_not_cancellable``
    (default False) that fails the task, otherwise it is reported in the result. Returns
    ``{"service", "cancelled": [...], "not_cancellable": [...]}``.
    """

    template_fields: Sequence[str] = ("conn_id", "references")

    def __init__(
        self, *, conn_id: str, references: Any, fail_if_not_cancellable: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.conn_id = conn_id
        self.references = references
        self.fail_if_not_cancellable = fail_if_not_cancellable

    def _reference_list(self) -> list[str]:
        if not isinstance(self.conn_id, str) or not self.conn_id.strip():
            raise ValidationError("conn_id", self.conn_id, "must be a connection id")
        if not isinstance(self.fail_if_not_cancellable, bool):
            raise ValidationError(
                "fail_if_not_cancellable", self.fail_if_not_cancellable, "must be True or False"
            )
        refs = [str(r).strip() for r in parse_recipients_value(self.references)]
        if not refs or any(not r for r in refs):
            raise ValidationError("references", self.references, "needs at least one non-empty package id")
        return list(dict.fromkeys(refs))

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        with airflow_failures("cancel SMS"):
            refs = self._reference_list()
            hook = get_sms_hook(self.conn_id)
            client = hook.get_client()
            cancelled: list[str] = []
            refused: list[str] = []
            try:
                for ref in refs:
                    try:
                        client.cancel(ref)
                    except NotChangeableError as exc:
                        self.log.warning("Package %s cannot be cancelled: %s", ref, exc)
                        refused.append(ref)
                    else:
                        cancelled.append(ref)
            finally:
                hook.close()
        self.log.info("Cancelled %d package(s); %d could not be cancelled", len(cancelled), len(refused))
        if refused and self.fail_if_not_cancellable:
            raise AirflowFailException(
                f"cancel SMS: {len(refused)} package(s) could not be cancelled: {refused}"
            )
        return {"service": str(client.service), "cancelled": cancelled, "not_cancellable": refused}
