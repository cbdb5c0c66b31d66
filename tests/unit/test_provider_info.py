"""get_provider_info() forms agree with the hooks' legacy form methods; Airflow lists node_sms."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    info = _connection_types()[conn_type]
    legacy = _hook_class(info).get_ui_field_behaviour()
    ui = info["ui-field-behaviour"]
    assert legacy["hidden_fields"] == ui["hidden-fields"]
    assert legacy["relabeling"] == ui["relabeling"]
    assert legacy["placeholders"] == ui["placeholders"]


@pytest.mark.skipif(
    AIRFLOW_V_3_2_PLUS and importlib.util.find_spec("flask_appbuilder") is None,
    reason="Airflow >= 3.2 reads conn-fields; the legacy widgets need flask_appbuilder (checked on 2.11)",
)
@pytest.mark.parametrize("conn_type", CONN_TYPES)
def test_widgets_agree_with_conn_fields(conn_type: str) -> None:
    info = _connection_types()[conn_type]
    widgets = _hook_class(info).get_connection_form_widgets()
    fields = info["conn-fields"]
    assert set(widgets) == set(fields)
    for name, spec in fields.items():
        field = widgets[name]
        schema = spec["schema"]
        assert str(field.args[0]) == spec["label"]
        assert field.kwargs.get("description", "") == spec.get("description", "")
        # Sensitive on one form means sensitive on the other (Airflow >= 3.2: schema format "password").
        assert (field.field_class.__name__ == "PasswordField") == (schema.get("format") == "password"), name
        if "enum" in schema:
            assert [v for v, _ in field.kwargs["choices"]] == [v for v in schema["enum"] if v is not None]
        elif "number" in schema["type"]:
            assert field.field_class.__name__ == "FloatField", name
        elif "integer" in schema["type"]:
            assert field.field_class.__name__ == "IntegerField", name
        elif "boolean" in schema["type"]:
            assert field.field_class.__name__ == "BooleanField", name


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
