"""The shard helper: the same source gives the same shards on every try, and a changed source is refused."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.transfers.shards import (
    MANIFEST,
    ShardPlanChanged,
    shard_sizes,
    split_csv,
    split_list,
)

#: (rows, shards) -> sizes: contiguous, even to within one row, never an empty shard.
SIZES_BY_SHARDS = [
    (10, 3, [3, 3, 4]),
    (9, 3, [3, 3, 3]),
    (2, 5, [1, 1]),
    (1, 1, [1]),
    (0, 4, []),
    (1_000_001, 4, [250_000, 250_000, 250_000, 250_001]),
]
#: (rows, rows_per_shard) -> sizes: full shards, the rest last.
SIZES_BY_ROWS = [
    (10, 4, [4, 4, 2]),
    (8, 4, [4, 4]),
    (3, 10, [3]),
    (0, 10, []),
]


def write_source(path: Path, count: int, *, prefix: str = "0555") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["phone", "first_name"])
        for i in range(count):
            writer.writerow([f"{prefix}{i:07d}", f"Kişi, {i}"])  # a comma inside a quoted field
    return path


def read_rows(path: str) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(("rows", "shards", "expected"), SIZES_BY_SHARDS)
def test_shards_are_spread_evenly_and_none_is_empty(rows: int, shards: int, expected: list[int]) -> None:
    assert shard_sizes(rows, shards=shards) == expected


@pytest.mark.parametrize(("rows", "per_shard", "expected"), SIZES_BY_ROWS)
def test_rows_per_shard_gives_full_shards_and_the_rest_last(
    rows: int, per_shard: int, expected: list[int]
) -> None:
    assert shard_sizes(rows, rows_per_shard=per_shard) == expected


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"shards": 2, "rows_per_shard": 2}, {"shards": 0}, {"rows_per_shard": -1}, {"shards": True}],
)
def test_exactly_one_positive_count_is_required(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        shard_sizes(10, **kwargs)  # type: ignore[arg-type]


def test_every_source_row_lands_in_exactly_one_shard_in_order_under_the_header(tmp_path: Path) -> None:
    source = write_source(tmp_path / "source.csv", 1001)
    plan = split_csv(source, tmp_path / "shards", shards=4)
    assert [s.rows for s in plan.shards] == [250, 250, 250, 251]
    assert [s.first_row for s in plan.shards] == [0, 250, 500, 750]
    together: list[list[str]] = []
    for shard in plan.shards:
        rows = read_rows(shard.path)
        assert rows[0] == ["phone", "first_name"]
        together.extend(rows[1:])
    assert together == read_rows(str(source))[1:]
    assert plan.rows == 1001


def test_kwargs_and_paths_feed_dynamic_task_mapping(tmp_path: Path) -> None:
    plan = split_csv(write_source(tmp_path / "s.csv", 5), tmp_path / "out", rows_per_shard=2)
    assert plan.kwargs() == [{"recipients_csv": p} for p in plan.paths()]
    assert [Path(p).name for p in plan.paths()] == [
        "shard-00000-of-00003.csv",
        "shard-00001-of-00003.csv",
        "shard-00002-of-00003.csv",
    ]
    assert json.loads(json.dumps(plan.kwargs())) == plan.kwargs()  # XCom-safe


def test_a_second_call_returns_the_same_plan_and_writes_nothing(tmp_path: Path) -> None:
    source = write_source(tmp_path / "s.csv", 100)
    first = split_csv(source, tmp_path / "out", shards=3)
    stamps = {p: os.stat(p).st_mtime_ns for p in [*first.paths(), first.manifest]}
    again = split_csv(source, tmp_path / "out", shards=3)
    assert again == first
    assert {p: os.stat(p).st_mtime_ns for p in stamps} == stamps


def test_a_changed_source_is_refused_rather_than_cut_into_other_shards(tmp_path: Path) -> None:
    source = write_source(tmp_path / "s.csv", 100)
    first = split_csv(source, tmp_path / "out", shards=3)
    before = [read_rows(p) for p in first.paths()]
    write_source(source, 101)
    with pytest.raises(ShardPlanChanged, match="another content of the source"):
        split_csv(source, tmp_path / "out", shards=3)
    assert [read_rows(p) for p in first.paths()] == before


def test_other_arguments_for_the_same_directory_are_refused(tmp_path: Path) -> None:
    source = write_source(tmp_path / "s.csv", 100)
    split_csv(source, tmp_path / "out", shards=3)
    with pytest.raises(ShardPlanChanged, match="other arguments"):
        split_csv(source, tmp_path / "out", shards=4)


def test_a_shard_file_changed_after_the_plan_is_refused(tmp_path: Path) -> None:
    source = write_source(tmp_path / "s.csv", 10)
    plan = split_csv(source, tmp_path / "out", shards=2)
    with open(plan.paths()[1], "a", encoding="utf-8") as fh:
        fh.write("05550000099,extra\n")
    with pytest.raises(ShardPlanChanged, match="changed after"):
        split_csv(source, tmp_path / "out", shards=2)


def test_a_directory_without_a_manifest_is_written_afresh(tmp_path: Path) -> None:
    # A try that died before the manifest handed no shard to any task: its files are simply rewritten.
    source = write_source(tmp_path / "s.csv", 10)
    out = tmp_path / "out"
    out.mkdir()
    (out / "shard-00000-of-00002.csv").write_text("half a file", encoding="utf-8")
    plan = split_csv(source, out, shards=2)
    assert read_rows(plan.paths()[0])[0] == ["phone", "first_name"]
    assert (out / MANIFEST).is_file()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_same_source_in_two_directories_gives_byte_identical_shards(tmp_path: Path) -> None:
    source = write_source(tmp_path / "s.csv", 50)
    one = split_csv(source, tmp_path / "a", shards=3)
    two = split_csv(source, tmp_path / "b", shards=3)
    assert [s.sha256 for s in one.shards] == [s.sha256 for s in two.shards]


def test_a_source_without_a_header_or_missing_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValidationError, match="header"):
        split_csv(empty, tmp_path / "out", shards=2)
    with pytest.raises(ValidationError, match="existing CSV file"):
        split_csv(tmp_path / "nope.csv", tmp_path / "out", shards=2)


def test_a_header_only_source_makes_no_shards(tmp_path: Path) -> None:
    plan = split_csv(write_source(tmp_path / "s.csv", 0), tmp_path / "out", shards=4)
    assert plan.shards == () and plan.kwargs() == []


def test_split_list_cuts_contiguous_slices_like_the_csv_split() -> None:
    numbers = [f"0555{i:07d}" for i in range(10)]
    parts = split_list(numbers, shards=3)
    assert [len(p) for p in parts] == [3, 3, 4]
    assert [n for p in parts for n in p] == numbers
    assert split_list(numbers, rows_per_shard=4) == [numbers[:4], numbers[4:8], numbers[8:]]
