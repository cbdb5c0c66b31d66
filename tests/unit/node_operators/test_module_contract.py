"""What every Node-only operator promises: cheap to import, templated fields that exist, a Node conn id."""

from __future__ import annotations

import importlib

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
