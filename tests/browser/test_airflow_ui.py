"""A person in the Airflow UI (Airflow 3 here; 2.11 in ``test_airflow2_ui.py``): each connection type added
through its form and tested with right and wrong credentials, the type found by searching "sms", and the
nightly report triggered from the Trigger dialog and read in the task's log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_ileti import connection_forms
from airflow_provider_ileti.connection_forms import CONNECTION_FORMS
from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.local_airflow import LocalAirflow
from airflow_provider_ileti.sandbox.process import SandboxProcess
from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS

from . import airflow3_ui as ui

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not AIRFLOW_V_3_0_PLUS, reason="the Airflow 3 UI; 2.11's is in test_airflow2_ui.py"),
]

#: conn type -> (the sandbox connection it copies, its fields as the form names them, a wrong secret,
#: what the Test message says when right, and when wrong)
CASES: dict[str, tuple[str, dict[str, str], dict[str, str], str, str]] = {
    "node_sms": (
        "node_sms_default",
        {"login": credentials.NODE_USERNAME, "password": credentials.NODE_PASSWORD},
        {"password": "not-the-password"},
        "SMS credits over REST",
        "authentication failed",
    ),
    "iletimerkezi": (
        "iletimerkezi_default",
        {"login": credentials.ILETIMERKEZI_KEY, "password": credentials.ILETIMERKEZI_HASH},
        {"password": "0" * 64},
        "SMS credits",
        "401",
    ),
    "iletiniz": (
        "iletiniz_default",
        {"password": credentials.ILETINIZ_API_KEY},
        {"password": "iltz_test_revoked"},
        "SMS left in the quota",
        "401",
    ),
    "wisecp": (
        "wisecp_default",
        {"password": credentials.WISECP_TOKEN},
        {"password": "not-the-token"},
        "EUR",
        "token",
    ),
}


def _fields(sandbox: SandboxProcess, conn_type: str, secrets: dict[str, str]) -> dict[str, str]:
    source = json.loads(sandbox.env[f"AIRFLOW_CONN_{CASES[conn_type][0].upper()}"])
    fields = {"host": source["host"], **secrets}
    if (
        connection_forms.test_button_needs_port()
    ):  # Airflow 3.3.0-3.3.2: the form shows Port, and Test needs it
        fields["port"] = str(source["port"])
    return fields


@pytest.mark.parametrize("conn_type", list(CASES))
def test_a_connection_added_through_its_form_tests_right_and_wrong(
    page: Any,
    local_airflow: LocalAirflow,
    ui_sandbox: SandboxProcess,
    screenshots: Path,
    conn_type: str,
) -> None:
    _, secrets, wrong, ok_text, wrong_text = CASES[conn_type]
    label = CONNECTION_FORMS[conn_type]["hook-name"]
    base = local_airflow.url

    ui.add_connection(
        page,
        base,
        f"ui_{conn_type}",
        label,
        _fields(ui_sandbox, conn_type, secrets),
        screenshot=screenshots / f"connection-form-{conn_type}.png",
    )
    ok, message, toast = ui.test_saved_connection(page, base, f"ui_{conn_type}")
    assert ok and message.startswith("Connection OK: ") and ok_text in message, message
    assert message in toast

    ui.add_connection(
        page, base, f"ui_{conn_type}_wrong", label, _fields(ui_sandbox, conn_type, {**secrets, **wrong})
    )
    ok, message, toast = ui.test_saved_connection(page, base, f"ui_{conn_type}_wrong")
    assert not ok and wrong_text in message.lower(), message
    assert wrong["password"] not in message and wrong["password"] not in toast


def test_what_the_form_saves(page: Any, local_airflow: LocalAirflow, ui_sandbox: SandboxProcess) -> None:
    """Defaults, not nulls, for the fields that have one; the secret extra never in clear."""
    answer = page.request.get(f"{local_airflow.url}/api/v2/connections/ui_iletimerkezi")
    if answer.status == 404:
        pytest.skip("needs the connection the form test adds")
    extra = json.loads(answer.json()["extra"])
    assert extra["format"] == "xml" and extra["auth_method"] == "key" and extra["verify_ssl"] is True
    assert extra["timezone"] == "Europe/Istanbul" and float(extra["timeout"]) == 30


def test_searching_sms_finds_every_type(page: Any, local_airflow: LocalAirflow) -> None:
    page.goto(f"{local_airflow.url}/connections", wait_until="networkidle")
    page.get_by_role("button", name="Add Connection").click()
    page.get_by_role("dialog").get_by_role("combobox").fill("sms")
    options = page.get_by_role("option").all_inner_texts()
    for form in CONNECTION_FORMS.values():
        assert form["hook-name"] in options, options


def test_the_nightly_report_is_triggered_from_the_ui_and_read_in_its_log(
    page: Any, local_airflow: LocalAirflow, ui_sandbox: SandboxProcess, screenshots: Path
) -> None:
    import pendulum

    from airflow_provider_ileti.clients.node.client import NodeClient

    admin = ui_sandbox.admin()
    source = json.loads(ui_sandbox.env["AIRFLOW_CONN_NODE_SMS_DEFAULT"])
    sender = source["extra"]["default_sender"]
    client = NodeClient(source["host"], source["login"], source["password"], default_sender=sender)
    client.create_sms(sending_type=1, numbers=["905321000001", "905321000009"], content="Rapor denemesi")
    client.close()
    # the day the sandbox is on (its clock runs fast), in Türkiye's time: what a person types in
    day = pendulum.parse(admin.clock()["now"]).in_timezone("Europe/Istanbul").to_date_string()

    base = local_airflow.url
    page.request.patch(f"{base}/api/v2/dags/ileti_nightly_report", data={"is_paused": False})
    run_id = ui.trigger_dag(
        page,
        base,
        "ileti_nightly_report",
        {"day": day},
        screenshot=screenshots / "trigger-nightly-report.png",
    )
    assert ui.wait_for_run(page, base, "ileti_nightly_report", run_id) == "success"
    shown = ui.task_log_text(
        page,
        base,
        "ileti_nightly_report",
        run_id,
        "write_report",
        screenshot=screenshots / "nightly-report-log.png",
    )
    assert f"SMS delivery on {day} (Türkiye)" in shown
    assert "recipients" in shown and "905321000001" not in shown
