"""``python -m airflow_provider_ileti.maintenance cleanup --older-than 30d``: delete old send progress.

Run it where the Airflow CLI works against the metadata database (beside the scheduler, e.g. from cron).
Exit status: 0 done (the report on stdout), 1 the clean-up failed (one line on stderr), 2 a bad argument
or Airflow not installed here (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from airflow_provider_ileti.extras import require_extra

PROG = "python -m airflow_provider_ileti.maintenance"
_DURATION = re.compile(r"\s*(\d+)\s*([dhm])\s*")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(text: str) -> datetime.timedelta:
    """``30d``, ``12h``, ``90m`` -> a timedelta above zero; ``ValueError`` that says what is accepted."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration: write a whole number and d, h or m (30d, 12h, 90m)")
    amount, unit = int(match[1]), match[2]
    if amount == 0:
        raise ValueError(f"{text!r} is zero: every finished send would go, write e.g. 30d")
    return datetime.timedelta(**{_UNITS[unit]: amount})


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line (``prog: error: ...``), exit 2, as cron mail and scripts want them."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog=PROG, description="Housekeeping of airflow-provider-ileti's records.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    cleanup = commands.add_parser(
        "cleanup",
        help="delete send progress Variables (ileti_send_progress.*) nothing else deletes",
        description=(
            "Delete the send progress Variables last written more than --older-than ago. Kept: incomplete "
            "sends, records without a date, a send a live try holds, and anything that is not a progress "
            "record. Deleting a record lets a cleared task (or a re-used campaign_id) send again on "
            "services without client ids: pick --older-than beyond that."
        ),
    )
    cleanup.add_argument(
        "--older-than",
        type=_duration_argument,
        required=True,
        metavar="AGE",
        help="last written more than AGE ago: 30d, 12h, 90m",
    )
    cleanup.add_argument(
        "--include-undated",
        action="store_true",
        help="also records written before they carried a date (updated_at)",
    )
    cleanup.add_argument(
        "--include-incomplete",
        action="store_true",
        help="also sends that did not complete (a retry could no longer resume them)",
    )
    cleanup.add_argument(
        "--include-campaigns",
        action="store_true",
        help="also campaign_id records (a later run of that campaign would then send it again)",
    )
    cleanup.add_argument(
        "--dry-run", action="store_true", help="report what would be deleted, delete nothing"
    )
    return parser


def _duration_argument(text: str) -> datetime.timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    # ordinary dependencies, no extra: one line (exit 2) where Airflow is not installed, e.g. a wrong venv
    require_extra(None, "airflow", "sqlalchemy", prog=PROG)
    args = build_parser().parse_args(argv)
    from airflow_provider_ileti.maintenance.send_progress import cleanup_send_progress

    try:
        report = cleanup_send_progress(
            older_than=args.older_than,
            include_undated=args.include_undated,
            include_incomplete=args.include_incomplete,
            include_campaigns=args.include_campaigns,
            dry_run=args.dry_run,
        )
    except Exception as exc:  # a database that cannot be reached, a missing table: one line, not a trace
        first_line = (str(exc).strip().splitlines() or [""])[0]
        print(f"{PROG}: error: the clean-up failed: {type(exc).__name__}: {first_line}", file=sys.stderr)
        return 1
    print(report.render())
    return 0
