"""``ReadFanout``: at most ``concurrency`` calls at once, results in input order, the loop's first error."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from airflow_provider_ileti.clients.http.fanout import MAX_CONCURRENCY, ReadFanout, check_concurrency
from airflow_provider_ileti.clients.http.sync import POOL_SIZE
from airflow_provider_ileti.core.errors import NotFoundError, ValidationError


class Recorder:
    """A fake read: holds each call until ``expected`` are in flight, or every item of ``total`` started (or
    2 s passed), and records the most calls in flight."""

    def __init__(self, expected: int, total: int = 0) -> None:
        self.expected = expected
        self.total = total
        self.running = 0
        self.most = 0
        self.called: list[int] = []
        self.threads: set[int] = set()
        self._cond = threading.Condition()

    def __call__(self, item: int) -> int:
        with self._cond:
            self.called.append(item)
            self.threads.add(threading.get_ident())
            self.running += 1
            self.most = max(self.most, self.running)
            self._cond.notify_all()
            self._cond.wait_for(self._full, timeout=2)
        time.sleep(0.002 * (item % 3))  # so calls end out of order
        with self._cond:
            self.running -= 1
        if item < 0:
            raise NotFoundError(f"item {item}")
        return item * 10

    def _full(self) -> bool:
        return self.running >= self.expected or len(self.called) == self.total

    async def acall(self, item: int) -> int:
        self.called.append(item)
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            for _ in range(200):
                if self._full():
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.002 * (item % 3))
        finally:  # also when cancelled
            self.running -= 1
        if item < 0:
            raise NotFoundError(f"item {item}")
        return item * 10


@pytest.mark.parametrize("concurrency", [2, 4, 8])
def test_calls_really_overlap_up_to_the_bound_and_results_keep_order(concurrency: int) -> None:
    items = list(range(40))
    fake = Recorder(expected=concurrency, total=len(items))
    assert ReadFanout(concurrency).map(fake, items) == [i * 10 for i in items]
    assert fake.most == concurrency and sorted(fake.called) == items
    assert threading.get_ident() not in fake.threads


@pytest.mark.parametrize("concurrency", [2, 4, 8])
async def test_async_calls_really_overlap_up_to_the_bound_and_results_keep_order(concurrency: int) -> None:
    items = list(range(40))
    fake = Recorder(expected=concurrency, total=len(items))
    assert await ReadFanout(concurrency).amap(fake.acall, items) == [i * 10 for i in items]
    assert fake.most == concurrency and sorted(fake.called) == items


def test_concurrency_one_is_the_plain_loop_in_the_callers_thread() -> None:
    fake = Recorder(expected=1)
    assert ReadFanout(1).map(fake, [1, 2, 3]) == [10, 20, 30]
    assert fake.called == [1, 2, 3] and fake.most == 1 and fake.threads == {threading.get_ident()}


def test_the_first_error_in_input_order_is_raised_and_the_rest_is_not_started() -> None:
    fake = Recorder(expected=1)
    items = [*range(5), -1, *range(6, 200), -2]
    with pytest.raises(NotFoundError, match="item -1"):
        ReadFanout(4).map(fake, items)
    assert -2 not in fake.called and len(fake.called) < len(items)


async def test_async_first_error_in_input_order_and_the_rest_cancelled() -> None:
    fake = Recorder(expected=1)
    items = [*range(5), -1, *range(6, 200), -2]
    with pytest.raises(NotFoundError, match="item -1"):
        await ReadFanout(4).amap(fake.acall, items)
    assert -2 not in fake.called and len(fake.called) < len(items)
    assert fake.running == 0  # nothing left awaiting: the calls in flight were cancelled


def test_the_bound_is_the_clients_across_threads() -> None:
    """Two threads polling through one client share its bound."""
    fanout = ReadFanout(3)
    fake = Recorder(expected=3, total=24)
    threads = [threading.Thread(target=fanout.map, args=(fake, list(range(12)))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.most == 3 and len(fake.called) == 24


def test_concurrency_is_checked() -> None:
    assert MAX_CONCURRENCY == POOL_SIZE  # every thread keeps a pooled connection
    assert check_concurrency(1) == 1 and check_concurrency(MAX_CONCURRENCY) == MAX_CONCURRENCY
    for bad in (0, -1, MAX_CONCURRENCY + 1, 2.0, True, None, "4"):
        with pytest.raises(ValidationError, match="status_concurrency"):
            ReadFanout(bad)  # type: ignore[arg-type]
