"""What every Node-only operator promises: cheap to import, templated fields that exist, a Node conn id."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

MODULES = {
    "node_otp": ["NodeOtpOperator"],
    "node_kvkk": ["NodeKvkkConsentOperator"],
    "node_recreate": ["NodeRecreatePackageOperator"],
    "node_cancel": ["NodeCancelPackageOperator"],
    "node_periodic": ["NodePeriodicCampaignOperator"],
    "node_blacklist": ["NodeBlacklistOperator"],
    "node_contacts_import": ["NodeImportContactsOperator"],
    "node_groups": [
        "NodeCreateContactGroupOperator",
        "NodeUpdateContactGroupOperator",
        "NodeDeleteContactGroupOperator",
        "NodeListContactGroupsOperator",
    ],
    "node_reports": ["NodeSummaryReportOperator", "NodeInquiryNumberOperator"],
}
OPERATORS = [(module, name) for module, names in MODULES.items() for name in names]


@pytest.mark.parametrize(("module", "name"), OPERATORS)
def test_template_fields_are_attributes_and_the_conn_id_is_templated(module, name):
    cls = getattr(importlib.import_module(f"airflow_provider_ileti.operators.{module}"), name)
    assert "node_sms_conn_id" in cls.template_fields
    import inspect

    params = inspect.signature(cls.__init__).parameters
    for field in cls.template_fields:
        assert field == "node_sms_conn_id" or field in params, f"{name}.{field} is not an argument"


def test_importing_the_node_operators_adds_no_http_soap_xml_or_phone_library():
    """Airflow 3 loads httpx (Airflow 2 requests) with its SDK: only what *our* import adds counts."""
    code = (
        "import sys\n"
        "from airflow.providers.common.compat.sdk import BaseOperator, BaseHook\n"  # Airflow's own baseline
        "before = set(sys.modules)\n"
        + "".join(f"import airflow_provider_ileti.operators.{m}\n" for m in MODULES)
        + "heavy = {'requests', 'zeep', 'lxml', 'httpx', 'phonenumbers'}\n"
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_provider_info_lists_the_node_operator_modules():
    from airflow_provider_ileti.get_provider_info import get_provider_info

    listed = {m for entry in get_provider_info()["operators"] for m in entry["python-modules"]}
    assert {f"airflow_provider_ileti.operators.{m}" for m in MODULES} <= listed
