"""A clock that can run faster than real time, so packages move through their states quickly in tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Virtual UTC time: ``speed`` virtual seconds pass per real second, plus any manual ``advance()``.

    Virtual time starts at real now and runs ahead of it by ``(speed - 1) * elapsed + advanced``; ``reset()``
    brings it back to real now (keeping the speed), so one test's ``advance()`` or a long session at 60x
    does not leak into the next test.
    """

    def __init__(self, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._origin_real = time.monotonic()
        self._origin_virtual = datetime.now(UTC)
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        with self._lock:
            elapsed = (time.monotonic() - self._origin_real) * self._speed
            return self._origin_virtual + timedelta(seconds=elapsed)

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed={speed!r}: must be > 0")
        current = self.now()
        with self._lock:
            self._origin_real = time.monotonic()
            self._origin_virtual = current
            self._speed = float(speed)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._origin_virtual += timedelta(seconds=seconds)

    def reset(self) -> None:
        """Virtual now = real now again; the speed stays."""
        with self._lock:
            self._origin_real = time.monotonic()
            self._origin_virtual = datetime.now(UTC)
