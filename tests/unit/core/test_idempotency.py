"""customID rules: deterministic, alphabet, length, hashed when long or lossy, no collisions."""

from __future__ import annotations

import random
import re
import string

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.idempotency import make_custom_id, validate_custom_id

VALID = re.compile(r"[A-Za-z0-9.-]{1,100}")
RUN_ID = "scheduled__2025-03-01T09:30:00+00:00"


def test_deterministic() -> None:
    assert make_custom_id("send_dag", "send", RUN_ID, 0, 3) == make_custom_id(
        "send_dag", "send", RUN_ID, 0, 3
    )


def test_clean_parts_give_a_readable_id() -> None:
    assert make_custom_id("daily", "send", "run1", 2, 17) == "af.daily.send.run1.2.17"


def test_prefix_can_be_changed_or_dropped() -> None:
    assert make_custom_id("a", "b", prefix="ops") == "ops.a.b"
    assert make_custom_id("a", "b", prefix="") == "a.b"


def test_a_prefix_outside_the_alphabet_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        make_custom_id("a", prefix="my.prefix")
    assert info.value.field == "prefix"


def test_airflow_run_ids_are_sanitised_and_hashed() -> None:
    custom_id = make_custom_id("send_dag", "send", RUN_ID, 0, 3)
    assert VALID.fullmatch(custom_id)
    assert custom_id.startswith("af.send-dag.send.scheduled-2025-03-01T09-30-00-00-00.0.3..")
    assert len(custom_id.rpartition("..")[2]) == 20


def test_sanitising_that_loses_information_never_collides() -> None:
    ids = {make_custom_id("d", "t", run) for run in ("a:b", "a+b", "a b", "a-b", "a_b")}
    assert len(ids) == 5


def test_long_parts_are_hashed_to_at_most_100_characters() -> None:
    custom_id = make_custom_id("d" * 250, "task")
    assert len(custom_id) == 100
    assert VALID.fullmatch(custom_id)


def test_ids_differing_only_beyond_the_truncation_differ() -> None:
    assert make_custom_id("x" * 150, "chunk", 1) != make_custom_id("x" * 150, "chunk", 2)


def test_the_chunk_number_changes_the_id() -> None:
    assert make_custom_id("d", "t", RUN_ID, 0, 400) != make_custom_id("d", "t", RUN_ID, 0, 401)


def test_the_map_index_changes_the_id() -> None:
    assert make_custom_id("d", "t", RUN_ID, 0, 0) != make_custom_id("d", "t", RUN_ID, 1, 0)


def test_part_boundaries_matter() -> None:
    assert make_custom_id("a-b", "c") != make_custom_id("a", "b-c")
    assert make_custom_id("ab", "c") != make_custom_id("a", "bc")


def test_none_empty_and_the_word_none_are_distinct() -> None:
    ids = {
        make_custom_id("d", None),
        make_custom_id("d", ""),
        make_custom_id("d", "None"),
        make_custom_id("d"),
    }
    assert len(ids) == 4


def test_a_number_and_its_string_are_the_same_part() -> None:
    assert make_custom_id("d", 1) == make_custom_id("d", "1")


def test_a_readable_id_never_equals_a_hashed_one() -> None:
    hashed = make_custom_id("d:1")
    assert ".." in hashed
    assert ".." not in make_custom_id("d-1")


def test_random_inputs_always_give_valid_distinct_ids() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "-_.:+ ğüşİ"
    inputs = {
        tuple("".join(rng.choices(alphabet, k=rng.randint(0, 60))) for _ in range(4)) for _ in range(3000)
    }
    ids = {make_custom_id(*parts) for parts in inputs}
    assert len(ids) == len(inputs)
    assert all(VALID.fullmatch(i) for i in ids)


def test_validate_custom_id_accepts_the_alphabet() -> None:
    assert validate_custom_id("abc.DEF-123") == "abc.DEF-123"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must not be empty"),
        ("a" * 101, "at most 100 characters"),
        ("a_b", "only letters, digits"),
        ("ş", "only letters, digits"),
        (42, "must be a string"),
    ],
)
def test_validate_custom_id_rules(value: object, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_custom_id(value, field="customID")
    assert info.value.field == "customID"
    assert rule in info.value.rule
