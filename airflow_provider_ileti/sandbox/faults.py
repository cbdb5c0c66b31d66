"""Faults injected per path: 5xx, 429 with Retry-After, delays, maintenance, and dropped connections.

``drop_after_commit`` lets the handler run (the package/order is created) and then closes the connection
without an answer: the case that proves a client sends exactly once. ``drop`` closes it before the
handler runs (nothing was created: the client may safely retry). ``service_error`` answers ``code`` (and
``message``) in the service's own envelope before the handler runs: Node ``SMS50`` over REST or SOAP,
İleti Merkezi ``455`` in its XML/JSON, İletiniz ``{"error": code}`` with ``status``, WISECP's error object.
"""

from __future__ import annotations

import fnmatch
import math
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

MODES = ("status", "rate_limit", "delay", "maintenance", "drop", "drop_after_commit", "service_error")


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
    #: ``service_error`` only: the service's own error code (``SMS50``, ``455``, ``quota_exceeded``).
    code: str | None = None
    #: ``service_error`` only: the message in the envelope (default: the code's own meaning or "injected").
    message: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path.startswith(("/", "*")):
            raise ValueError(f"path={self.path!r}: must be a full path (or pattern) starting with / or *")
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r}: must be one of {', '.join(MODES)}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability={self.probability!r}: must be 0..1")
        after = self.retry_after
        if after is not None and not (isinstance(after, int | float) and math.isfinite(after) and after >= 0):
            raise ValueError(f"retry_after={self.retry_after!r}: must be a number of seconds >= 0")
        if not (isinstance(self.delay, int | float) and self.delay >= 0):
            raise ValueError(f"delay={self.delay!r}: must be a number of seconds >= 0")
        if not (isinstance(self.status, int) and 100 <= self.status <= 599):
            raise ValueError(f"status={self.status!r}: must be an HTTP status 100..599")
        if self.times is not None and not (isinstance(self.times, int) and self.times >= 0):
            raise ValueError(f"times={self.times!r}: must be an integer >= 0 or null")
        if self.mode == "service_error":
            _check_service_code(self.path, self.code)

    def retry_after_header(self) -> str:
        """``Retry-After`` in whole seconds, rounded up and at least 1 (0.2 s must not read as "0")."""
        return str(max(1, math.ceil(self.retry_after or 1)))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_service_code(path: str, code: str | None) -> None:
    if not isinstance(code, str) or not code:
        raise ValueError(f"code={code!r}: mode service_error needs the service's error code")
    service = path.strip("/").split("/", 1)[0]
    if service == "node":
        from airflow_provider_ileti.sandbox.services.node.codes import CODES

        if code not in CODES:
            raise ValueError(f"code={code!r}: not a Node code (one of {', '.join(CODES)})")
    elif service == "iletimerkezi" and not (code.isdigit() and len(code) == 3):
        raise ValueError(f"code={code!r}: an İleti Merkezi code is three digits, e.g. 455")


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
