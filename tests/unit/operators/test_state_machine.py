"""The one state machine of a request under the progress record: in flight -> recorded / abandoned /
ambiguous, and a person's decision on an ambiguous item (send, KVKK links and recreate all use it)."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.core.errors import AmbiguousSendError, TransientError
from airflow_provider_ileti.exactly_once.progress import (
    AmbiguousUnresolved,
    MemoryProgressStore,
    Progress,
    recorded_request,
)


def test_a_request_that_answers_is_recorded_and_no_longer_in_flight() -> None:
    progress, store = Progress(), MemoryProgressStore()
    with recorded_request(progress, store, 0, "chunk 0", fingerprint="f0"):
        assert store.load().in_flight == 0, "saved before the request"
    progress.record(0, "pkg-1", 5, "f0")
    assert (progress.in_flight, progress.references, progress.fingerprints) == (None, ["pkg-1"], {0: "f0"})


def test_a_request_that_surely_did_not_go_out_is_abandoned() -> None:
    progress, store = Progress(), MemoryProgressStore()
    with pytest.raises(TransientError), recorded_request(progress, store, 3, "chunk 3"):
        raise TransientError("connection refused")
    assert store.load().in_flight is None and store.load().ambiguous_chunk is None


def test_a_request_that_may_have_gone_out_is_ambiguous_and_saved() -> None:
    progress, store = Progress(), MemoryProgressStore()
    with pytest.raises(AmbiguousSendError), recorded_request(progress, store, 3, "chunk 3"):
        raise AmbiguousSendError("timed out after the body went out")
    saved = store.load()
    assert saved.ambiguous_chunk == 3 and "timed out" in (saved.ambiguous_message or "")


def test_an_item_left_in_flight_is_ambiguous_without_client_ids_and_dropped_with_them() -> None:
    without = Progress(in_flight=2, in_flight_message="chunk 2 (3 numbers)")
    assert without.settle_in_flight(found_by_lookup=False)
    assert without.ambiguous_chunk == 2 and "the try ended" in (without.ambiguous_message or "")
    with_ids = Progress(in_flight=2)
    assert with_ids.settle_in_flight(found_by_lookup=True)
    assert with_ids.in_flight is None and with_ids.ambiguous_chunk is None
    assert not Progress().settle_in_flight(found_by_lookup=False)


@pytest.mark.parametrize(
    ("decision", "next_chunk", "skipped"),
    [("skip", 3, [2]), ("resend", 2, [])],
)
def test_a_person_decides_on_an_ambiguous_item(decision: str, next_chunk: int, skipped: list[int]) -> None:
    progress = Progress(next_chunk=2, ambiguous_chunk=2, ambiguous_message="chunk 2")
    assert progress.resolve_ambiguous(decision) == 2
    assert (progress.next_chunk, progress.skipped, progress.ambiguous_chunk) == (next_chunk, skipped, None)


def test_until_a_person_decides_the_retry_stops_naming_the_item() -> None:
    progress = Progress(next_chunk=2, ambiguous_chunk=2, ambiguous_message="chunk 2 (90555***0001)")
    with pytest.raises(AmbiguousUnresolved, match=r"chunk 2 \(90555\*\*\*0001\) ambiguous.*on_ambiguous"):
        progress.resolve_ambiguous("fail")
    assert progress.ambiguous_chunk == 2, "still there for the next try"
