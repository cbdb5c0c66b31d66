"""The one table every benchmark prints: what was measured, ours, the baseline, the ratio and the goal.

A ratio is ours / baseline for costs (time, CPU, memory: lower is better) and baseline-relative speed for
throughput where the goal says so; each row states which, and whether the goal holds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str
    ours: float
    baseline: float
    unit: str
    #: the goal on the ratio ours / baseline, e.g. 1.5 for "at most 1.5x the baseline"
    goal: float
    #: True when a higher ratio is better (a speed), False for a cost
    higher_is_better: bool = False

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio >= self.goal if self.higher_is_better else self.ratio <= self.goal


def print_table(rows: list[Row]) -> bool:
    """Print the rows; True when every goal holds."""
    head = f"{'measure':44} {'ours':>12} {'baseline':>12} {'ratio':>7} {'goal':>8}  ok"
    print(head)
    print("-" * len(head))
    for row in rows:
        goal = "-" if row.goal == float("inf") else f"{'>=' if row.higher_is_better else '<='}{row.goal:g}x"
        print(
            f"{row.what:44} {row.ours:>10.3g} {row.unit:1} {row.baseline:>10.3g} {row.unit:1} "
            f"{row.ratio:>6.2f}x {goal:>8}  {'yes' if row.met else 'NO'}"
        )
    return all(row.met for row in rows)
