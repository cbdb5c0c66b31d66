"""The Airflow 2.11 UI (Flask AppBuilder) as a person uses it: the connection form with its Test button,
the "Trigger DAG" form, a task's log in the grid view."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote


def open_add_form(page: Any, base: str, conn_id: str, conn_type: str, fields: dict[str, str]) -> None:
    page.goto(f"{base}/connection/add", wait_until="networkidle")
    page.fill("#conn_id", conn_id)
    page.select_option("#conn_type", conn_type)
    for name, value in fields.items():
        page.fill(f"#{name}", value)


def press_test(page: Any) -> tuple[bool, str, str]:
    """The form's Test button: (status, message) as the API answered, and the alert the page shows."""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/connections/test")) as answer:
        page.click("#test-connection")
    assert answer.value.status == 200, answer.value.text()
    body = answer.value.json()
    alert = page.locator("#test-connection-alert, .alert").filter(has_text=str(body["message"])[:40]).first
    alert.wait_for()
    return bool(body["status"]), str(body["message"]), str(alert.inner_text())


def save(page: Any) -> None:
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Added Row").count() or page.get_by_text("Changed Row").count(), page.url


def open_edit_form(page: Any, base: str, conn_id: str) -> None:
    page.goto(f"{base}/connection/list/?_flt_0_conn_id={quote(conn_id)}", wait_until="networkidle")
    href = (
        page.locator("tr", has_text=conn_id)
        .locator("a[href*='/connection/edit/']")
        .first.get_attribute("href")
    )
    page.goto(href if href.startswith("http") else f"{base}{href}", wait_until="networkidle")


def trigger_dag(page: Any, base: str, dag_id: str, params: dict[str, str], run_id: str) -> None:
    page.goto(f"{base}/dags/{dag_id}/trigger", wait_until="networkidle")
    for name, value in params.items():
        page.fill(f"#element_{name}", value)
    page.eval_on_selector("#run_id", "(e, v) => { e.value = v }", run_id)
    page.get_by_role("button", name="Trigger").click()
    page.wait_for_load_state("networkidle")


def wait_for_run(page: Any, base: str, dag_id: str, run_id: str, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        answer = page.request.get(f"{base}/api/v1/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}")
        state = answer.json().get("state", "") if answer.ok else ""
        if state in ("success", "failed"):
            return state
        time.sleep(2)
    raise AssertionError(f"run {run_id} still {state!r} after {timeout:.0f} s")


def task_log_text(page: Any, base: str, dag_id: str, run_id: str, task_id: str) -> str:
    page.goto(
        f"{base}/dags/{dag_id}/grid?dag_run_id={quote(run_id, safe='')}&task_id={task_id}&tab=logs",
        wait_until="networkidle",
    )
    shown = page.get_by_text("SMS delivery on").first
    shown.wait_for()
    return str(shown.inner_text())
