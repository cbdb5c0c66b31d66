"""Faults injected per path: 5xx, 429 with Retry-After, delays, maintenance, and dropped connections.

``drop_after_commit`` lets the handler run (the package/order is created) and then closes the connection
without an answer: the case that proves a client sends exactly once. ``drop`` closes it before the
handler runs (nothing was created: the client may safely retry).
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

MODES = ("status", "rate_limit", "delay", "maintenance", "drop", "drop_after_commit")


@dataclass
class Fault:
    path: str  # full path, e.g. "/node/sms/create"; shell-style wildcards allowed
    mode: str
    status: int = 503
    retry_after: float | None = None
    delay: float = 0.0
    probability: float = 1.0
    #: How many more times the fault may fire; None = without limit.
    times: int | None = None
    method: str | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r}: must be one of {', '.join(MODES)}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability={self.probability!r}: must be 0..1")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultTable:
    """Faults in the order they were added; the first that matches and fires wins."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._seed = seed
        self._random = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._random = random.Random(self._seed)

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, consuming one of its ``times``; None when none fires."""
        with self._lock:
            for fault in self._faults:
                if fault.method and fault.method.upper() != method.upper():
                    continue
                if not (fault.path == path or fnmatch.fnmatchcase(path, fault.path)):
                    continue
                if fault.times is not None and fault.times <= 0:
                    continue
                if fault.probability < 1.0 and self._random.random() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None
