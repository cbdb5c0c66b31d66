"""A NodeClient on the sandbox's connections, over REST or SOAP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from airflow_provider_ileti.clients.node.client import NodeClient


@pytest.fixture
def make_node(ileti_sandbox: Any) -> Iterator[Callable[..., NodeClient]]:
    made: list[NodeClient] = []

    def make(protocol: str = "rest", **kwargs: Any) -> NodeClient:
        conn = ileti_sandbox.connections()["node_sms_soap" if protocol == "soap" else "node_sms_default"]
        kwargs.setdefault("default_sender", conn["extra"]["default_sender"])
        kwargs.setdefault("timeout", 10.0)
        client = NodeClient(conn["host"], conn["login"], conn["password"], protocol=protocol, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def node(make_node: Callable[..., NodeClient]) -> NodeClient:
    return make_node("rest")


def node_requests(sandbox: Any, path: str = "") -> list[dict[str, Any]]:
    return [r for r in sandbox.requests(service="node") if not path or str(r["path"]).endswith(path)]


@pytest.fixture(params=["typed", "loose"])
def soap_wsdl(request: pytest.FixtureRequest, ileti_sandbox: Any) -> Iterator[str]:
    """Runs a SOAP test on both WSDLs the sandbox serves: typed array items, and ``xsd:anyType`` ones.

    The client keeps one parsed WSDL per base URL and process, so the cache is cleared before and after:
    a later test must not get this test's flavour."""
    from airflow_provider_ileti.clients.node import soap

    soap.clear_wsdl_cache()
    if request.param == "loose":
        ileti_sandbox.set_state("node", loose_wsdl=True)
    yield request.param
    soap.clear_wsdl_cache()
