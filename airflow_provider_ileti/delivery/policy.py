"""When is a watched send a success? One rule, and one verdict, for the sensor, the trigger and the send.

- ``fail_on_failed``: a package the service marks failed (or cancelled) fails the task.
- ``min_delivered_ratio``: once every package is final, delivered / total must reach this ratio
  (undelivered and expired numbers are normal in SMS; a ratio says how many are acceptable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.frozen import frozen_dataclass
from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus, summarise


@frozen_dataclass
class Verdict:
    """What the states of a watched send mean: go on watching, done, or fail (and why)."""

    done: bool
    final: int
    expected: int
    summary: dict[str, int] | None = None
    #: "failed" (a package failed while ``fail_on_failed``) or "below" (final, under the ratio); None: fine
    failure: str | None = None
    reason: str | None = None

    @property
    def message(self) -> str | None:
        """The task's failure message, or None."""
        if self.failure == "failed":
            return f"SMS delivery failed: {self.reason}"
        if self.failure == "below":
            return f"SMS delivery below policy: {self.reason}"
        return None


@frozen_dataclass
class DeliveryPolicy:
    fail_on_failed: bool = True
    min_delivered_ratio: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.fail_on_failed, bool):
            raise ValidationError("fail_on_failed", self.fail_on_failed, "must be True or False")
        ratio = self.min_delivered_ratio
        if ratio is not None and (
            isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0.0 <= float(ratio) <= 1.0
        ):
            raise ValidationError("min_delivered_ratio", ratio, "must be a number from 0.0 to 1.0, or None")

    def judge(self, statuses: Sequence[DeliveryStatus], expected: int) -> Verdict:
        """The verdict on the latest states of ``expected`` packages (the one loop body of every watcher)."""
        final = sum(1 for s in statuses if s.final)
        reason = self.early_failure(statuses)
        if reason:
            return Verdict(True, final, expected, summarise(statuses), failure="failed", reason=reason)
        if final < expected:
            return Verdict(False, final, expected)
        summary = summarise(statuses)
        reason = self.final_failure(summary)
        return Verdict(True, final, expected, summary, failure="below" if reason else None, reason=reason)

    def early_failure(self, statuses: Sequence[DeliveryStatus]) -> str | None:
        """A reason to stop watching now (a failed package under ``fail_on_failed``), else None."""
        if not self.fail_on_failed:
            return None
        bad = [s.reference for s in statuses if s.phase in (DeliveryPhase.FAILED, DeliveryPhase.CANCELLED)]
        if bad:
            shown = ", ".join(bad[:10]) + (f", … (+{len(bad) - 10})" if len(bad) > 10 else "")
            return f"{len(bad)} package(s) failed or were cancelled: {shown}"
        return None

    def final_failure(self, summary: Mapping[str, Any]) -> str | None:
        """Once all are final: a reason the outcome is not acceptable, else None."""
        if self.min_delivered_ratio is None:
            return None
        total = int(summary.get("total", 0))
        delivered = int(summary.get("delivered", 0))
        ratio = delivered / total if total else 1.0
        if ratio < self.min_delivered_ratio:
            return (
                f"delivered {delivered} of {total} ({ratio:.1%}), below min_delivered_ratio="
                f"{self.min_delivered_ratio:.1%}"
            )
        return None
