"""An İletiniz client on the sandbox (recorded sleeps), its state, a metadata DB with connections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY
from airflow_provider_ileti.sandbox.services.iletiniz import PREFIX


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
def client(api_url: str, sleeps: Sleeps) -> Iterator[IletinizClient]:
    c = IletinizClient(api_url, ILETINIZ_API_KEY, timeout=5, retries=2, sleep=sleeps)
    yield c
    c.close()


@pytest.fixture
def state(ileti_sandbox: Any) -> Any:
    return ileti_sandbox.sandbox.services["iletiniz"]


@pytest.fixture
def airflow_db() -> Iterator[None]:
    """Only the tables a Connection needs (team exists on Airflow 3), emptied around the test."""
    from airflow import settings
    from airflow.models import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import delete

    if getattr(settings, "engine", None) is None:
        settings.configure_orm()
    metadata = Connection.metadata
    metadata.create_all(
        bind=settings.engine,
        tables=[metadata.tables[t] for t in ("team", "connection") if t in metadata.tables],
    )
    with create_session() as session:
        session.execute(delete(Connection))
    yield
    with create_session() as session:
        session.execute(delete(Connection))
