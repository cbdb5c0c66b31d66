"""``SmsNotifier``: an SMS from a DAG or task callback, through any of our connections.

``on_failure_callback=SmsNotifier(conn_id="node_sms_default", to=["0555 555 00 01"],
message="{{ dag.dag_id }}.{{ ti.task_id }} failed")``. The idempotency key names the callback's task try,
so a callback run twice for the same failure sends once on services with client ids (Node).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.notifier import BaseNotifier

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.idempotency import make_custom_id
from airflow_provider_ileti.core.masking import mask_numbers
from airflow_provider_ileti.tasks.recipients import parse_recipients_value
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: Most recipients a notification may have: it is an alert to people on call, not a campaign.
MAX_NOTIFY_RECIPIENTS = 100


class SmsNotifier(BaseNotifier):
    """Send ``message`` (templated with the callback's context) to ``to``."""

    template_fields: Sequence[str] = ("conn_id", "to", "message", "sender")

    def __init__(
        self, conn_id: str, to: Any, message: str, *, sender: str | None = None, **kwargs: Any
    ) -> None:
        if AIRFLOW_V_3_0_PLUS:
            super().__init__(**kwargs)
        else:
            super().__init__()
        self.conn_id = conn_id
        self.to = to
        self.message = message
        self.sender = sender

    def _numbers(self) -> tuple[str, ...]:
        from airflow_provider_ileti.core.phone import normalize_number

        if not isinstance(self.conn_id, str) or not self.conn_id.strip():
            raise ValidationError("conn_id", self.conn_id, "must be a connection id")
        if not isinstance(self.message, str) or not self.message.strip():
            raise ValidationError("message", self.message, "must be a non-empty text")
        raw = list(parse_recipients_value(self.to))
        if not raw:
            raise ValidationError("to", self.to, "needs at least one number")
        if len(raw) > MAX_NOTIFY_RECIPIENTS:
            raise ValidationError("to", f"{len(raw)} numbers", f"at most {MAX_NOTIFY_RECIPIENTS}")
        return tuple(dict.fromkeys(normalize_number(str(n), field=f"to[{i}]") for i, n in enumerate(raw)))

    def notify(self, context: Context) -> None:
        from airflow_provider_ileti.core.models import SendBatch, SmsMessage
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        numbers = self._numbers()
        hook = get_sms_hook(self.conn_id)
        try:
            receipt = hook.get_client().send(
                SendBatch(
                    messages=(SmsMessage(text=self.message, numbers=numbers),),
                    sender=self.sender or None,
                    idempotency_key=_key(context),
                )
            )
        finally:
            hook.close()
        self.log.info("SMS notification to %s: package %s", mask_numbers(numbers), receipt.reference)


def _key(context: Context) -> str | None:
    ti = (context or {}).get("ti")
    if ti is None:
        return None
    return make_custom_id(
        ti.dag_id,
        ti.task_id,
        context.get("run_id") or getattr(ti, "run_id", None),
        getattr(ti, "map_index", -1),
        getattr(ti, "try_number", 0),
        prefix="afn",
    )


send_sms_notification = SmsNotifier
