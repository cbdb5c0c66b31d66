"""Whether the Node stack (sandbox service + hook) is in this checkout; Node DAG tests skip until it is."""

from __future__ import annotations

import importlib.util

import pytest

from airflow_provider_ileti.demo import SandboxProcess


def require_node(sandbox: SandboxProcess) -> None:
    if "AIRFLOW_CONN_NODE_SMS_DEFAULT" not in sandbox.env:
        pytest.skip("the Node sandbox service offers no node_sms_default connection yet")
    if importlib.util.find_spec("airflow_provider_ileti.hooks.node") is None:
        pytest.skip("airflow_provider_ileti.hooks.node is not in this checkout yet")
