"""Modules a DAG file imports stay cheap: no requests, zeep, lxml, httpx or phonenumbers at import time.

Airflow parses DAG files again and again, so each check runs in a fresh interpreter and looks at
``sys.modules``. Airflow itself loads some of these (Airflow 3 httpx, Airflow 2 requests) when its
``BaseHook`` is imported: for hooks we check what *our* import adds on top of that baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers")

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "airflow_provider_ileti"


def _modules_in(folder: str) -> list[str]:
    names = sorted(p.stem for p in (PACKAGE_DIR / folder).glob("*.py") if p.stem != "__init__")
    return [f"airflow_provider_ileti.{folder}.{name}" for name in names]


#: Pure modules (every module of core/): they must load none of HEAVY, and not Airflow either.
CORE_MODULES = tuple(_modules_in("core"))

#: What DAG files import, folder by folder (every module in it, found on disk so a new one is covered):
#: our import may add none of HEAVY to what Airflow itself loaded, nor any protocol client module.
#: ``maintenance``: an Airflow 2.11 clean-up DAG imports it.
DAG_FACING_FOLDERS = ("hooks", "operators", "sensors", "triggers", "notifications", "maintenance")

#: Airflow's own names, imported first: what they load is the baseline, not our cost.
AIRFLOW_BASELINE = (
    "from airflow.providers.common.compat.sdk import BaseHook, BaseOperator, BaseSensorOperator; "
    "from airflow.triggers.base import BaseTrigger; "
    "from airflow.providers.common.compat.notifier import BaseNotifier"
)


def _run(code: str) -> dict[str, list[str]]:
    env = dict(os.environ)
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _loaded(names: tuple[str, ...]) -> str:
    return f"[m for m in {names!r} if m in sys.modules]"


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_nothing_heavy(module: str) -> None:
    got = _run(
        f"""
        import json, sys, importlib
        importlib.import_module({module!r})
        print(json.dumps({{"heavy": {_loaded(HEAVY)}, "airflow": {_loaded(("airflow",))}}}))
        """
    )
    assert got == {"heavy": [], "airflow": []}


def test_core_modules_are_all_found() -> None:
    assert "airflow_provider_ileti.core.phone" in CORE_MODULES and len(CORE_MODULES) >= 8


@pytest.mark.parametrize("folder", DAG_FACING_FOLDERS)
def test_dag_facing_modules_add_nothing_heavy_to_airflows_own_imports(folder: str) -> None:
    modules = _modules_in(folder) + ["airflow_provider_ileti", "airflow_provider_ileti.get_provider_info"]
    got = _run(
        f"""
        import json, sys, importlib
        {AIRFLOW_BASELINE}
        baseline = set({_loaded(HEAVY)})
        for name in {modules!r}:
            importlib.import_module(name)
        added = sorted(set({_loaded(HEAVY)}) - baseline)
        clients = sorted(m for m in sys.modules if m.startswith("airflow_provider_ileti.clients."))
        print(json.dumps({{"added": added, "clients": clients, "imported": {len(modules)}}}))
        """
    )
    assert got == {"added": [], "clients": [], "imported": len(modules)}


def test_normalising_a_turkish_mobile_needs_no_phonenumbers() -> None:
    got = _run(
        f"""
        import json, sys
        from airflow_provider_ileti.core.phone import normalize_number
        assert normalize_number("0555 555 00 01") == "905555550001"
        print(json.dumps({{"heavy": {_loaded(HEAVY)}}}))
        """
    )
    assert got == {"heavy": []}
