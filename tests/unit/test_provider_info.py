"""get_provider_info() forms agree with the hooks' legacy form methods; Airflow lists node_sms."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_ileti import connection_forms
from airflow_provider_ileti.get_provider_info import get_provider_info
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_2_PLUS

CONN_TYPES = ("node_sms", "iletimerkezi", "iletiniz", "wisecp")


def _connection_types() -> dict[str, dict]:
    return {c["connection-type"]: c for c in get_provider_info()["connection-types"]}


def _hook_class(info: dict) -> type:
    module, _, name = info["hook-class-name"].rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def test_all_four_connection_types_are_declared() -> None:
    assert set(CONN_TYPES) <= set(_connection_types())


@pytest.mark.parametrize("conn_type", CONN_TYPES)
def test_hook_class_attributes_match(conn_type: str) -> None:
    info = _connection_types()[conn_type]
    hook = _hook_class(info)
    assert hook.conn_type == conn_type
    assert hook.hook_name == info["hook-name"]
    assert hook.default_conn_name == f"{conn_type}_default"


@pytest.mark.parametrize("conn_type", CONN_TYPES)
def test_ui_field_behaviour_agrees(conn_type: str) -> None:
    """The legacy form (2.11-3.1) and the declarative one show the same fields, labels and placeholders
    (Port aside: only Airflow 3.3.0-3.3.2's Test button needs it)."""
    legacy = _hook_class(_connection_types()[conn_type]).get_ui_field_behaviour()
    ui = connection_forms.ui_field_behaviour(conn_type, show_port=False)
    assert legacy["hidden_fields"] == ui["hidden-fields"]
    assert legacy["relabeling"] == ui["relabeling"]
    assert legacy["placeholders"] == ui["placeholders"]


@pytest.mark.parametrize("conn_type", CONN_TYPES)
def test_every_hook_class_defines_its_own_form_methods(conn_type: str) -> None:
    """Airflow 2.11 takes the form methods only from the hook class's own ``__dict__``."""
    hook = _hook_class(_connection_types()[conn_type])
    assert "get_connection_form_widgets" in hook.__dict__
    assert "get_ui_field_behaviour" in hook.__dict__


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        ("2.11.2", False),
        ("3.2.1", False),
        ("3.3.0", True),
        ("3.3.2", True),
        ("3.3.3", False),
        ("3.4.0", False),
    ],
)
def test_port_is_shown_only_where_the_test_button_needs_it(version: str, shown: bool) -> None:
    assert connection_forms.test_button_needs_port(version) is shown
    for conn_type in CONN_TYPES:
        hidden = connection_forms.ui_field_behaviour(conn_type, show_port=shown)["hidden-fields"]
        assert ("port" in hidden) is not shown, conn_type


@pytest.mark.skipif(
    AIRFLOW_V_3_2_PLUS and importlib.util.find_spec("flask_appbuilder") is None,
    reason="Airflow >= 3.2 reads conn-fields; the legacy widgets need flask_appbuilder (checked on 2.11)",
)
@pytest.mark.parametrize("conn_type", CONN_TYPES)
def test_widgets_agree_with_conn_fields(conn_type: str) -> None:
    """Only the four field classes Airflow 2.11 accepts; every default carried over."""
    info = _connection_types()[conn_type]
    widgets = _hook_class(info).get_connection_form_widgets()
    fields = info["conn-fields"]
    assert set(widgets) == set(fields)
    for name, spec in fields.items():
        field = widgets[name]
        schema = spec["schema"]
        kind = field.field_class.__name__
        assert kind in {"StringField", "PasswordField", "IntegerField", "BooleanField"}, name
        assert str(field.args[0]) == spec["label"]
        assert field.kwargs.get("description", "").startswith(spec.get("description", ""))
        # Sensitive on one form means sensitive on the other (Airflow >= 3.2: schema format "password").
        assert (kind == "PasswordField") == (schema.get("format") == "password"), name
        if "boolean" in schema["type"]:
            assert kind == "BooleanField", name
            assert field.kwargs["default"] is bool(schema.get("default")), name
        elif "integer" in schema["type"]:
            assert kind == "IntegerField", name
        if kind != "PasswordField" and "default" in schema:
            assert field.kwargs["default"] == schema["default"], name


@pytest.mark.skipif(
    AIRFLOW_V_3_2_PLUS and importlib.util.find_spec("flask_appbuilder") is None,
    reason="the legacy widgets need flask_appbuilder (checked on 2.11)",
)
@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [("timeout", "30", True), ("timeout", "2.5", True), ("timeout", "30s", False), ("timeout", "", True)],
)
def test_legacy_number_field_checks_what_is_typed(field: str, value: str, valid: bool) -> None:
    from flask import Flask
    from wtforms import Form

    widget = _hook_class(_connection_types()["node_sms"]).get_connection_form_widgets()[field]
    form_class = type("F", (Form,), {field: widget})
    with Flask(__name__).test_request_context():
        from werkzeug.datastructures import MultiDict

        form = form_class(MultiDict({field: value}))
        assert form.validate() is valid, form.errors


def test_every_secret_extra_is_declared_sensitive() -> None:
    """Extras that hold secrets must carry ``"format": "password"`` so Airflow >= 3.2 masks them in its UI."""
    for conn_type, info in _connection_types().items():
        for name, spec in info["conn-fields"].items():
            if name in ("api_secret", "api_key", "token", "client_secret"):
                assert spec["schema"].get("format") == "password", (conn_type, name)


@pytest.mark.parametrize("conn_type", CONN_TYPES)
def test_conn_fields_have_labels_and_descriptions(conn_type: str) -> None:
    for name, spec in _connection_types()[conn_type]["conn-fields"].items():
        assert spec["label"] and spec.get("description"), name
        assert "type" in spec["schema"]


@pytest.mark.parametrize("listing", ["widgets", "behaviours"])
def test_airflow_providers_lists_our_form_for_every_type(tmp_path: Path, listing: str) -> None:
    """What Airflow itself sees (2.11: the hooks' own methods; >= 3.2: conn-fields), not our methods."""
    airflow = Path(sys.executable).with_name("airflow")
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    done = subprocess.run(
        [str(airflow), "providers", listing, "--output", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = done.stdout
    for conn_type in CONN_TYPES:
        if listing == "widgets":
            assert f"extra__{conn_type}__timeout" in text, (conn_type, text[-2000:])
        else:
            assert f'"{conn_type}"' in text, (conn_type, text[-2000:])


def test_airflow_providers_hooks_lists_node_sms(tmp_path: Path) -> None:
    airflow = Path(sys.executable).with_name("airflow")
    assert airflow.exists(), f"no airflow executable next to {sys.executable}"
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    done = subprocess.run(
        [str(airflow), "providers", "hooks", "--output", "plain"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if "node_sms" in line]
    assert lines, done.stdout[-2000:]
    assert "NodeSmsHook" in lines[0] or "airflow-provider-ileti" in lines[0]


#: Our own base classes, which users do not instantiate (so their modules need no listing).
ABSTRACT_BASES = {"IletiHook", "NodeBaseOperator"}


def _declared_modules(kind: str) -> set[str]:
    return {m for group in get_provider_info()[kind] for m in group["python-modules"]}


def _package_modules(folder: str) -> list[str]:
    root = Path(__file__).resolve().parents[2] / "airflow_provider_ileti" / folder
    names = sorted(p.stem for p in root.glob("*.py") if p.stem != "__init__")
    return [f"airflow_provider_ileti.{folder}.{name}" for name in names]


@pytest.mark.parametrize(
    ("kind", "folder", "base_name"),
    [
        ("operators", "operators", "BaseOperator"),
        ("sensors", "sensors", "BaseSensorOperator"),
        ("triggers", "triggers", "BaseTrigger"),
        ("hooks", "hooks", "BaseHook"),
    ],
)
def test_every_public_class_module_is_declared(kind: str, folder: str, base_name: str) -> None:
    """A module defining an operator (sensor, trigger, hook) of ours is listed; no listed one is missing.

    Helper modules (recipients, exactly_once, the abstract bases, ...) define no concrete class and are not
    listed; an operator module left out would be invisible in ``airflow providers operators``.
    """
    import inspect

    declared = _declared_modules(kind)
    defining = set()
    for module_name in _package_modules(folder):
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module_name or cls.__name__ in ABSTRACT_BASES:
                continue
            if any(b.__name__ == base_name for b in cls.__mro__[1:]):
                defining.add(module_name)
    assert defining == declared


def test_declared_notifier_imports() -> None:
    for path in get_provider_info()["notifications"]:
        module, _, name = path.rpartition(".")
        assert hasattr(importlib.import_module(module), name), path


def test_every_integration_named_by_a_group_is_declared() -> None:
    info = get_provider_info()
    names = {i["integration-name"] for i in info["integrations"]}
    for kind in ("hooks", "operators", "sensors", "triggers"):
        for group in info[kind]:
            assert group["integration-name"] in names, (kind, group["integration-name"])


def test_every_transfer_module_is_declared_and_names_known_integrations() -> None:
    """``transfers/`` modules that define an operator are listed (``airflow providers`` shows them), and each
    entry names our integration as its target and common-sql's as its source, as official providers do."""
    import inspect

    from airflow.providers.common.sql.get_provider_info import get_provider_info as common_sql_info

    info = get_provider_info()
    declared = {t["python-module"] for t in info["transfers"]}
    defining = set()
    for module_name in _package_modules("transfers"):
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module_name and any(b.__name__ == "BaseOperator" for b in cls.__mro__[1:]):
                defining.add(module_name)
    assert defining == declared == {"airflow_provider_ileti.transfers.sql_to_sms"}
    ours = {i["integration-name"] for i in info["integrations"]}
    common_sql = {i["integration-name"] for i in common_sql_info()["integrations"]}
    for transfer in info["transfers"]:
        assert transfer["target-integration-name"] in ours
        assert transfer["source-integration-name"] in common_sql


def test_provider_info_matches_airflows_schema() -> None:
    """What Airflow's providers manager validates at start-up (its ``provider_info.schema.json``)."""
    import json

    import airflow
    import jsonschema

    schema_path = Path(airflow.__file__).with_name("provider_info.schema.json")
    jsonschema.validate(get_provider_info(), json.loads(schema_path.read_text("utf-8")))
