"""Package state -> DeliveryPhase, and the counts the sensor reads."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.node.models import Package
from airflow_provider_ileti.clients.node.status import phase_of, status_of
from airflow_provider_ileti.core.models import DeliveryPhase


@pytest.mark.parametrize(
    ("state", "scheduled", "phase"),
    [
        (6, False, DeliveryPhase.COMPLETE),
        (5, False, DeliveryPhase.SENT),
        (4, False, DeliveryPhase.SENT),
        (3, False, DeliveryPhase.PENDING),
        (2, False, DeliveryPhase.PENDING),
        (1, False, DeliveryPhase.PENDING),
        (0, False, DeliveryPhase.PENDING),
        (1, True, DeliveryPhase.SCHEDULED),
        (0, True, DeliveryPhase.SCHEDULED),
        (3, True, DeliveryPhase.PENDING),
        (-1, False, DeliveryPhase.FAILED),
        (-2, False, DeliveryPhase.FAILED),
        (-3, False, DeliveryPhase.FAILED),
        (-4, False, DeliveryPhase.CANCELLED),
        (-4, True, DeliveryPhase.CANCELLED),
    ],
)
def test_phase(state: int, scheduled: bool, phase: DeliveryPhase) -> None:
    assert phase_of(state, scheduled=scheduled) is phase


def test_status_counts_from_statistics() -> None:
    package = Package.from_dict(
        {
            "id": 111095,
            "state": 5,
            "isScheduled": 0,
            "statistics": {"total": 4, "credit": 4, "rCount": 3, "delivered": 1, "undelivered": 1},
            "sendingDate": "2021-05-17T18:29:20",
        }
    )
    status = status_of(package)
    assert (
        status.reference,
        status.phase,
        status.total,
        status.delivered,
        status.undelivered,
        status.pending,
    ) == (
        "111095",
        DeliveryPhase.SENT,
        3,
        1,
        1,
        1,
    )
    assert status.raw_state == "5"
    # the answer's wall clock (Istanbul, UTC+3) read as aware UTC
    assert package.sending_date is not None and package.sending_date.hour == 15


def test_soap_shaped_package_reads_the_same() -> None:
    rest = {"id": 1, "senders": ["BASLIK"], "state": 6, "statistics": {"rCount": 1, "delivered": 1}}
    soap = {
        "id": "1",
        "senders": {"item": ["BASLIK"]},
        "state": "6",
        "statistics": {"rCount": "1", "delivered": "1"},
    }
    assert Package.from_dict(rest) == Package.from_dict(soap)
