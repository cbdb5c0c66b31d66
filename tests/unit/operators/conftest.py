from __future__ import annotations

import pytest

from tests.unit.operators.support import FakeHook, FakeSmsClient


@pytest.fixture
def fake_client(monkeypatch: pytest.MonkeyPatch) -> FakeSmsClient:
    """A fake service behind ``get_sms_hook``; counts every hook lookup (zero means no request at all)."""
    client = FakeSmsClient(max_recipients_per_send=10)
    hook = FakeHook(client)

    def get_sms_hook(conn_id: str) -> FakeHook:
        hook.created += 1
        return hook

    monkeypatch.setattr("airflow_provider_ileti.hooks.registry.get_sms_hook", get_sms_hook)
    client.hook = hook  # type: ignore[attr-defined]
    return client
