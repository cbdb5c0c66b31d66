"""SandboxServer binds port 0 itself and reports the port it got (no free_port() race)."""

from __future__ import annotations

import socket

import pytest
import requests

from airflow_provider_ileti.sandbox.server import SandboxServer, free_port


def test_port_0_is_bound_and_the_real_port_reported() -> None:
    with SandboxServer() as server:
        assert server.port != 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert requests.get(f"{server.url}/_admin/clock", timeout=5).status_code == 200
        node = server.connections()["node_sms_default"]
        assert node["host"] == f"{server.url}/node"


def test_a_busy_port_fails_start_with_the_reason() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = SandboxServer(port=busy.getsockname()[1])
        with pytest.raises(RuntimeError, match="sandbox failed to start"):
            server.start()


def test_free_port_still_works_for_callers_that_need_a_port_first() -> None:
    port = free_port()
    with SandboxServer(port=port) as server:
        assert server.port == port
