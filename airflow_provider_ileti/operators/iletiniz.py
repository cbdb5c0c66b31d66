"""``IletinizQuotaGateOperator``: stop a DAG before a send the İletiniz plan cannot cover.

It reads the account (one request, nothing is sent) and fails — with the plan's upgrade link, and without
retries, since waiting does not add quota — when the workspace has no active plan or its remaining quota is
below the SMS parts of the planned text x the planned recipients (or, for a send of several texts, the
sum over ``planned_messages``).

Why a separate operator and not a flag of ``SendSmsOperator``: the gate runs before the data is final (a
task upstream, on a count from XCom), fails for good without touching the send's retry state, and can sit
in front of a branch; the send itself stays service-neutral (the generic ``SmsBalanceGateOperator`` asks
the same ``check_quota`` on any connection).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class IletinizQuotaGateOperator(BaseOperator):
    """Fail unless the İletiniz quota covers the planned send.

    :param planned_message: the text to be sent (templated).
    :param planned_recipients: how many numbers will get it (templated; an int or digits, e.g. from XCom).
    :param planned_messages: instead, several texts (templated; a list or a JSON string from XCom): each
        ``{"text": ..., "recipients": n}`` or ``[text, n]``; the credits needed are summed.
    :param credits: instead of text and recipients, the SMS credits needed.
    :param iletiniz_conn_id: an ``iletiniz`` connection.
    Returns ``{"needed", "remaining", "plan", "upgrade_url"}`` (JSON-safe, no secret).
    """

    template_fields: Sequence[str] = (
        "planned_message",
        "planned_recipients",
        "planned_messages",
        "credits",
        "iletiniz_conn_id",
    )

    def __init__(
        self,
        *,
        planned_message: str | None = None,
        planned_recipients: int | str | None = None,
        planned_messages: Sequence[Any] | str | None = None,
        credits: int | str | None = None,
        iletiniz_conn_id: str = "iletiniz_default",
        **kwargs: Any,
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.planned_message = planned_message
        self.planned_recipients = planned_recipients
        self.planned_messages = planned_messages
        self.credits = credits
        self.iletiniz_conn_id = iletiniz_conn_id

    def planned(self) -> Any:
        """What ``check_quota`` is asked about (validates the arguments; no request)."""
        given = [
            name
            for name in ("credits", "planned_message", "planned_messages")
            if getattr(self, name) not in (None, "")
        ]
        if len(given) > 1:
            raise ValidationError(
                given[1], "<given>", "give one of credits, planned_message or planned_messages"
            )
        if self.credits is not None:
            return _whole("credits", self.credits)
        if self.planned_messages not in (None, ""):
            return _pairs(self.planned_messages)
        if not isinstance(self.planned_message, str) or not self.planned_message:
            raise ValidationError("planned_message", self.planned_message, "must be a non-empty text")
        return (self.planned_message, _whole("planned_recipients", self.planned_recipients))

    def execute(self, context: Context) -> dict[str, Any]:
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


def _pairs(value: Any) -> list[tuple[str, int]]:
    """``planned_messages`` as ``(text, recipients)`` pairs; the error never shows a text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError("planned_messages", "<text>", "must be a list (or its JSON)") from None
    if isinstance(value, Mapping) or not isinstance(value, list | tuple) or not value:
        raise ValidationError("planned_messages", type(value).__name__, "must be a non-empty list")
    pairs = []
    for index, item in enumerate(value):
        field = f"planned_messages[{index}]"
        if isinstance(item, Mapping):
            text, count = item.get("text", item.get("message")), item.get("recipients")
        elif isinstance(item, list | tuple) and len(item) == 2:
            text, count = item
        else:
            raise ValidationError(field, type(item).__name__, 'must be {"text", "recipients"} or [text, n]')
        if not isinstance(text, str) or not text:
            raise ValidationError(f"{field}.text", "<text>", "must be a non-empty text")
        pairs.append((text, _whole(f"{field}.recipients", count)))
    return pairs


def _whole(field: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, value, "must be a whole number >= 0")
    return value
