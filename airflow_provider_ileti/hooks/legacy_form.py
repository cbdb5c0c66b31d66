"""Turn our ``conn-fields`` into the WTForms widgets Airflow 2.11–3.1 asks hooks for.

Those releases accept only ``StringField``, ``PasswordField``, ``IntegerField`` and ``BooleanField`` (a hook
that offers another class loses its whole form), so a choice is a text field checked against its values and
a fractional number a text field checked as a number. Every field starts from its schema's ``default``: a
checkbox for ``verify_ssl`` starts ticked, so an untouched form never turns TLS verification off.

Imported only when Airflow builds its connection form, never when a DAG is parsed.
"""

from __future__ import annotations

from typing import Any


def _is_number(form: Any, field: Any) -> None:
    from wtforms.validators import ValidationError

    if field.data in (None, ""):
        return
    try:
        float(str(field.data).strip())
    except ValueError:
        raise ValidationError("must be a number of seconds, e.g. 30 or 2.5") from None


def widgets_for(conn_fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import BooleanField, IntegerField, PasswordField, StringField
    from wtforms.validators import AnyOf, NumberRange, Optional

    widgets: dict[str, Any] = {}
    for name, spec in conn_fields.items():
        schema = spec["schema"]
        types = schema["type"]
        label = lazy_gettext(spec["label"])
        description = spec.get("description", "")
        default = schema.get("default")
        text = {"widget": BS3TextFieldWidget(), "description": description, "default": default}
        if "boolean" in types:
            widgets[name] = BooleanField(label, description=description, default=bool(default))
        elif "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            text["description"] = f"{description} One of: {', '.join(values)}."
            widgets[name] = StringField(label, validators=[Optional(), AnyOf(values)], **text)
        elif "integer" in types:
            validators: list[Any] = [Optional(strip_whitespace=True)]
            if schema.get("minimum") is not None or schema.get("maximum") is not None:
                validators.append(NumberRange(min=schema.get("minimum"), max=schema.get("maximum")))
            widgets[name] = IntegerField(label, validators=validators, **text)
        elif "number" in types:  # fractions allowed (a 2.5 s timeout); the hook checks the minimum too
            widgets[name] = StringField(
                label, validators=[Optional(strip_whitespace=True), _is_number], **text
            )
        elif schema.get("format") == "password":  # the same rule Airflow >= 3.2 applies
            widgets[name] = PasswordField(label, widget=BS3PasswordFieldWidget(), description=description)
        else:
            widgets[name] = StringField(label, **text)
    return widgets
