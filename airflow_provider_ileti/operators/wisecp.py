"""``WisecpCostGateOperator``: price a planned WISECP send per country, and stop it when the balance is short.

WISECP charges per SMS part per recipient country (US 0.062 EUR, Germany 0.1234 EUR, …), so the cost of a
send depends on who gets it, not only on how many. This operator reads ``prices`` and ``balance`` (two
reads, nothing is sent), prices the planned text for the planned numbers, and either fails before the send
(``AirflowFailException``: waiting does not add credit) or returns the estimate as XCom for a branch.
A budget (``max_cost`` in all, ``max_cost_per_country`` per country) stops the send the same way, or with
``fail_over_budget=False`` only says ``"within_budget": false`` for a short-circuit. With a ``sender`` (or
the connection's default sender) it also checks each recipient country's sender ID rule
(``clients/wisecp/senders.py``) and says which countries need pre-approval.

Cheap to import: the hook, the client and phone-number parsing load inside ``execute``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

    from airflow_provider_ileti.clients.wisecp.pricing import CostEstimate

SERVICE = Service.WISECP


class WisecpCostGateOperator(HidesPersonalData, BaseOperator):
    """Estimate what a WISECP send will cost, per country, and fail before it when it cannot be paid.

    :param message: the text to be sent (templated); its SMS parts multiply every recipient's price.
    :param recipients: the numbers (templated): a list, or a rendered XCom string (JSON list or numbers
        separated by commas/newlines), international format (``+44…``).
    :param max_cost: fail too when the estimate is above this amount (in the panel's currency; templated,
        e.g. ``"{{ params.budget }}"``).
    :param max_cost_per_country: fail too when one country's cost is above its amount (templated; a mapping
        ISO code -> amount, ``*`` for the others, or its JSON).
    :param fail_over_budget: fail above a budget (default). ``False`` returns ``"within_budget": false``
        and the countries over it instead, for a ``ShortCircuitOperator`` or a branch.
    :param sender: the sender ID the send will use (templated; default: the connection's default sender):
        its per-country rule is checked, no request made (``None`` and no default: not checked).
    :param strict_sender_rules: fail when the sender needs pre-approval in a recipient's country and the
        rules do not list it as approved (default: the connection's ``strict_sender_rules``, else a warning).
    :param fail_if_short: fail when the balance is below the estimate (default). ``False`` only returns
        the estimate, with ``"enough": false``, for a ``@task.branch`` to decide.
    :param wisecp_conn_id: a ``wisecp`` connection.
    :param show_personal_data: show the rendered ``message`` and ``recipients`` in Airflow's "Rendered
        Template" view (hidden by default: see ``personal_data.py``).

    Returns ``{"service", "total", "currency", "parts", "encoding", "recipients", "by_country": [{country,
    recipients, price, cost}], "balance", "enough", "within_budget", "over_budget": [countries or
    "total"], "needs_approval": [countries]}`` — JSON-safe, no number, no text, no token.
    """

    template_fields: Sequence[str] = (
        "message",
        "recipients",
        "max_cost",
        "max_cost_per_country",
        "sender",
        "wisecp_conn_id",
    )
    personal_fields: Sequence[str] = ("message", "recipients")
    ui_color = "#fdf3e1"

    def __init__(
        self,
        *,
        message: str,
        recipients: Any,
        max_cost: float | str | None = None,
        max_cost_per_country: Mapping[str, float | str] | str | None = None,
        fail_if_short: bool = True,
        fail_over_budget: bool = True,
        sender: str | None = None,
        strict_sender_rules: bool | None = None,
        wisecp_conn_id: str = "wisecp_default",
        show_personal_data: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.message = message
        self.recipients = recipients
        self.max_cost = max_cost
        self.max_cost_per_country = max_cost_per_country
        self.fail_if_short = fail_if_short
        self.fail_over_budget = fail_over_budget
        self.sender = sender
        self.strict_sender_rules = strict_sender_rules
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
            per_country = _budgets(self.max_cost_per_country)
            for flag in ("fail_if_short", "fail_over_budget"):
                if not isinstance(getattr(self, flag), bool):
                    raise ValidationError(flag, getattr(self, flag), "must be True or False", service=SERVICE)
            if self.strict_sender_rules is not None and not isinstance(self.strict_sender_rules, bool):
                raise ValidationError(
                    "strict_sender_rules",
                    self.strict_sender_rules,
                    "must be True, False or None",
                    service=SERVICE,
                )
            if self.sender is not None and (not isinstance(self.sender, str) or not self.sender.strip()):
                raise ValidationError("sender", self.sender, "must be a sender ID or number", service=SERVICE)
            hook = WisecpHook(wisecp_conn_id=self.wisecp_conn_id)
            try:
                client = hook.get_client()
                needs_approval: list[str] = []
                if self.sender or client.default_sender:
                    # each country's sender ID rule, before any request: a refused sender fails here
                    check = client.check_senders(numbers, origin=self.sender, strict=self.strict_sender_rules)
                    needs_approval = list(check.needs_approval)
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
        over: list[str] = []
        for cost in estimate.by_country:
            limit = _budget_for(per_country, cost.country)
            if limit is not None and cost.cost > limit + 1e-9:
                over.append(cost.country)
        if max_cost is not None and estimate.total > max_cost + 1e-9:
            over.append("total")
        result["within_budget"] = not over
        result["over_budget"] = over
        result["needs_approval"] = needs_approval
        if over:
            why = ", ".join(
                f"total {estimate.total:.4f}{unit} above max_cost={max_cost:g}"
                if name == "total"
                else f"{name} {_cost_of(estimate, name):.4f}{unit} above max_cost_per_country "
                f"{_budget_for(per_country, name):g}"
                for name in over
            )
            if self.fail_over_budget:
                raise AirflowFailException(f"WISECP send over its budget: {why} ({countries})")
            self.log.warning("WISECP send over its budget (%s): not within budget", why)
        if self.fail_if_short and not enough:
            raise AirflowFailException(
                f"WISECP balance too low: the send would cost {estimate.total:.4f}{unit} ({countries}), "
                f"the balance is {amount if amount is not None else 'unknown'}{unit}; top up the account"
            )
        return result


def _budgets(value: Any) -> dict[str, float]:
    """``max_cost_per_country`` as ISO code (or ``*``) -> amount; its JSON text read first."""
    from airflow_provider_ileti.clients.wisecp.senders import country_mapping

    budgets: dict[str, float] = {}
    for code, amount in country_mapping(value, "max_cost_per_country").items():
        checked = _amount(f"max_cost_per_country.{code}", amount)
        if checked is None:
            raise ValidationError(f"max_cost_per_country.{code}", amount, "must be a number >= 0")
        budgets[code] = checked
    return budgets


def _budget_for(budgets: Mapping[str, float], country: str) -> float | None:
    return budgets.get(country, budgets.get("*"))


def _cost_of(estimate: CostEstimate, country: str) -> float:
    return float(next(c.cost for c in estimate.by_country if c.country == country))


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
