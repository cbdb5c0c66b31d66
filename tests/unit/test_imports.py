"""Modules a DAG file imports stay cheap: no requests, zeep, lxml, httpx or phonenumbers at import time.

Airflow parses DAG files again and again, so the check runs in a fresh interpreter and looks at
``sys.modules``. ONE interpreter runs every check, in an order that keeps each one honest: first every
module of ``core/`` (before Airflow: they must load neither Airflow nor anything heavy), then Airflow's own
base classes (Airflow 3 loads httpx, Airflow 2 requests: that is the baseline, not our cost), then every
DAG-facing module one at a time, noting what each one adds. A module that pulls in something heavy is named,
whichever folder it is in; every module is found on disk, so a new one is covered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers")

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "airflow_provider_ileti"


def _modules_in(folder: str) -> list[str]:
    names = sorted(p.stem for p in (PACKAGE_DIR / folder).glob("*.py") if p.stem != "__init__")
    return [f"airflow_provider_ileti.{folder}.{name}" for name in names]


#: Pure modules (every module of core/): they must load none of HEAVY, and not Airflow either.
CORE_MODULES = tuple(_modules_in("core"))

#: What DAG files import, folder by folder: our import may add none of HEAVY to what Airflow itself
#: loaded, nor any protocol client module. ``maintenance``: an Airflow 2.11 clean-up DAG imports it;
#: ``delivery``, ``exactly_once`` and ``tasks`` are what the operators import below them; ``transfers``:
#: ``SqlToSmsOperator``, which must not import common-sql or a database driver before ``execute``.
DAG_FACING_FOLDERS = (
    "hooks",
    "operators",
    "sensors",
    "triggers",
    "notifications",
    "maintenance",
    "delivery",
    "exactly_once",
    "tasks",
    "transfers",
)
DAG_FACING_MODULES = tuple(
    ["airflow_provider_ileti", "airflow_provider_ileti.get_provider_info"]
    + [m for folder in DAG_FACING_FOLDERS for m in _modules_in(folder)]
)

#: Airflow's own names, imported first: what they load is the baseline, not our cost.
AIRFLOW_BASELINE = (
    "from airflow.providers.common.compat.sdk import BaseHook, BaseOperator, BaseSensorOperator; "
    "from airflow.triggers.base import BaseTrigger; "
    "from airflow.providers.common.compat.notifier import BaseNotifier"
)

CHECK = f"""
import importlib, json, sys

HEAVY = {HEAVY!r}

def loaded(names):
    return sorted(m for m in names if m in sys.modules)

report = {{"core": {{}}, "phone": None, "dag_facing": {{}}}}
for name in {CORE_MODULES!r}:
    importlib.import_module(name)
    report["core"][name] = loaded(HEAVY + ("airflow",))

from airflow_provider_ileti.core.phone import normalize_number
assert normalize_number("0555 555 00 01") == "905555550001"
report["phone"] = loaded(HEAVY)

{AIRFLOW_BASELINE}
seen = set(loaded(HEAVY))
for name in {DAG_FACING_MODULES!r}:
    importlib.import_module(name)
    now = set(loaded(HEAVY)) | {{m for m in sys.modules if m.startswith("airflow_provider_ileti.clients.")}}
    report["dag_facing"][name] = sorted(now - seen)
    seen |= now
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """What each module loaded, from one fresh interpreter (the slow part, run once)."""
    env = dict(os.environ)
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHECK)], capture_output=True, text=True, env=env, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_core_modules_load_neither_airflow_nor_anything_heavy(report: dict[str, Any]) -> None:
    assert report["core"] == {name: [] for name in CORE_MODULES}


def test_normalising_a_turkish_mobile_needs_no_phonenumbers(report: dict[str, Any]) -> None:
    assert report["phone"] == []


def test_dag_facing_modules_add_nothing_heavy_and_no_client_to_airflows_own_imports(
    report: dict[str, Any],
) -> None:
    assert report["dag_facing"] == {name: [] for name in DAG_FACING_MODULES}


def test_every_folder_is_found() -> None:
    assert "airflow_provider_ileti.core.phone" in CORE_MODULES and len(CORE_MODULES) >= 8
    assert "airflow_provider_ileti.hooks.node" in DAG_FACING_MODULES
    assert "airflow_provider_ileti.operators.node_otp" in DAG_FACING_MODULES
    assert "airflow_provider_ileti.operators.iletiniz" in DAG_FACING_MODULES
