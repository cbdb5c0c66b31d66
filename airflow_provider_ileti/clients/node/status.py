"""Package state -> the service-neutral ``DeliveryStatus``, shared by the sync and the async client."""

from __future__ import annotations

from airflow_provider_ileti.clients.node.models import Package
from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus

#: Package states that are still before sending (saving, waiting, queueing, sending).
PENDING_STATES = frozenset({0, 1, 2, 3})
#: Before a scheduled package starts it is "waiting" (1) or "saving" (0): SCHEDULED rather than PENDING.
SCHEDULED_STATES = frozenset({0, 1})


def phase_of(state: int, *, scheduled: bool = False) -> DeliveryPhase:
    """6 complete; -4 cancelled; other negatives failed; 4/5 sent; 0..3 pending (scheduled before start)."""
    if state == 6:
        return DeliveryPhase.COMPLETE
    if state == -4:
        return DeliveryPhase.CANCELLED
    if state < 0:
        return DeliveryPhase.FAILED
    if state in (4, 5):
        return DeliveryPhase.SENT
    if scheduled and state in SCHEDULED_STATES:
        return DeliveryPhase.SCHEDULED
    return DeliveryPhase.PENDING


def status_of(package: Package) -> DeliveryStatus:
    stats = package.statistics
    total = stats.recipients or stats.total
    pending = max(0, total - stats.delivered - stats.undelivered)
    return DeliveryStatus(
        reference=str(package.id),
        phase=phase_of(package.state, scheduled=package.is_scheduled),
        total=total,
        delivered=stats.delivered,
        undelivered=stats.undelivered,
        pending=pending,
        raw_state=str(package.state),
    )
