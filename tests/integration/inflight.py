"""Counting requests in flight: wrap a client's session so a test can see how many overlapped."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any


class InFlight:
    """The most calls of a wrapped ``request`` that were running at once, and how many there were."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.calls = 0

    def _enter(self) -> None:
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)

    def _leave(self) -> None:
        with self._lock:
            self.running -= 1

    def wrap(self, request: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self._enter()
            try:
                return request(*args, **kwargs)
            finally:
                self._leave()

        return counted

    def awrap(self, request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def counted(*args: Any, **kwargs: Any) -> Any:
            self._enter()
            try:
                return await request(*args, **kwargs)
            finally:
                self._leave()

        return counted
