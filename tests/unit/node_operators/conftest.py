from __future__ import annotations

import sys
import types

import pytest

from tests.unit.node_operators.support import FakeNodeClient, FakeNodeHook


@pytest.fixture
def node_client(monkeypatch: pytest.MonkeyPatch) -> FakeNodeClient:
    """A fake Node service behind ``node_hook`` (the operators' only way to a client)."""
    client = FakeNodeClient()
    hook = FakeNodeHook(client)

    def node_hook(conn_id: str) -> FakeNodeHook:
        hook.conn_ids.append(conn_id)
        return hook

    monkeypatch.setattr("airflow_provider_ileti.operators.node_base.node_hook", node_hook)
    client.hook = hook  # type: ignore[attr-defined]
    return client


@pytest.fixture
def periodic_settings(monkeypatch: pytest.MonkeyPatch) -> type:
    """``clients.node.models.PeriodicSettings`` (a stand-in while the Node client is not there)."""
    try:
        from airflow_provider_ileti.clients.node.models import PeriodicSettings

        return PeriodicSettings
    except ImportError:
        import dataclasses

        @dataclasses.dataclass(frozen=True)
        class StandIn:
            period_type: int
            interval: int | None = None
            amount: int | None = None

        module = types.ModuleType("airflow_provider_ileti.clients.node.models")
        module.PeriodicSettings = StandIn  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "airflow_provider_ileti.clients.node.models", module)
        return StandIn
