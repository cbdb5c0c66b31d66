"""The claim's timed mutual exclusion, step by step with a store that two tries share."""

from __future__ import annotations

import pytest

import airflow_provider_ileti.exactly_once.claim as claim_module
from airflow_provider_ileti.exactly_once.claim import (
    SendClaimedError,
    claim,
    confirm,
    hold,
    release,
    stake,
)
from airflow_provider_ileti.exactly_once.progress import (
    MemoryProgressStore,
    Progress,
    TaskStateProgressStore,
)
from tests.unit.operators.support import FakeStateStore


def test_of_two_tries_that_both_saw_no_owner_the_later_writer_wins() -> None:
    store = TaskStateProgressStore(FakeStateStore())
    seen_by_a, seen_by_b = store.load(), store.load()  # both read: nobody holds the send

    def b_writes_while_a_waits(_: float) -> None:
        seen_by_b.owner, seen_by_b.owner_seen = "b", 1000.0
        store.save(seen_by_b)

    with pytest.raises(SendClaimedError, match=r"\(b, seen 0 s ago\) claimed it at the same moment"):
        claim(store, seen_by_a, "a", 1, "run", clock=lambda: 1000.0, sleep=b_writes_while_a_waits)
    assert store.load().owner == "b"


def test_a_try_that_finds_a_live_owner_writes_nothing() -> None:
    store = TaskStateProgressStore(FakeStateStore())
    store.save(Progress(owner="a", owner_seen=1000.0, owner_try=1, owner_run="run"))
    with pytest.raises(SendClaimedError, match="is sending"):
        claim(store, store.load(), "b", 1, "run", clock=lambda: 1010.0, sleep=lambda _: None)
    assert store.load().owner == "a"


def test_a_later_try_takes_over_the_claim_of_an_earlier_one_at_once() -> None:
    store = TaskStateProgressStore(FakeStateStore())
    store.save(Progress(owner="a", owner_seen=1000.0, owner_try=1, owner_run="run"))  # try 1 killed 1 s ago
    progress = claim(store, store.load(), "b", 2, "run", clock=lambda: 1001.0, sleep=lambda _: None)
    assert (progress.owner, progress.owner_try) == ("b", 2)


def test_hold_stops_a_try_whose_claim_was_taken_over_and_release_frees_it() -> None:
    store = TaskStateProgressStore(FakeStateStore())
    mine = claim(store, store.load(), "a", 1, "run", clock=lambda: 1000.0, sleep=lambda _: None)
    hold(store, mine, "a", clock=lambda: 1001.0)
    assert mine.owner_seen == 1001.0
    store.save(Progress(owner="c", owner_seen=2000.0))
    with pytest.raises(SendClaimedError, match="took over"):
        hold(store, mine, "a")
    release(store, mine, "a")  # not ours any more: nothing written
    assert store.load().owner == "c"


def test_a_store_that_cannot_persist_takes_no_claim() -> None:
    progress = claim(MemoryProgressStore(), Progress(), "a", 1, "run", sleep=lambda _: pytest.fail("no wait"))
    assert progress.owner is None


def test_try_2_of_another_run_of_the_same_campaign_waits_for_the_lease() -> None:
    store = TaskStateProgressStore(FakeStateStore())
    store.save(Progress(owner="a", owner_seen=1000.0, owner_try=1, owner_run="scheduled"))
    with pytest.raises(SendClaimedError, match="is sending"):
        claim(store, store.load(), "b", 2, "manual", clock=lambda: 1010.0, sleep=lambda _: None)


def test_work_between_stake_and_confirm_counts_towards_the_settle_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The send's first pass runs between the two steps: only what is left of the settle time is waited,
    and a claim another try wrote meanwhile is still seen."""
    monkeypatch.setattr(claim_module, "CLAIM_SETTLE_SECONDS", 1.0)  # tests/conftest.py shortens it
    store = TaskStateProgressStore(FakeStateStore())
    progress = store.load()
    staked = stake(store, progress, "a", 1, "run", clock=lambda: 1000.0)
    assert staked is not None and store.load().owner == "a"
    waits: list[float] = []
    mine = confirm(store, progress, "a", staked - 0.4, sleep=waits.append)  # 0.4 s of work done
    assert mine.owner == "a"
    assert len(waits) == 1 and 0.5 < waits[0] <= 0.6
    confirm(store, progress, "a", staked - 5.0, sleep=lambda _: pytest.fail("longer work: no wait"))
    store.save(Progress(owner="b", owner_seen=1000.5))  # another try wrote while this one worked
    with pytest.raises(SendClaimedError, match="claimed it at the same moment"):
        confirm(store, progress, "a", staked - 5.0, sleep=lambda _: None)
