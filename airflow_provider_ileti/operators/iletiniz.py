"""``IletinizQuotaGateOperator``: stop a DAG before a send the İletiniz plan cannot cover.

It reads the account (one request, nothing is sent) and fails — with the plan's upgrade link, and without
retries, since waiting does not add quota — when the workspace has no active plan or its remaining quota is
below the SMS parts of the planned text x the planned recipients (or, for a send of several texts, the
sum over ``planned_messages``).

Why a separate operator and not a flag of ``SendSmsOperator``: the gate runs before the data is final (a
task upstream, on a count from XCom), fails for good without touching the send's retry state, and can sit
in front of a branch; the send itself stays service-neutral (the generic ``SmsBalanceGateOperator`` asks
the same ``check_quota`` on any connection).

``IletinizTemplateSendOperator``: İletiniz's server-side templates (``template`` + ``variables`` instead of a
text) through the send's guarantees — every row checked before the first request (template key, each
recipient's variables, the number), at most once per chunk, the chunk fingerprint on a retry (it covers
the template and every variable). It is ``SendSmsOperator`` with a renderer that makes each recipient's
variables instead of a text (``clients.iletiniz.templates``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.operators.send import SendArguments, SendSmsOperator
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.personal_data import reveal
from airflow_provider_ileti.tasks.recipients import MessageRenderer
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.hooks.base import AnyIletiHook


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


#: What ``SendSmsOperator`` is given as its per-recipient template: replaced by ``_TemplateVariables``
#: before any row is read (the base class asks for a text template or a message; a template send has neither).
_NO_TEXT = "(İletiniz renders the text)"


class IletinizTemplateSendOperator(SendSmsOperator):
    """Send an İletiniz server-side template, each recipient with its own variables, exactly once.

    :param template: the template's key in the İletiniz workspace (templated), e.g. ``order_shipped``.
    :param recipients: numbers, or mappings with a number field and the recipient's variables (templated;
        a list, an XCom, a rendered JSON string), or ``recipients_csv``: as ``SendSmsOperator``.
    :param variables: values every recipient gets (templated; a mapping of name -> text or number, or
        its JSON), e.g. a campaign code; a recipient's own values win.
    :param variables_field: the field of a mapping recipient holding its variables (a mapping, or a JSON
        object as text: a CSV cell, a JSON column). Default ``variables``; a row without it has none.
    :param variable_columns: instead (or as well), columns of the row taken as variables of the same name
        (a CSV or SQL row: ``["name", "order"]``); a row without a value in one fails the check.
    :param required_variables: the names the template needs (İletiniz lists no template's slots, so say
        them): a recipient without one fails the first pass, naming its row and masked number, and
        nothing is sent.
    :param conn_id: an ``iletiniz`` connection (default ``iletiniz_default``); its ``provider`` extra picks
        the provider, as for a text.

    Every other argument (``chunk_size``, ``sender``, ``commercial``, ``wait_for_delivery``, ``campaign_id``,
    ``on_ambiguous``, ...) is ``SendSmsOperator``'s. Returns its result (references, chunks, recipients).
    """

    template_fields: Sequence[str] = (*SendSmsOperator.template_fields, "template", "variables")
    personal_fields: Sequence[str] = ("recipients", "variables")
    ui_color = "#ffe9d6"

    def __init__(
        self,
        *,
        template: str,
        variables: Mapping[str, Any] | str | None = None,
        variables_field: str | None = "variables",
        variable_columns: Sequence[str] | None = None,
        required_variables: Sequence[str] | str | None = None,
        conn_id: str = "iletiniz_default",
        **kwargs: Any,
    ) -> None:
        for name in ("message", "message_template"):
            if kwargs.get(name) is not None:
                raise ValidationError(name, "<given>", "a template send has no text: İletiniz renders it")
        kwargs.pop("message", None)
        kwargs["message_template"] = _NO_TEXT
        super().__init__(conn_id=conn_id, **kwargs)
        self.template = template
        self.variables = variables
        self.variables_field = variables_field
        self.variable_columns = variable_columns
        self.required_variables = required_variables

    def validate_arguments(self) -> SendArguments:
        """The base class's checks, then the template's: the key, the shared variables, the names."""
        from airflow_provider_ileti.clients.iletiniz.templates import check_template_key, check_variables

        template = check_template_key(self.template)
        shared = reveal(self.variables)
        if isinstance(shared, str):
            try:
                shared = json.loads(shared) if shared.strip() else None
            except ValueError:
                raise ValidationError("variables", "<text>", "must be a mapping (or its JSON)") from None
        shared = check_variables(shared) if shared is not None else {}
        if self.variables_field is not None and (
            not isinstance(self.variables_field, str) or not self.variables_field
        ):
            raise ValidationError("variables_field", self.variables_field, "must be a field name or None")
        renderer = _TemplateVariables(
            template,
            shared,
            variables_field=self.variables_field,
            columns=_names("variable_columns", self.variable_columns),
            required=_names("required_variables", self.required_variables),
        )
        return dataclasses.replace(super().validate_arguments(), renderer=renderer)

    def _hook(self) -> AnyIletiHook:
        hook = super()._hook()
        if hook.conn_type != "iletiniz":
            raise ValidationError(
                "conn_id",
                self.conn_id,
                f"must be an İletiniz connection (this one is {hook.conn_type}): templates are İletiniz's",
            )
        return hook


class _TemplateVariables(MessageRenderer):
    """A recipient's "text" for the send: its template message (``encode_template_text``), checked."""

    def __init__(
        self,
        template: str,
        shared: Mapping[str, Any],
        *,
        variables_field: str | None,
        columns: tuple[str, ...],
        required: tuple[str, ...],
    ) -> None:
        # no Jinja to compile: the base class's __init__ is not needed
        self.field = "template"
        self.template = template
        self.shared = dict(shared)
        self.variables_field = variables_field
        self.columns = columns
        self.required = required

    def render(self, fields: Mapping[str, Any], *, where: str) -> str:
        from airflow_provider_ileti.clients.iletiniz.templates import encode_template_text, row_variables

        values = row_variables(
            fields,
            where=where,
            shared=self.shared,
            variables_field=self.variables_field,
            columns=self.columns,
            required=self.required,
        )
        return encode_template_text(self.template, values)


def _names(field: str, value: Any) -> tuple[str, ...]:
    """Variable names given as a list or a comma-separated text."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Mapping) or not isinstance(value, list | tuple):
        raise ValidationError(field, type(value).__name__, "must be a list of names")
    for name in value:
        if not isinstance(name, str) or not name:
            raise ValidationError(field, name, "must be a list of names")
    return tuple(value)
