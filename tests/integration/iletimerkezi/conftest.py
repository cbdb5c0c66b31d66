"""Clients for the sandbox's İleti Merkezi, in both formats."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.sandbox import credentials

PREFIX = "/iletimerkezi/v1"


def no_wait(seconds: float) -> None:
    """The retry policy's sleep for tests: the sandbox's clock is not real time, so waits are skipped."""


def make_client(ileti_sandbox, **kwargs) -> IletiMerkeziClient:
    options = {
        "key": credentials.ILETIMERKEZI_KEY,
        "api_hash": credentials.ILETIMERKEZI_HASH,
        "default_sender": "APITEST",
        "sleep": no_wait,
        "timeout": 5,
    }
    options.update(kwargs)
    return IletiMerkeziClient(ileti_sandbox.url + PREFIX, **options)


@pytest.fixture(params=["xml", "json"])
def client(request, ileti_sandbox) -> Iterator[IletiMerkeziClient]:
    c = make_client(ileti_sandbox, format=request.param)
    yield c
    c.close()


@pytest.fixture
def xml_client(ileti_sandbox) -> Iterator[IletiMerkeziClient]:
    c = make_client(ileti_sandbox)
    yield c
    c.close()


def im_requests(ileti_sandbox, path: str | None = None) -> list[dict]:
    return ileti_sandbox.requests(service="iletimerkezi", path=path)
