"""A WISECP client pointed at the sandbox, with fast backoff and recorded sleeps."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services.wisecp import PREFIX


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api_url(ileti_sandbox: Any) -> str:
    return ileti_sandbox.url + PREFIX


@pytest.fixture
def client(api_url: str, sleeps: Sleeps) -> Any:
    c = WisecpClient(api_url, WISECP_TOKEN, default_sender="ILETI", timeout=5, retries=2, sleep=sleeps)
    yield c
    c.close()


@pytest.fixture
def wisecp_state(ileti_sandbox: Any) -> Any:
    return ileti_sandbox.sandbox.services["wisecp"]
