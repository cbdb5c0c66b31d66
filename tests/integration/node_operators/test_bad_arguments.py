"""Every bad argument of every Node-only operator fails before any request reaches the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.operators.node_blacklist import NodeBlacklistOperator
from airflow_provider_ileti.operators.node_cancel import NodeCancelPackageOperator
from airflow_provider_ileti.operators.node_contacts_import import NodeImportContactsOperator
from airflow_provider_ileti.operators.node_groups import (
    NodeCreateContactGroupOperator,
    NodeDeleteContactGroupOperator,
    NodeListContactGroupsOperator,
    NodeUpdateContactGroupOperator,
)
from airflow_provider_ileti.operators.node_kvkk import NodeKvkkConsentOperator
from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from airflow_provider_ileti.operators.node_periodic import NodePeriodicCampaignOperator
from airflow_provider_ileti.operators.node_recreate import NodeRecreatePackageOperator
from airflow_provider_ileti.operators.node_reports import NodeInquiryNumberOperator, NodeSummaryReportOperator
from tests.integration.node_operators.conftest import ctx, node_requests

OTP = {"number": "5555550001", "content": "Kod"}
PERSON = {"phone": "5555550001", "first_name": "A", "last_name": "B"}
KVKK = {"recipients": [PERSON], "content": "SHORT_LINK"}
PERIODIC = {"numbers": ["5555550001"], "content": "x", "period_type": 1}

CASES: list[tuple[type, dict[str, Any], str]] = [
    (NodeOtpOperator, {**OTP, "number": "12"}, "number"),
    (NodeOtpOperator, {**OTP, "content": " "}, "content"),
    (NodeOtpOperator, {**OTP, "validity": 10}, "validity"),
    (NodeOtpOperator, {**OTP, "trust_date": "not a date"}, "trust_date"),
    (NodeOtpOperator, {**OTP, "push_url": "mailto:x"}, "push_url"),
    (NodeOtpOperator, {**OTP, "custom_id": "has space"}, "custom_id"),
    (NodeOtpOperator, {**OTP, "encoding": 9}, "encoding"),
    (NodeKvkkConsentOperator, {**KVKK, "content": "no link"}, "SHORT_LINK"),
    (NodeKvkkConsentOperator, {**KVKK, "recipients": [{**PERSON, "last_name": ""}]}, "last_name"),
    (NodeKvkkConsentOperator, {**KVKK, "recipients": [PERSON, {**PERSON, "phone": "1"}]}, "number"),
    (NodeKvkkConsentOperator, {**KVKK, "validity": 10}, "validity"),
    (NodeRecreatePackageOperator, {"title": "t", "include_new_numbers": True}, "package_id"),
    (NodeRecreatePackageOperator, {"package_id": 1, "title": "", "include_new_numbers": True}, "title"),
    (NodeCancelPackageOperator, {"package_id": 1, "uuid": "u"}, "package_id"),
    (NodeCancelPackageOperator, {"custom_id": "ş"}, "custom_id"),
    (NodePeriodicCampaignOperator, {**PERIODIC, "period_type": 9}, "period_type"),
    (NodePeriodicCampaignOperator, {**PERIODIC, "period_type": 0, "interval": 1, "amount": 999}, "amount"),
    (NodePeriodicCampaignOperator, {**PERIODIC, "numbers": []}, "numbers"),
    (NodeBlacklistOperator, {"action": "flip", "numbers": ["5555550001"]}, "action"),
    (NodeBlacklistOperator, {"numbers": ["1"], "return_invalids": False}, "numbers"),
    (NodeBlacklistOperator, {}, "numbers"),
    (NodeCreateContactGroupOperator, {"title": ""}, "title"),
    (NodeUpdateContactGroupOperator, {"uuid": "u", "title": "t", "gsms": ["1"]}, "gsms"),
    (NodeDeleteContactGroupOperator, {}, "uuid"),
    (NodeListContactGroupsOperator, {"limit": -1}, "limit"),
    (NodeSummaryReportOperator, {"finish_date": "2026-01-01T00:00:00"}, "start_date"),
    (
        NodeInquiryNumberOperator,
        {
            "numbers": ["5555550001"],
            "start_date": "2026-01-01T00:00:00",
            "finish_date": "2026-06-01T00:00:00",
        },
        "3 months",
    ),
    (NodeInquiryNumberOperator, {"numbers": []}, "numbers"),
]


@pytest.mark.parametrize(("operator", "kwargs", "field"), CASES)
def test_bad_argument_makes_no_request(node, operator, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        operator(task_id="bad", **kwargs).execute(ctx("bad"))
    assert node_requests(node) == []


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        (["GSM,FIRST_NAME", "5555550001,A", "bad,B"], "csv line 3"),
        (["GSM,FIRST_NAME", "5555550001,O'Neil"], "single quote"),
        (["NAME", "A"], "GSM"),
    ],
)
def test_bad_csv_makes_no_request(node, tmp_path: Path, lines, field):
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AirflowFailException, match=field):
        NodeImportContactsOperator(task_id="imp", csv_path=str(path)).execute(ctx("imp"))
    assert node_requests(node) == []
