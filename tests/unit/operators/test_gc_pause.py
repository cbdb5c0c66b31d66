"""The cyclic collector is paused while a chunk is prepared (``tasks/gc_pause.py``), and that is safe."""

from __future__ import annotations

import csv
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_provider_ileti.operators.send import SendSmsOperator
from airflow_provider_ileti.tasks.gc_pause import collector_paused, each_paused
from tests.unit.operators.support import NUMBERS, FakeSmsClient, FakeStateStore, make_context


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_the_block_and_restored_after_it_even_on_an_error(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer state is kept
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_paused_while_each_item_is_made_and_on_while_the_caller_holds_it(collector_on: None) -> None:
    seen_while_making: list[bool] = []

    def made() -> Iterator[int]:
        for n in range(3):
            seen_while_making.append(gc.isenabled())
            yield n

    seen_by_caller = [(item, gc.isenabled()) for item in each_paused(made())]
    assert seen_by_caller == [(0, True), (1, True), (2, True)]
    assert seen_while_making == [False, False, False]


def test_an_error_while_making_an_item_leaves_the_collector_on(collector_on: None) -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("bad row")

    items = each_paused(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="bad row"):
        next(items)
    assert gc.isenabled()


def _garbage_of_a_send(client: FakeSmsClient, path: Path, people: int) -> int:
    """Objects the cyclic collector finds after a personalised CSV send run with it off throughout."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["phone", "first_name", "city"])
        writer.writerows([number, f"Ayşe{i}", "İzmir"] for i, number in enumerate(NUMBERS[:people]))
    task = SendSmsOperator(
        task_id="send",
        conn_id="node_sms_default",
        message_template="Merhaba {{ r.first_name }}, {{ r.city }}",
        recipients_csv=str(path),
    )
    context = make_context(store=FakeStateStore())
    gc.collect()
    gc.disable()
    try:
        result = task.execute(context)
        garbage = gc.collect()
    finally:
        gc.enable()
    assert result["recipients"] == people
    return garbage


def test_a_personalised_send_makes_no_cyclic_garbage_per_recipient(
    fake_client: FakeSmsClient, tmp_path: Path, collector_on: None
) -> None:
    """What the pause relies on: rows, recipients, texts and prepared bodies are freed by reference
    counting. A first send leaves a few hundred cycles of one-time set-up (imports, logging); after it, a
    send of 2,000 recipients leaves (almost) none: garbage per recipient would be thousands."""
    fake_client.max_recipients_per_send = 1000  # chunks as large as a real service's, relative to the send
    _garbage_of_a_send(fake_client, tmp_path / "warm-up.csv", 200)
    assert _garbage_of_a_send(fake_client, tmp_path / "people.csv", 2000) < 50


def test_an_item_is_let_go_before_the_next_is_made(collector_on: None) -> None:
    """A chunk is tens of MB: the wrapper must not hold the one the caller has finished with while the
    next is made (two chunks at the peak is what it cost before)."""

    class Chunk:
        pass

    made: list[weakref.ref[Chunk]] = []

    def new() -> Chunk:
        chunk = Chunk()
        made.append(weakref.ref(chunk))
        return chunk

    def chunks() -> Iterator[Chunk]:
        for _ in range(3):
            assert all(ref() is None for ref in made), "an earlier chunk is still held"
            yield new()

    for chunk in each_paused(chunks()):
        assert isinstance(chunk, Chunk)
        del chunk  # as the send does
    assert len(made) == 3
