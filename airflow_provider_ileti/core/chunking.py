"""Cut a stream of recipients into request-sized lists without holding the stream in memory.

A million numbers read from a file or a query go out in chunks of a service's ``max_recipients_per_send``;
only one chunk is in memory at a time. ``enumerate_chunks(start=...)`` lets a retried task resume at the
chunk where the last try stopped (chunk numbers feed the idempotency key, so they must be stable).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

from airflow_provider_ileti.core.errors import ValidationError

T = TypeVar("T")


def chunked(iterable: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of at most ``size`` items, in order; the last may be shorter; nothing for an empty input.

    A bad ``size`` raises at the call, not at the first ``next()``.
    """
    _check_size(size)
    return _chunks(iter(iterable), size)


def _chunks(iterator: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def enumerate_chunks(iterable: Iterable[T], size: int, *, start: int = 0) -> Iterator[tuple[int, list[T]]]:
    """``(chunk_number, chunk)`` pairs, numbered from 0; chunks before ``start`` are skipped unread.

    Skipping consumes the first ``start * size`` items lazily, so resuming at chunk 401 of a million
    numbers never builds the first 400 chunks.
    """
    _check_size(size)
    if isinstance(start, bool) or not isinstance(start, int) or start < 0:
        raise ValidationError("start", start, "must be an integer >= 0")
    return _numbered(iter(iterable), size, start)


def _numbered(iterator: Iterator[T], size: int, start: int) -> Iterator[tuple[int, list[T]]]:
    if start:
        next(itertools.islice(iterator, start * size, start * size), None)
    for offset, chunk in enumerate(_chunks(iterator, size)):
        yield start + offset, chunk


def count_chunks(total: int, size: int) -> int:
    """How many chunks ``total`` items make (ceil division)."""
    _check_size(size)
    return -(-max(total, 0) // size)


def _check_size(size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValidationError("size", size, "must be an integer >= 1")
