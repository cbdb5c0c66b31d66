"""Templated fields render in a DAG on both Airflow lines, and the rendered strings pass validation.

Without native rendering a template gives a string: ``"3"`` for a validity, ``"['g1', 'g2']"`` for a
list from params/XCom. The operators accept those forms.
"""

from __future__ import annotations

import pendulum
from airflow.providers.common.compat.sdk import DAG

from airflow_provider_ileti.operators.node_blacklist import NodeBlacklistOperator
from airflow_provider_ileti.operators.node_contacts_import import NodeImportContactsOperator
from airflow_provider_ileti.operators.node_kvkk import NodeKvkkConsentOperator
from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from airflow_provider_ileti.operators.node_reports import NodeSummaryReportOperator

PARAMS = {
    "number": "0555 555 00 01",
    "code": "4829",
    "validity": 3,
    "groups": ["g1", "g2"],
    "numbers": ["5555550001", "5555550002"],
    "people": [{"phone": "5555550001", "first_name": "Ayşe", "last_name": "Yılmaz"}],
    "conn": "node_sms_other",
}


def render(op, **extra):
    op.render_template_fields({"params": PARAMS, "ds": "2026-01-01", **extra})
    return op


def test_rendered_templates_validate(tmp_path):
    with DAG("node_templates", start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), schedule=None):
        otp = NodeOtpOperator(
            task_id="otp",
            node_sms_conn_id="{{ params.conn }}",
            number="{{ params.number }}",
            content="Kod {{ params.code }}",
            validity="{{ params.validity }}",
            trust_date="{{ ds }}T00:00:00",
        )
        bl = NodeBlacklistOperator(task_id="bl", numbers="{{ params.numbers }}", uuids="{{ params.groups }}")
        kvkk = NodeKvkkConsentOperator(
            task_id="kvkk", recipients="{{ params.people | tojson }}", content="SHORT_LINK FIRST_NAME"
        )
        imp = NodeImportContactsOperator(
            task_id="imp", csv_path=str(tmp_path / "{{ ds }}.csv"), group_uuids="{{ params.groups }}"
        )
        summary = NodeSummaryReportOperator(task_id="s", start_date="{{ ds }}T00:00:00")
    (tmp_path / "2026-01-01.csv").write_text("GSM\n5555550001\n", encoding="utf-8")

    args = render(otp).validate()
    assert otp.node_sms_conn_id == "node_sms_other"
    assert args["number"] == "905555550001" and args["validity"] == 3 and args["content"] == "Kod 4829"
    assert args["trust_date"].isoformat() == "2026-01-01T00:00:00+00:00"
    args = render(bl).validate()
    assert args["numbers"] == ["905555550001", "905555550002"] and args["uuids"] == ["g1", "g2"]
    assert render(kvkk).validate()["persons"][0].first_name == "Ayşe"
    args = render(imp).validate()
    assert args["group_uuids"] == ["g1", "g2"] and args["rows"] == 1
    assert render(summary).validate()["start"].isoformat() == "2026-01-01T00:00:00+00:00"
