"""The reader of ``recipients_csv`` gives exactly the rows ``csv.DictReader`` gives, and names bad lines."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.tasks.recipients import RecipientSource, _csv_rows


def test_rows_are_those_of_csv_dictreader_for_short_long_and_blank_lines() -> None:
    rng = random.Random(7)
    for _ in range(500):
        width = rng.randint(2, 7)
        lines = [",".join(rng.choice("ab") for _ in range(rng.randint(0, 4))) for _ in range(width)]
        if not lines[0]:
            continue  # no header: an error of its own (below)
        text = "\n".join(lines) + "\n"
        expected = list(csv.DictReader(io.StringIO(text)))
        assert list(_csv_rows(csv.reader(io.StringIO(text)), "f.csv")) == expected, text


def test_a_file_without_a_header_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", "utf-8")
    with pytest.raises(ValidationError, match="no header line"):
        list(RecipientSource(csv_path=str(path)).iterate())


def test_a_line_that_is_not_utf8_is_named_with_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"phone,name\n05555550001,Ali\n05555550002,Ay\xfee\n")
    with pytest.raises(ValidationError, match=r"line 3 is not utf-8-sig text \(byte 15 of the line\)"):
        list(RecipientSource(csv_path=str(path)).iterate())
