"""What every service's state shares: the sandbox's clock, one lock, and ``reset()`` to a fresh account.

Each service's state class (``<service>/state.py``) builds on ``StateBase`` and sets its own records in
``_clear()``, which runs under the lock at construction and on every ``reset()`` (``Sandbox.reset()``).
"""

from __future__ import annotations

import abc
import threading
from contextlib import AbstractContextManager
from typing import ClassVar

from airflow_provider_ileti.sandbox.clock import Clock


class StateBase(abc.ABC):
    """The clock, the lock and ``reset()`` of one service's in-memory account."""

    #: True for a state whose locked code calls other locked code: the lock is then an ``RLock``.
    REENTRANT_LOCK: ClassVar[bool] = False

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.lock: AbstractContextManager[bool] = (
            threading.RLock() if self.REENTRANT_LOCK else threading.Lock()
        )
        self.reset()

    def reset(self) -> None:
        """Back to a fresh account: every record cleared (under the lock)."""
        with self.lock:
            self._clear()

    @abc.abstractmethod
    def _clear(self) -> None:
        """Set the service's records to their initial values (called with the lock held)."""
