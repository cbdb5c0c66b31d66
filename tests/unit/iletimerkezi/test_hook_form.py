"""The hook's identity and form, and that importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

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


def test_importing_the_hook_pulls_in_no_heavy_modules():
    code = (
        "import sys; import airflow_provider_ileti.hooks.iletimerkezi; "
        "print('LOADED', sorted(m for m in ('lxml', 'phonenumbers', "
        "'airflow_provider_ileti.clients.iletimerkezi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # requests and httpx come with Airflow itself; lxml, phonenumbers and our client modules must not
    assert "LOADED []" in out
