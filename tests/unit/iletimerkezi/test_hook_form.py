"""The hook's identity and form (its import cost: ``tests/unit/test_imports.py``)."""

from __future__ import annotations

from airflow_provider_ileti.connection_forms import CONNECTION_FORMS
from airflow_provider_ileti.hooks.iletimerkezi import IletiMerkeziHook


def test_identity():
    assert IletiMerkeziHook.conn_type == "iletimerkezi"
    assert IletiMerkeziHook.default_conn_name == "iletimerkezi_default"
    assert CONNECTION_FORMS["iletimerkezi"]["hook-class-name"].endswith("hooks.iletimerkezi.IletiMerkeziHook")


def test_ui_behaviour_from_the_form():
    ui = IletiMerkeziHook.get_ui_field_behaviour()
    assert ui["relabeling"]["login"] == "API key"
    assert {"api_secret", "format", "auth_method"} <= set(CONNECTION_FORMS["iletimerkezi"]["conn-fields"])
