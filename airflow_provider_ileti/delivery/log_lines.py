"""The lines a person reads in a watcher's log: how far the send is, then how it ended.

"2 of 3 package(s) final: 812 of 1,000 recipient(s) delivered, 20 undelivered, 168 still pending" on each
poll, "Delivery final: 962 of 1,000 recipient(s) delivered (96.2%), 38 undelivered, in 3 package(s)" at
the end, rather than a count of packages or a raw dict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_ileti.core.models import DeliveryStatus, summarise


def progress_line(statuses: Sequence[DeliveryStatus], expected: int) -> str:
    """One poll's story: packages final, and the recipients delivered, undelivered and pending so far."""
    counts = summarise(statuses)
    line = f"{counts['final']} of {expected} package(s) final"
    if len(statuses) < expected:
        line += f" ({expected - len(statuses)} not reported yet)"
    return (
        f"{line}: {counts['delivered']:,} of {counts['total']:,} recipient(s) delivered, "
        f"{counts['undelivered']:,} undelivered, {counts['pending']:,} still pending"
    )


def final_line(summary: Mapping[str, Any]) -> str:
    """The end of the story, from the summary the watcher returns to XCom."""
    total = int(summary.get("total", 0))
    delivered = int(summary.get("delivered", 0))
    share = f" ({delivered / total:.1%})" if total else ""
    line = (
        f"Delivery final: {delivered:,} of {total:,} recipient(s) delivered{share}, "
        f"{int(summary.get('undelivered', 0)):,} undelivered, in {int(summary.get('packages', 0))} package(s)"
    )
    pending = int(summary.get("pending", 0))
    if pending:
        line += f"; {pending:,} never reported (final without a report)"
    for key, what in (("failed_packages", "failed"), ("cancelled_packages", "cancelled")):
        if summary.get(key):
            line += f"; {summary[key]} package(s) {what}"
    return line
