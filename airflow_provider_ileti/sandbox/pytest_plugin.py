"""pytest fixtures for the sandbox, registered through the ``pytest11`` entry point.

- ``ileti_sandbox_server``: one sandbox per test session on a free loopback port, clock at 60x.
- ``ileti_sandbox``: the same server, reset before the test (clock back to real now at 60x, journal, faults,
  state); the usual fixture.
- ``ileti_sandbox_env``: ``ileti_sandbox`` with ``AIRFLOW_CONN_*`` set for every sandbox connection.

Use them in your own DAG tests::

    def test_my_campaign(ileti_sandbox_env):
        ...  # your operators use node_sms_default etc., all pointing at the sandbox
        sent = ileti_sandbox_env.admin.requests(service="node", path="/sms/create")
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from airflow_provider_ileti.extras import missing_line

if TYPE_CHECKING:
    # not at import: pytest loads this plugin wherever the package is installed, [sandbox] extra or not
    from airflow_provider_ileti.sandbox.server import SandboxServer

DEFAULT_TEST_SPEED = 60.0


class SandboxHandle:
    """What a test gets: the server's URL, connections, admin client and (same process) its state."""

    def __init__(self, server: SandboxServer) -> None:
        from airflow_provider_ileti.sandbox.admin_client import SandboxAdmin

        self.server = server
        self.url = server.url
        self.sandbox = server.sandbox
        self.admin = SandboxAdmin(server.url)

    def connections(self) -> dict[str, dict[str, object]]:
        return self.server.connections()

    def env(self) -> dict[str, str]:
        return self.server.env()

    def requests(
        self, service: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[dict[str, object]]:
        return [e.to_dict() for e in self.sandbox.journal.entries(service=service, path=path, method=method)]

    def refusals(self) -> list[dict[str, Any]]:
        """Requests refused as breaking the vendor's document since the reset (``sandbox/refusals.py``)."""
        return list(self.sandbox.refusals.to_dict()["refusals"])

    def now(self) -> datetime:
        """The sandbox's virtual now (UTC): real now at reset, then ``speed`` times faster plus advances."""
        return self.sandbox.clock.now()

    def advance(self, seconds: float) -> datetime:
        """Move the virtual clock ``seconds`` ahead; returns the new virtual now."""
        self.admin.clock(advance=seconds)
        return self.now()

    def set_state(self, service: str, **values: Any) -> dict[str, Any]:
        """Set account state over the admin API (node: credit, sending_hours; iletiniz: plan_active, quota,
        used; wisecp: balance); a bad value raises with the field, value and rule."""
        return self.admin.set_state(service, **values)

    def reset(self) -> None:
        """Clock back to real now at the test speed; journal, faults, refusals, every service's state new."""
        self.sandbox.reset()
        self.sandbox.clock.set_speed(DEFAULT_TEST_SPEED)


@pytest.fixture(scope="session")
def ileti_sandbox_server() -> Iterator[SandboxServer]:
    line = missing_line("sandbox", "aiohttp", prog="ileti_sandbox fixture")
    if line is not None:
        pytest.fail(line, pytrace=False)
    from airflow_provider_ileti.sandbox.server import SandboxServer

    with SandboxServer(speed=DEFAULT_TEST_SPEED) as server:
        yield server


@pytest.fixture
def ileti_sandbox(ileti_sandbox_server: SandboxServer) -> SandboxHandle:
    handle = SandboxHandle(ileti_sandbox_server)
    handle.reset()
    return handle


@pytest.fixture
def ileti_sandbox_env(ileti_sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> SandboxHandle:
    for name, value in ileti_sandbox.env().items():
        monkeypatch.setenv(name, value)
    return ileti_sandbox
