"""``--older-than``: the durations it takes, and one line with exit 2 for anything else."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_ileti.maintenance.cli import build_parser, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", dt.timedelta(days=30)),
        ("12h", dt.timedelta(hours=12)),
        ("90m", dt.timedelta(minutes=90)),
        (" 7d ", dt.timedelta(days=7)),
        ("400d", dt.timedelta(days=400)),
    ],
)
def test_a_whole_number_and_a_unit_is_a_duration(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("30", "not a duration"),
        ("d", "not a duration"),
        ("3x", "not a duration"),
        ("1.5d", "not a duration"),
        ("-1d", "not a duration"),
        ("30D", "not a duration"),
        ("", "not a duration"),
        ("0d", "is zero"),
    ],
)
def test_anything_else_is_refused_with_what_is_accepted(text: str, rule: str) -> None:
    with pytest.raises(ValueError, match=rule) as caught:
        parse_duration(text)
    assert "30d" in str(caught.value)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["cleanup", "--older-than", "3x"], "argument --older-than: '3x' is not a duration"),
        (["cleanup"], "the following arguments are required: --older-than"),
        (["cleanup", "--older-than", "30d", "--force"], "unrecognized arguments: --force"),
        ([], "the following arguments are required: command"),
    ],
)
def test_a_bad_argument_is_one_line_on_stderr_and_exit_2(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.count("\n") == 1 and says in err and err.startswith("python -m airflow_provider_ileti")


def test_the_flags_reach_the_arguments() -> None:
    args = build_parser().parse_args(
        ["cleanup", "--older-than", "12h", "--include-undated", "--include-incomplete", "--dry-run"]
    )
    assert (args.older_than, args.include_undated, args.include_incomplete, args.dry_run) == (
        dt.timedelta(hours=12),
        True,
        True,
        True,
    )
