"""The Airflow 3 UI (React) as a person uses it: the Connections page, the Trigger dialog, a task's log."""

from __future__ import annotations

import time
from typing import Any

#: The toast titles Airflow 3 shows after the Test button.
TEST_OK, TEST_FAILED = "Test Connection Successful", "Test Connection Failed"


def add_connection(
    page: Any, base: str, conn_id: str, type_label: str, fields: dict[str, str], screenshot: Any = None
) -> None:
    """Fill "Add Connection" (standard fields by their name; only the ones the form shows) and save it."""
    page.goto(f"{base}/connections", wait_until="networkidle")
    page.get_by_role("button", name="Add Connection").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[name=connection_id]").fill(conn_id)
    dialog.get_by_role("combobox").fill(type_label)
    page.keyboard.press("Enter")
    dialog.locator("input[name=host]").wait_for()
    for name, value in fields.items():
        dialog.locator(f"[name={name}]").fill(value)
    if screenshot is not None:
        dialog.get_by_text("Extra Fields", exact=True).click()  # the standard ones were filled above
        dialog.get_by_text("Verify TLS certificates").wait_for()
        page.wait_for_timeout(500)  # the accordion's animation, for a still picture
        page.screenshot(path=str(screenshot), full_page=True)
    with page.expect_response(
        lambda r: r.url.endswith("/api/v2/connections") and r.request.method == "POST"
    ) as r:
        dialog.get_by_role("button", name="Save").click()
    assert r.value.status == 201, r.value.text()


def test_saved_connection(page: Any, base: str, conn_id: str) -> tuple[bool, str, str]:
    """Click the row's Test button; (status, message) as the API answered, and the toast's text."""
    page.goto(f"{base}/connections", wait_until="networkidle")
    row = page.locator("tbody tr", has_text=conn_id).first
    with page.expect_response(lambda r: r.url.endswith("/connections/test")) as answer:
        row.get_by_role("button", name="Test Connection").click()
    assert answer.value.status == 200, f"the Test button was refused: {answer.value.text()}"
    body = answer.value.json()
    toast = page.get_by_text(TEST_OK if body["status"] else TEST_FAILED)
    toast.wait_for()
    return (
        bool(body["status"]),
        str(body["message"]),
        page.locator("[data-part=description]").last.inner_text(),
    )


def trigger_dag(page: Any, base: str, dag_id: str, params: dict[str, str], screenshot: Any = None) -> str:
    """The Trigger dialog with ``params`` typed into its form; the new run's id."""
    page.goto(f"{base}/dags/{dag_id}", wait_until="networkidle")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog")
    for name, value in params.items():
        dialog.locator(f"#element_{name}").fill(value)
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    with page.expect_response(lambda r: r.url.endswith("/dagRuns") and r.request.method == "POST") as answer:
        dialog.get_by_role("button", name="Trigger").click()
    assert answer.value.status in (200, 201), answer.value.text()
    return str(answer.value.json()["dag_run_id"])


def wait_for_run(page: Any, base: str, dag_id: str, run_id: str, timeout: float = 300) -> str:
    """The run's final state, read through the UI's own session."""
    from urllib.parse import quote

    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        answer = page.request.get(f"{base}/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}")
        state = answer.json().get("state", "")
        if state in ("success", "failed"):
            return state
        time.sleep(2)
    raise AssertionError(f"run {run_id} still {state!r} after {timeout:.0f} s")


def task_log_text(
    page: Any, base: str, dag_id: str, run_id: str, task_id: str, screenshot: Any = None
) -> str:
    """Open the task's page (its log) as a person would, and return what it shows."""
    from urllib.parse import quote

    page.goto(f"{base}/dags/{dag_id}/runs/{quote(run_id, safe='')}/tasks/{task_id}", wait_until="networkidle")
    page.get_by_text("SMS delivery on").first.wait_for()
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    return str(page.inner_text("body"))
