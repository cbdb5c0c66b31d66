"""Turn our ``conn-fields`` into the WTForms widgets Airflow 2.11–3.1 asks hooks for.

Imported only when Airflow builds its connection form, never when a DAG is parsed.
"""

from __future__ import annotations

from typing import Any


def widgets_for(conn_fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import BooleanField, FloatField, IntegerField, PasswordField, SelectField, StringField
    from wtforms.validators import NumberRange, Optional

    widgets: dict[str, Any] = {}
    for name, spec in conn_fields.items():
        types = spec["schema"]["type"]
        label = lazy_gettext(spec["label"])
        description = spec.get("description", "")
        if "boolean" in types:
            widgets[name] = BooleanField(label, description=description)
        elif "enum" in spec["schema"]:
            choices = [(v, v) for v in spec["schema"]["enum"] if v is not None]
            widgets[name] = SelectField(
                label, choices=choices, description=description, validators=[Optional()]
            )
        elif "integer" in types or "number" in types:
            minimum = spec["schema"].get("minimum")
            validators = [Optional(strip_whitespace=True)]
            if minimum is not None:
                validators.append(NumberRange(min=minimum))
            # "number" admits fractions (a 2.5 s timeout); "integer" does not.
            field_class = IntegerField if "number" not in types else FloatField
            widgets[name] = field_class(
                label, widget=BS3TextFieldWidget(), validators=validators, description=description
            )
        elif spec["schema"].get("format") == "password":  # the same rule Airflow >= 3.2 applies
            widgets[name] = PasswordField(label, widget=BS3PasswordFieldWidget(), description=description)
        else:
            widgets[name] = StringField(label, widget=BS3TextFieldWidget(), description=description)
    return widgets
