"""The same person on Airflow 2.11: our form (labels, defaults, hidden fields) reaches the legacy UI, the
Test button answers right and wrong credentials and an edited form whose secret was not typed again, and
the nightly report is triggered from "Trigger DAG" and read in the grid's log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_ileti.sandbox.local_airflow import LocalAirflow
from airflow_provider_ileti.sandbox.process import SandboxProcess
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS

from . import airflow2_ui as ui
from .test_airflow_ui import CASES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        AIRFLOW_V_3_0_PLUS, reason="the Airflow 2.11 UI; Airflow 3's is in test_airflow_ui.py"
    ),
]


@pytest.mark.parametrize("conn_type", list(CASES))
def test_the_legacy_form_adds_tests_and_edits_a_connection(
    page: Any, local_airflow: LocalAirflow, ui_sandbox: SandboxProcess, screenshots: Path, conn_type: str
) -> None:
    source_id, secrets, wrong, ok_text, wrong_text = CASES[conn_type]
    source = json.loads(ui_sandbox.env[f"AIRFLOW_CONN_{source_id.upper()}"])
    base, conn_id = local_airflow.url, f"ui2_{conn_type}"

    ui.open_add_form(page, base, conn_id, conn_type, {"host": source["host"], **secrets})
    assert page.locator("#port").is_hidden() and page.locator("#schema").is_hidden()
    assert page.locator(f"#extra__{conn_type}__verify_ssl").is_checked()  # TLS verification stays on
    assert page.locator(f"#extra__{conn_type}__timeout").input_value() == "30"
    page.screenshot(path=str(screenshots / f"airflow2-connection-form-{conn_type}.png"), full_page=True)

    ok, message, alert = ui.press_test(page)
    assert ok and ok_text in message and message in alert, message
    page.fill("#password", wrong["password"])
    ok, message, alert = ui.press_test(page)
    assert not ok and wrong_text in message.lower() and wrong["password"] not in alert, message
    page.fill("#password", secrets["password"])
    ui.save(page)

    # Airflow 2.11 does not send a saved secret back: say so instead of "wrong credentials"
    ui.open_edit_form(page, base, conn_id)
    ok, message, _ = ui.press_test(page)
    assert not ok and "is empty: type it into the form" in message, message


def test_the_nightly_report_is_triggered_from_the_ui_and_read_in_its_log(
    page: Any, local_airflow: LocalAirflow, ui_sandbox: SandboxProcess
) -> None:
    import pendulum

    from airflow_provider_ileti.clients.node.client import NodeClient

    source = json.loads(ui_sandbox.env["AIRFLOW_CONN_NODE_SMS_DEFAULT"])
    sender = source["extra"]["default_sender"]
    client = NodeClient(source["host"], source["login"], source["password"], default_sender=sender)
    client.create_sms(sending_type=1, numbers=["905321000001", "905321000009"], content="Rapor denemesi")
    client.close()
    day = pendulum.parse(ui_sandbox.admin().clock()["now"]).in_timezone("Europe/Istanbul").to_date_string()

    base, run_id = local_airflow.url, "ui_report_" + pendulum.now("UTC").format("YYYYMMDDHHmmss")
    page.request.patch(
        f"{base}/api/v1/dags/ileti_nightly_report?update_mask=is_paused", data={"is_paused": False}
    )
    ui.trigger_dag(page, base, "ileti_nightly_report", {"day": day}, run_id)
    assert ui.wait_for_run(page, base, "ileti_nightly_report", run_id) == "success"
    shown = ui.task_log_text(page, base, "ileti_nightly_report", run_id, "write_report")
    assert f"SMS delivery on {day} (Türkiye)" in shown and "905321000001" not in shown
