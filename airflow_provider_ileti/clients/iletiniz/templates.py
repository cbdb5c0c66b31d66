"""İletiniz server-side templates: a send names a template and gives each recipient's variables; İletiniz
renders the text.

Public (the official SDK v0.1.0): ``POST /v1/messages`` takes ``template`` + ``variables`` instead of
``body``; ``POST /v1/messages/bulk`` takes one ``template`` for the request and ``variables`` per item
(``{to, body? | variables?}``). Not public, so guessed here, each a named constant: what a template key
may be (``TEMPLATE_KEY``), what a variable name may be (``VARIABLE_NAME``), how long a value may be
(``MAX_VALUE_CHARS``). Values are texts or numbers: a JSON object of anything else (a list, a nested
object, ``null``) has no one way to become words in an SMS, so it is refused before the request.

Through the service-neutral send (``SendSmsOperator``'s chunks, fingerprints and spill), a template
message travels as a ``SmsMessage`` whose text is ``encode_template_text(template, variables)``: a NUL,
a marker and canonical JSON. No real text can start with a NUL (``core.text_rules`` refuses it in every
client), so the İletiniz client reads it back without doubt, and any other client refuses it instead of
sending the JSON as words. The canonical JSON (sorted keys) also makes a chunk's fingerprint cover the
template and every variable, so a retry whose variables changed stops before sending.
"""

from __future__ import annotations

import decimal
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.clients.iletiniz import SERVICE
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number, mask_text
from airflow_provider_ileti.core.text_rules import check_message_text

#: Guess (no rule is public): a template key as İletiniz's panel would name one — a letter or digit, then
#: letters, digits, ``_``, ``.`` or ``-``, at most 64 in all (``order_shipped``, ``kampanya.2026-12``).
#: Spaces and other characters are refused before the request rather than sent to a 404.
TEMPLATE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: Guess: a variable is a slot ``{name}`` in the template's text, so its name is an identifier.
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
#: Guess: a value ends up in the message body, and a body is at most 1600 characters (the SDK's rule).
MAX_VALUE_CHARS = 1600
#: A value İletiniz can render: a text or a number (``bool`` is refused: ``True`` is not a number to send).
Value = str | int | float

#: What starts the text of a template message inside a service-neutral ``SendBatch`` (see the docstring).
TEMPLATE_TEXT_PREFIX = "\x00iletiniz-template:"


def check_template_key(value: Any, field: str = "template") -> str:
    """``value`` if it is a template key (``TEMPLATE_KEY``), else a ``ValidationError`` naming ``field``."""
    if not isinstance(value, str) or not TEMPLATE_KEY.fullmatch(value):
        shown = value if isinstance(value, str) and len(value) <= 80 else f"<{type(value).__name__}>"
        raise ValidationError(
            field,
            shown,
            "must be an İletiniz template key: a letter or digit, then letters, digits, _ . - "
            "(at most 64 characters)",
            service=SERVICE,
        )
    return value


def check_variables(values: Any, field: str = "variables") -> dict[str, Value]:
    """``values`` as a new dict of name -> text or number, every entry checked; the error names the entry.

    A value is shown in an error as its size or type, never its words (a name, an order number and a code
    are personal data). A ``Decimal`` (a SQL ``NUMERIC`` column) is sent as its text, exactly.
    """
    if not isinstance(values, Mapping):
        raise ValidationError(
            field,
            f"<{type(values).__name__}>",
            "must be a mapping of name -> text or number",
            service=SERVICE,
        )
    checked: dict[str, Value] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not VARIABLE_NAME.fullmatch(name):
            raise ValidationError(
                f"{field}.{name}" if isinstance(name, str) else field,
                name if isinstance(name, str) else f"<{type(name).__name__}>",
                "a variable name is a letter or _, then letters, digits or _ (at most 64)",
                service=SERVICE,
            )
        checked[name] = _value(value, f"{field}.{name}")
    return checked


def _value(value: Any, field: str) -> Value:
    if isinstance(value, str):
        check_message_text(value, field, service=SERVICE, allow_empty=True)
        if len(value) > MAX_VALUE_CHARS:
            raise ValidationError(
                field, mask_text(value), f"at most {MAX_VALUE_CHARS} characters", service=SERVICE
            )
        return value
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValidationError(field, "<Decimal>", "must be a finite number", service=SERVICE)
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(field, "<float>", "must be a finite number", service=SERVICE)
        return value
    shown = "<no value>" if value is None else f"<{type(value).__name__}>"
    raise ValidationError(field, shown, "must be a text or a number", service=SERVICE)


def encode_template_text(template: str, variables: Mapping[str, Value]) -> str:
    """The ``SmsMessage`` text that carries a template message (canonical: equal sends, equal texts)."""
    payload = json.dumps(
        [template, dict(variables)], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return TEMPLATE_TEXT_PREFIX + payload


def decode_template_text(text: str) -> tuple[str, dict[str, Value]] | None:
    """``(template, variables)`` of a text made by ``encode_template_text``; None for an ordinary text."""
    if not text.startswith(TEMPLATE_TEXT_PREFIX):
        return None
    template, variables = json.loads(text[len(TEMPLATE_TEXT_PREFIX) :])
    return str(template), dict(variables)


def is_template_text(text: object) -> bool:
    return isinstance(text, str) and text.startswith(TEMPLATE_TEXT_PREFIX)


def row_variables(
    fields: Mapping[str, Any],
    *,
    where: str,
    shared: Mapping[str, Value] | None = None,
    variables_field: str | None = "variables",
    columns: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
) -> dict[str, Value]:
    """One recipient's variables: ``shared`` (the same for everyone), then the row's ``columns`` (a CSV or
    SQL row: the column's name is the variable's), then the mapping in its ``variables_field`` (a JSON
    object as text counts: a CSV cell, a JSON column); every one checked, every ``required`` name present.

    ``where`` names the row (``recipients[3]``); an error adds the row's number, masked.
    """
    row = f"{where} ({mask_number(str(fields.get('phone') or ''))})"
    values: dict[str, Any] = dict(shared or {})
    for column in columns:
        value = fields.get(column)
        if value is None:
            raise ValidationError(
                f"{row}.{column}",
                "<no value>",
                "the recipient has no value in this column, which variable_columns names",
                service=SERVICE,
            )
        values[column] = value
    own = fields.get(variables_field) if variables_field else None
    if isinstance(own, str):
        try:
            own = json.loads(own) if own.strip() else None
        except ValueError:
            raise ValidationError(
                f"{row}.{variables_field}", mask_text(own), "must be a JSON object", service=SERVICE
            ) from None
    if own is not None:
        if not isinstance(own, Mapping):
            raise ValidationError(
                f"{row}.{variables_field}",
                f"<{type(own).__name__}>",
                "must be a mapping of name -> text or number",
                service=SERVICE,
            )
        values.update(own)
    checked = check_variables(values, f"{row}.variables")
    missing = [name for name in required if name not in checked]
    if missing:
        raise ValidationError(
            f"{row}.variables",
            sorted(checked),
            f"lacks {', '.join(missing)}, which the template needs (required_variables)",
            service=SERVICE,
        )
    return checked
