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

import pytest

HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers")

#: Pure modules: they must load none of HEAVY, and not Airflow either.
CORE_MODULES = (
    "airflow_provider_ileti.core.phone",
    "airflow_provider_ileti.core.masking",
    "airflow_provider_ileti.core.segments",
    "airflow_provider_ileti.core.localtime",
    "airflow_provider_ileti.core.idempotency",
    "airflow_provider_ileti.core.chunking",
    "airflow_provider_ileti.core.errors",
    "airflow_provider_ileti.core.models",
)

#: Hook modules (they import Airflow): our import may add none of HEAVY, nor the client module.
HOOK_MODULES = {
    "airflow_provider_ileti.hooks.wisecp": (
        "airflow_provider_ileti.clients.wisecp",
        "airflow_provider_ileti.clients.wisecp_async",
    ),
}


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


@pytest.mark.parametrize("module", sorted(HOOK_MODULES))
def test_hook_module_adds_nothing_heavy_to_airflows_own_imports(module: str) -> None:
    client_modules = HOOK_MODULES[module]
    got = _run(
        f"""
        import json, sys, importlib
        from airflow.providers.common.compat.sdk import BaseHook
        baseline = set({_loaded(HEAVY)})
        importlib.import_module({module!r})
        added = sorted(set({_loaded(HEAVY)}) - baseline)
        print(json.dumps({{"added": added, "client": {_loaded(client_modules)}}}))
        """
    )
    assert got == {"added": [], "client": []}


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
