"""``WisecpCostGateOperator``: price a planned WISECP send per country, and stop it when the balance is short.

WISECP charges per SMS part per recipient country (US 0.062 EUR, Germany 0.1234 EUR, …), so the cost of a
send depends on who gets it, not only on how many. This operator reads ``prices`` and ``balance`` (two
reads, nothing is sent), prices the planned text for the planned numbers, and either fails before the send
(``AirflowFailException``: waiting does not add credit) or returns the estimate as XCom for a branch.

Cheap to import: the hook, the client and phone-number parsing load inside ``execute``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_text
from airflow_provider_ileti.core.service import Service
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.personal_data import HidesPersonalData, reveal
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

SERVICE = Service.WISECP


class WisecpCostGateOperator(HidesPersonalData, BaseOperator):
    """Estimate what a WISECP send will cost, per country, and fail before it when it cannot be paid.

    :param message: the text to be sent (templated); its SMS parts multiply every recipient's price.
    :param recipients: the numbers (templated): a list, or a rendered XCom string (JSON list or numbers
        separated by commas/newlines), international format (``+44…``).
    :param max_cost: fail too when the estimate is above this amount (in the panel's currency).
    :param fail_if_short: fail when the balance is below the estimate (default). ``False`` only returns
        the estimate, with ``"enough": false``, for a ``@task.branch`` to decide.
    :param wisecp_conn_id: a ``wisecp`` connection.
    :param show_personal_data: show the rendered ``message`` and ``recipients`` in Airflow's "Rendered
        Template" view (hidden by default: see ``personal_data.py``).
    Returns ``{"service", "total", "currency", "parts", "encoding", "recipients", "by_country": [{country,
    recipients, price, cost}], "balance", "enough"}`` — JSON-safe, no number, no text, no token.
    """

    template_fields: Sequence[str] = ("message", "recipients", "max_cost", "wisecp_conn_id")
    personal_fields: Sequence[str] = ("message", "recipients")
    ui_color = "#fdf3e1"

    def __init__(
        self,
        *,
        message: str,
        recipients: Any,
        max_cost: float | str | None = None,
        fail_if_short: bool = True,
        wisecp_conn_id: str = "wisecp_default",
        show_personal_data: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.message = message
        self.recipients = recipients
        self.max_cost = max_cost
        self.fail_if_short = fail_if_short
        self.wisecp_conn_id = wisecp_conn_id
        self.show_personal_data = show_personal_data

    def arguments(self) -> tuple[str, list[str], float | None]:
        """(text, numbers, max cost) validated; no request."""
        from airflow_provider_ileti.tasks.recipients import parse_recipients_value

        message, recipients = reveal(self.message), reveal(self.recipients)
        if not isinstance(message, str) or not message.strip():
            raise ValidationError("message", mask_text(message), "must be a non-empty text", service=SERVICE)
        numbers = list(parse_recipients_value(recipients))
        if not numbers:
            raise ValidationError("recipients", [], "at least one number is required", service=SERVICE)
        for index, number in enumerate(numbers):
            if not isinstance(number, str):
                raise ValidationError(
                    f"recipients[{index}]", type(number).__name__, "must be a phone number", service=SERVICE
                )
        if not isinstance(self.wisecp_conn_id, str) or not self.wisecp_conn_id.strip():
            raise ValidationError("wisecp_conn_id", self.wisecp_conn_id, "must be a connection id")
        return message, numbers, _amount("max_cost", self.max_cost)

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_ileti.hooks.wisecp import WisecpHook

        with airflow_failures("estimate WISECP cost"):
            text, numbers, max_cost = self.arguments()
            hook = WisecpHook(wisecp_conn_id=self.wisecp_conn_id)
            try:
                client = hook.get_client()
                # validates every number (and that its country has a price) before the balance read
                estimate = client.estimate_cost(numbers, text)
                balance = client.get_balance()
            finally:
                hook.close()
        amount = balance.amount
        currency = estimate.currency or balance.currency
        enough = amount is not None and amount + 1e-9 >= estimate.total
        result: dict[str, Any] = {
            "service": SERVICE,
            **estimate.to_dict(),
            "currency": currency,
            "balance": amount,
            "enough": enough,
        }
        unit = f" {currency}" if currency else ""
        countries = ", ".join(f"{c.country} {c.recipients}x{c.price:g}" for c in estimate.by_country)
        self.log.info(
            "WISECP estimate: %.4f%s for %d recipient(s), %d part(s) each (%s); balance %s",
            estimate.total,
            unit,
            estimate.recipients,
            estimate.parts,
            countries,
            amount,
        )
        if max_cost is not None and estimate.total > max_cost + 1e-9:
            raise AirflowFailException(
                f"WISECP send would cost {estimate.total:.4f}{unit}, above max_cost={max_cost:g} "
                f"({countries})"
            )
        if self.fail_if_short and not enough:
            raise AirflowFailException(
                f"WISECP balance too low: the send would cost {estimate.total:.4f}{unit} ({countries}), "
                f"the balance is {amount if amount is not None else 'unknown'}{unit}; top up the account"
            )
        return result


def _amount(field: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValidationError(field, value, "must be a number >= 0", service=SERVICE) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationError(field, value, "must be a number >= 0", service=SERVICE)
    return float(value)
