"""Test-wide setup: a throw-away AIRFLOW_HOME before anything imports Airflow.

The sandbox fixtures (``ileti_sandbox``, ``ileti_sandbox_env``) come from our pytest plugin, registered by
the package's ``pytest11`` entry point, the same way our users get them.
"""

from __future__ import annotations

import os
import tempfile

import pytest

_HOME = tempfile.mkdtemp(prefix="ileti-airflow-home-")
os.environ.setdefault("AIRFLOW_HOME", _HOME)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")


@pytest.fixture(autouse=True)
def _quick_send_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """A send's claim waits ``CLAIM_SETTLE_SECONDS`` (1 s) for a concurrent try's write; in-process stores
    answer in microseconds, so tests wait 50 ms (the claim tests keep that margin)."""
    from airflow_provider_ileti.exactly_once import claim as send_claim

    monkeypatch.setattr(send_claim, "CLAIM_SETTLE_SECONDS", 0.05)
