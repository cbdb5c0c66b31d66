"""``IletinizQuotaGateOperator``: stop a DAG before a send the İletiniz plan cannot cover.

It reads the account (one request, nothing is sent) and fails — with the plan's upgrade link, and without
retries, since waiting does not add quota — when the workspace has no active plan or its remaining quota is
below the SMS parts of the planned text x the planned recipients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.operators.failures import airflow_failures


class IletinizQuotaGateOperator(BaseOperator):
    """Fail unless the İletiniz quota covers the planned send.

    :param planned_message: the text to be sent (templated).
    :param planned_recipients: how many numbers will get it (templated; an int or digits, e.g. from XCom).
    :param credits: instead of text and recipients, the SMS credits needed.
    :param iletiniz_conn_id: an ``iletiniz`` connection.
    Returns ``{"needed", "remaining", "plan", "upgrade_url"}`` (JSON-safe, no secret).
    """

    template_fields: Sequence[str] = ("planned_message", "planned_recipients", "credits", "iletiniz_conn_id")

    def __init__(
        self,
        *,
        planned_message: str | None = None,
        planned_recipients: int | str | None = None,
        credits: int | str | None = None,
        iletiniz_conn_id: str = "iletiniz_default",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.planned_message = planned_message
        self.planned_recipients = planned_recipients
        self.credits = credits
        self.iletiniz_conn_id = iletiniz_conn_id

    def planned(self) -> Any:
        """What ``check_quota`` is asked about (validates the arguments; no request)."""
        if self.credits is not None:
            if self.planned_message is not None:
                raise ValidationError("credits", self.credits, "give credits or planned_message, not both")
            return _whole("credits", self.credits)
        if not isinstance(self.planned_message, str) or not self.planned_message:
            raise ValidationError("planned_message", self.planned_message, "must be a non-empty text")
        return (self.planned_message, _whole("planned_recipients", self.planned_recipients))

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_ileti.hooks.iletiniz import IletinizHook

        with airflow_failures("check İletiniz quota"):
            planned = self.planned()
            hook = IletinizHook(iletiniz_conn_id=self.iletiniz_conn_id)
            try:
                result = hook.check_quota(planned)
            finally:
                hook.close()
        self.log.info("İletiniz quota OK: %d needed, %d remaining", result.needed, result.remaining)
        return result.to_dict()


def _whole(field: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, value, "must be a whole number >= 0")
    return value
