"""A real Airflow (``LocalAirflow``: ``airflow standalone`` on loopback) with the sandbox, and headless
Chromium from the OS packages driven by Playwright: what a person sees, checked in a browser.

The browser is the system's (``/usr/bin/chromium``; ``.ci/install-browser`` installs it): Playwright's own
download does not work here, and CI must not depend on it. Without it these tests fail and say how to get
it; ``ILETI_NO_BROWSER=1`` skips them instead (a machine that cannot install packages).

Everything here is package-scoped: Airflow stops, and Playwright's sync API (which keeps an asyncio loop
running in the test thread while it is open) is closed, before the rest of the suite runs.

Screenshots go to a temporary folder, or to ``$ILETI_SCREENSHOTS_DIR`` (``docs/screenshots`` to refresh
the README's pictures).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_ileti.sandbox.dag_test import AirflowHome
from airflow_provider_ileti.sandbox.local_airflow import LocalAirflow
from airflow_provider_ileti.sandbox.process import SandboxProcess
from airflow_provider_ileti.sandbox.server import free_port

CHROMIUM = os.environ.get("ILETI_CHROMIUM", "/usr/bin/chromium")
#: What the machine's probe found Chromium needs here: no sandbox as root, no network beyond loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The browser tests' sandbox clock: slow enough that "today" stays today while a test runs.
BROWSER_SPEED = 60.0

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if os.environ.get("ILETI_NO_BROWSER") == "1":
        pytest.skip("ILETI_NO_BROWSER=1: browser tests skipped")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"no Chromium at {CHROMIUM}: run .ci/install-browser (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="package")
def ui_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess(tmp_path_factory.mktemp("ui-sandbox"), speed=BROWSER_SPEED) as sandbox:
        yield sandbox


@pytest.fixture(scope="package")
def local_airflow(
    tmp_path_factory: pytest.TempPathFactory, ui_sandbox: SandboxProcess
) -> Iterator[LocalAirflow]:
    workdir = tmp_path_factory.mktemp("ui-airflow")
    airflow = LocalAirflow(
        AirflowHome(workdir / "home"), free_port(), ui_sandbox.env, workdir / "airflow.log"
    )
    # nothing runs on its own: the examples' schedules would send behind the tests' backs
    airflow.extra_env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] = "True"
    with airflow:
        yield airflow


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("ILETI_SCREENSHOTS_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
