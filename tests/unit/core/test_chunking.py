"""Chunking rules: order, sizes, laziness (bounded memory), resuming."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from airflow_provider_ileti.core.chunking import chunked, count_chunks, enumerate_chunks
from airflow_provider_ileti.core.errors import ValidationError


def test_chunks_keep_order_and_the_last_is_shorter() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_an_exact_multiple_has_no_empty_tail() -> None:
    assert list(chunked(range(6), 3)) == [[0, 1, 2], [3, 4, 5]]


def test_an_empty_input_gives_no_chunks() -> None:
    assert list(chunked([], 5)) == []


def test_chunks_are_streamed_from_an_endless_source() -> None:
    first_two = list(itertools.islice(chunked(itertools.count(), 1000), 2))
    assert first_two[1][0] == 1000


def test_only_one_chunk_is_read_ahead() -> None:
    pulled = 0

    def source() -> Iterator[int]:
        nonlocal pulled
        for i in range(1_000_000):
            pulled += 1
            yield i

    chunks = chunked(source(), 500)
    next(chunks)
    assert pulled == 500


@pytest.mark.parametrize("size", [0, -1, 1.5, True])
def test_a_bad_size_fails_at_the_call(size: object) -> None:
    with pytest.raises(ValidationError) as info:
        chunked([1], size)  # type: ignore[arg-type]
    assert info.value.field == "size"


def test_enumerate_chunks_numbers_from_zero() -> None:
    assert list(enumerate_chunks("abcde", 2)) == [(0, ["a", "b"]), (1, ["c", "d"]), (2, ["e"])]


def test_enumerate_chunks_resumes_at_a_chunk_number() -> None:
    assert list(enumerate_chunks(range(10), 3, start=2)) == [(2, [6, 7, 8]), (3, [9])]


def test_resuming_past_the_end_gives_nothing() -> None:
    assert list(enumerate_chunks(range(10), 3, start=9)) == []


def test_resuming_does_not_build_skipped_chunks() -> None:
    numbered = enumerate_chunks(itertools.count(), 1000, start=400)
    assert next(numbered) == (400, list(range(400_000, 401_000)))


def test_a_negative_start_is_rejected() -> None:
    with pytest.raises(ValidationError):
        enumerate_chunks([1], 1, start=-1)


def test_count_chunks() -> None:
    assert [count_chunks(n, 1000) for n in (0, 1, 1000, 1001, 1_000_000)] == [0, 1, 1, 2, 1000]
