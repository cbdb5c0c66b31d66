"""The sandbox's shared state: clock, request journal, faults and each service's own state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from airflow_provider_ileti.sandbox.clock import Clock
from airflow_provider_ileti.sandbox.faults import FaultTable
from airflow_provider_ileti.sandbox.journal import Journal
from airflow_provider_ileti.sandbox.refusals import Refusals

if TYPE_CHECKING:
    from aiohttp import web

    from airflow_provider_ileti.sandbox.faults import Fault


class ServiceState(Protocol):
    def reset(self) -> None: ...

    def snapshot(self) -> dict[str, Any]:
        """A JSON-safe view of the state, for the admin API and tests."""
        ...


class Sandbox:
    def __init__(self, speed: float = 1.0, seed: int = 0, journal_size: int | None = None) -> None:
        self.clock = Clock(speed)
        self.journal = Journal(journal_size)
        self.faults = FaultTable(seed)
        #: Requests answered as breaking the vendor's document (see ``refusals.py``).
        self.refusals = Refusals()
        #: service name -> its state object (registered by each service module).
        self.services: dict[str, ServiceState] = {}
        #: service name -> a function answering "under maintenance" in that service's own envelope.
        self.maintenance_responders: dict[str, Callable[[], web.StreamResponse]] = {}
        #: service name -> an answer to a ``service_error`` fault (its code in the service's own envelope).
        self.error_responders: dict[str, Callable[[web.Request, Fault], Awaitable[web.StreamResponse]]] = {}
        #: Bumped by every reset: a request that arrived before a reset (one held by a ``delay`` fault
        #: whose client gave up) is dropped instead of changing the fresh state of the next test.
        self.epoch = 0

    def reset(self) -> None:
        """A fresh start: real now on the clock (speed kept), nothing journalled, faulted or refused."""
        self.epoch += 1
        self.clock.reset()
        self.journal.clear()
        self.faults.clear()
        self.refusals.clear()
        for state in self.services.values():
            state.reset()
