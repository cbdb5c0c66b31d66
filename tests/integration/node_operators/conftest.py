"""Node-only operators against the sandbox: ``node_sms_default`` (REST) and ``node_sms_soap`` point at it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.operators.support import FakeStateStore, FakeTI, make_context


def ctx(task_id: str = "t", *, store: FakeStateStore | None = None, try_number: int = 1, **extra: Any):
    """A task context built the same way on Airflow 3.3 and 2.11 (the generic operators' test helper)."""
    context = make_context(FakeTI(task_id=task_id, try_number=try_number), store or FakeStateStore())
    context.update(extra)
    return context


def node_requests(sandbox: Any, path: str | None = None) -> list[dict[str, Any]]:
    """What the sandbox's Node service received (``path`` below ``/node``, e.g. ``/sms/create-otp``)."""
    return [r for r in sandbox.requests(service="node", path=path) if not str(r["path"]).startswith("/_")]


@pytest.fixture
def node(ileti_sandbox_env: Any) -> Any:
    return ileti_sandbox_env
