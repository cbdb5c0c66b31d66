"""``SmsBalanceGateOperator``: stop a DAG before a send the account cannot pay for.

Put it upstream of a ``SendSmsOperator``: it fails (AirflowFailException, no retries: waiting does not add
credit) when the balance is below a fixed threshold or below what the planned send needs
(recipients x SMS parts of the planned text). Services with a quota call (İletiniz) are asked too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: The optional client method asked about a planned send: ``client.check_quota(credits_needed)``; it
#: raises ``InsufficientCreditError`` when the quota cannot cover it. The İletiniz client (plan quota) and
#: the WISECP client (balance against per-country prices) have it; Node and İleti Merkezi are judged by
#: their balance alone.
QUOTA_METHOD = "check_quota"


class SmsBalanceGateOperator(BaseOperator):
    """Fail unless the balance covers ``min_credits``/``min_amount`` and the planned send.

    :param planned_recipients: recipients of the send to come (templated, e.g. a count from XCom).
    :param planned_message: its text; the needed credits are recipients x SMS parts of this text.
    :param credits_per_recipient: instead of ``planned_message``, the parts per recipient.

    Returns the balance and the credits needed (JSON-safe).
    """

    template_fields: Sequence[str] = ("conn_id", "planned_recipients", "planned_message", "min_credits")

    def __init__(
        self,
        *,
        conn_id: str,
        min_credits: float | None = None,
        min_amount: float | None = None,
        planned_recipients: int | str | None = None,
        planned_message: str | None = None,
        credits_per_recipient: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.conn_id = conn_id
        self.min_credits = min_credits
        self.min_amount = min_amount
        self.planned_recipients = planned_recipients
        self.planned_message = planned_message
        self.credits_per_recipient = credits_per_recipient

    def needed_credits(self) -> float:
        """Credits the checks require (validates the arguments; no request)."""
        if not isinstance(self.conn_id, str) or not self.conn_id.strip():
            raise ValidationError("conn_id", self.conn_id, "must be a connection id")
        minimum = _number("min_credits", self.min_credits)
        _number("min_amount", self.min_amount)
        recipients = self.planned_recipients
        if isinstance(recipients, str) and recipients.strip().isdigit():
            recipients = int(recipients.strip())
        if recipients is not None and (
            isinstance(recipients, bool) or not isinstance(recipients, int) or recipients < 0
        ):
            raise ValidationError("planned_recipients", recipients, "must be a whole number >= 0")
        if self.planned_message is not None and self.credits_per_recipient is not None:
            raise ValidationError(
                "planned_message", "<text>", "give planned_message or credits_per_recipient, not both"
            )
        parts = 1
        if self.planned_message is not None:
            if not isinstance(self.planned_message, str) or not self.planned_message:
                raise ValidationError("planned_message", self.planned_message, "must be a non-empty text")
            from airflow_provider_ileti.core.segments import count_segments

            parts = count_segments(self.planned_message).parts
        elif self.credits_per_recipient is not None:
            cpr = self.credits_per_recipient
            if isinstance(cpr, bool) or not isinstance(cpr, int) or cpr < 1:
                raise ValidationError("credits_per_recipient", cpr, "must be a whole number >= 1")
            parts = cpr
        if recipients is None and minimum is None and self.min_amount is None:
            raise ValidationError("min_credits", None, "give min_credits, min_amount or planned_recipients")
        planned = float((recipients or 0) * parts)
        return max(planned, minimum or 0.0)

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        with airflow_failures("check SMS balance"):
            needed = self.needed_credits()
            hook = get_sms_hook(self.conn_id)
            try:
                client = hook.get_client()
                balance = client.get_balance()
                quota = getattr(client, QUOTA_METHOD, None)
                if callable(quota) and needed > 0:
                    quota(needed)
            finally:
                hook.close()
        result = {"service": str(client.service), "balance": balance.to_dict(), "needed_credits": needed}
        if needed > 0 and balance.credits is not None and balance.credits < needed:
            raise AirflowFailException(
                f"SMS balance too low: {balance.credits:g} credits, the planned send needs {needed:g}"
            )
        if needed > 0 and balance.credits is None and self.min_amount is None and balance.amount is None:
            raise AirflowFailException("SMS balance unknown: the service reported neither credits nor amount")
        if self.min_amount is not None and (
            balance.amount is None or balance.amount < float(self.min_amount)
        ):
            raise AirflowFailException(
                f"SMS balance too low: amount {balance.amount} {balance.currency or ''} below min_amount="
                f"{float(self.min_amount):g}"
            )
        self.log.info("Balance OK: %s (needed %g credits)", balance.to_dict(), needed)
        return result


def _number(field: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValidationError(field, value, "must be a number >= 0") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationError(field, value, "must be a number >= 0")
    return float(value)
