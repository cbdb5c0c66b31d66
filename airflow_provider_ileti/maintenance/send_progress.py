"""Delete old send progress Variables, which nothing else ever deletes (Airflow below 3.3, and campaigns).

Where a send's progress lives (``exactly_once/progress.py``): on Airflow 3.3+ in the ``task_state_store``,
which expires with its retention or its DAG run; below 3.3, and for every send with a ``campaign_id``, in an
Airflow Variable ``ileti_send_progress.<label>``. The record is kept after success (``"complete": true``) so
that a late retry or a cleared task returns the recorded result instead of sending again; once no retry or
clear can come any more it is only clutter. This module deletes the records last written
(``updated_at``) more than ``older_than`` ago. Each record gets one verdict, the first that applies:

==============  ==========================================================================================
``unreadable``  not a JSON progress record: reported, never deleted (a person looks at it)
``claimed``     a live try holds the send (``owner_seen`` within ``send_claim.LEASE_SECONDS``): kept
``undated``     written before records carried ``updated_at``: kept unless ``include_undated``
``recent``      written within ``older_than``: kept
``incomplete``  the send did not complete (a retry may resume it, or an ambiguous chunk waits for a
                person's decision): kept unless ``include_incomplete``
``campaign``    the record of a ``campaign_id``: deleting it lets a later run of that campaign send it
                again on a service without client ids; kept unless ``include_campaigns``
``deleted``     everything else (in a dry run: would be deleted)
``changed``     written again between the read and the delete: kept (the delete compares the value)
==============  ==========================================================================================

Deleting a record lets a cleared task of that run send again on a service without client ids (İleti
Merkezi, İletiniz, WISECP), and a later run of the same ``campaign_id`` send the campaign again: pick
``older_than`` beyond the time anyone would clear a task or reuse a campaign id.

The Variables are read and deleted through Airflow's ORM (``airflow.models.Variable``), so this runs where
a metadata database session exists: the Airflow CLI host or the scheduler's, on 2.11 and 3.x alike, and
inside an Airflow 2.11 task. An Airflow 3 task has no database session (``NoMetadataDatabaseError``): run
the command (``python -m airflow_provider_ileti.maintenance cleanup``) beside the scheduler instead.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.exactly_once.claim import LEASE_SECONDS
from airflow_provider_ileti.exactly_once.progress import PROGRESS_VARIABLE_PREFIX, Progress

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Verdicts that keep a record, in the order they are checked, with what they mean (the report's words).
KEPT: Mapping[str, str] = {
    "unreadable": "not a JSON progress record; look at it yourself",
    "claimed": "a live try holds the send",
    "undated": "no updated_at (written before it was recorded); --include-undated deletes these",
    "recent": "written within --older-than",
    "incomplete": (
        "the send did not complete (a retry may resume it, or a person must decide an ambiguous chunk); "
        "--include-incomplete deletes these"
    ),
    "campaign": (
        "a campaign_id's record: a later run of that campaign would send it again; "
        "--include-campaigns deletes these"
    ),
    "changed": "written again while the clean-up ran",
}
DELETE = "deleted"
#: Keys read and deleted per database round trip (a record of a large send holds one entry per chunk).
BATCH = 100


class NoMetadataDatabaseError(RuntimeError):
    """No metadata database session here (an Airflow 3 task has none): run the command by the scheduler."""


@dataclass(frozen=True)
class CleanupReport:
    """What a clean-up examined and did: counts and keys only (keys carry dag, task and run ids, no data)."""

    older_than: datetime.timedelta
    dry_run: bool
    examined: int = 0
    #: Deleted, or in a dry run the keys that would be.
    deleted: tuple[str, ...] = ()
    #: Verdict (a key of ``KEPT``) -> the keys it kept.
    kept: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def kept_count(self) -> int:
        return sum(len(keys) for keys in self.kept.values())

    def render(self) -> str:
        done = "would delete" if self.dry_run else "deleted"
        lines = [
            f"Send progress Variables ({PROGRESS_VARIABLE_PREFIX}.*), older than {_describe(self.older_than)}"
            f"{' (dry run)' if self.dry_run else ''}: {self.examined} examined, "
            f"{len(self.deleted)} {done}, {self.kept_count} kept"
        ]
        if self.deleted:
            lines.append(f"{done} ({len(self.deleted)}):")
            lines.extend(f"  {key}" for key in self.deleted)
        for kind, meaning in KEPT.items():
            keys = self.kept.get(kind, ())
            if keys:
                lines.append(f"kept, {kind} ({len(keys)}): {meaning}")
                lines.extend(f"  {key}" for key in keys)
        return "\n".join(lines)


def verdict(
    value: str | None,
    *,
    now: float,
    older_than: datetime.timedelta,
    include_undated: bool = False,
    include_incomplete: bool = False,
    include_campaigns: bool = False,
) -> str:
    """``DELETE`` or the ``KEPT`` verdict for one stored record (the module docstring's table)."""
    try:
        data = json.loads(value) if value is not None else None
        if not isinstance(data, dict):
            return "unreadable"
        progress = Progress.from_dict(data)
    except (ValueError, TypeError, AttributeError):
        return "unreadable"
    seen = progress.owner_seen
    if progress.owner is not None and seen is not None and now - seen < LEASE_SECONDS:
        return "claimed"  # a future owner_seen (clock skew) counts as live too
    if progress.updated_at is None:
        if not include_undated:
            return "undated"
    elif now - progress.updated_at < older_than.total_seconds():
        return "recent"
    if not progress.complete and not include_incomplete:
        return "incomplete"
    if progress.campaign and not include_campaigns:
        return "campaign"
    return DELETE


def plan_cleanup(
    records: Iterable[tuple[str, str | None]],
    *,
    now: float,
    older_than: datetime.timedelta,
    include_undated: bool = False,
    include_incomplete: bool = False,
    include_campaigns: bool = False,
) -> dict[str, list[str]]:
    """Verdict -> keys, for ``(key, value)`` pairs; keys outside the prefix are not progress records."""
    verdicts: dict[str, list[str]] = {}
    for key, value in records:
        if not is_progress_key(key):
            continue
        kind = verdict(
            value,
            now=now,
            older_than=older_than,
            include_undated=include_undated,
            include_incomplete=include_incomplete,
            include_campaigns=include_campaigns,
        )
        verdicts.setdefault(kind, []).append(key)
    return verdicts


def is_progress_key(key: str) -> bool:
    return key.startswith(f"{PROGRESS_VARIABLE_PREFIX}.")


def cleanup_send_progress(
    *,
    older_than: datetime.timedelta,
    include_undated: bool = False,
    include_incomplete: bool = False,
    include_campaigns: bool = False,
    dry_run: bool = False,
    session: Session | None = None,
) -> CleanupReport:
    """Delete the progress Variables last written more than ``older_than`` ago (see the module docstring).

    ``session``: an open metadata database session (committed by its owner); without one, a session of
    its own commits after each batch. Raises ``NoMetadataDatabaseError`` where there is no database (an
    Airflow 3 task).
    """
    if older_than <= datetime.timedelta(0):
        raise ValueError(f"older_than must be above zero, not {older_than}")
    options = _Options(older_than, include_undated, include_incomplete, include_campaigns, dry_run)
    if session is not None:
        return _clean(session, options, owned=False)
    from airflow.utils.session import create_session

    with contextlib.ExitStack() as stack:
        try:
            db = stack.enter_context(create_session())
        except RuntimeError as exc:  # an Airflow 3 task: "Direct database access via the ORM is not allowed"
            raise _no_database(exc) from None
        return _clean(db, options, owned=True)


@dataclass(frozen=True)
class _Options:
    older_than: datetime.timedelta
    include_undated: bool
    include_incomplete: bool
    include_campaigns: bool
    dry_run: bool


def _clean(db: Session, options: _Options, *, owned: bool) -> CleanupReport:
    now = time.time()
    deleted: list[str] = []
    kept: dict[str, list[str]] = {}
    examined = 0
    for keys in _batches(_progress_keys(db), BATCH):
        stored = _load(db, keys)
        examined += len(stored)
        verdicts = plan_cleanup(
            ((key, value) for key, (value, _) in stored.items()),
            now=now,
            older_than=options.older_than,
            include_undated=options.include_undated,
            include_incomplete=options.include_incomplete,
            include_campaigns=options.include_campaigns,
        )
        for kind, found in verdicts.items():
            if kind != DELETE:
                kept.setdefault(kind, []).extend(found)
                continue
            for key in found:
                if options.dry_run or _delete_if_unchanged(db, key, stored[key][1]):
                    deleted.append(key)
                else:
                    kept.setdefault("changed", []).append(key)
        if owned and not options.dry_run:
            db.commit()  # one batch at a time: no long lock on the variable table
    return CleanupReport(
        older_than=options.older_than,
        dry_run=options.dry_run,
        examined=examined,
        deleted=tuple(deleted),
        kept={kind: tuple(kept[kind]) for kind in KEPT if kind in kept},
    )


def _progress_keys(session: Session) -> list[str]:
    from airflow.models import Variable
    from sqlalchemy import select

    column: Any = Variable.key
    query = select(column).where(column.startswith(f"{PROGRESS_VARIABLE_PREFIX}.", autoescape=True))
    keys = list(session.scalars(query.order_by(column)))
    return [key for key in keys if is_progress_key(key)]


def _load(session: Session, keys: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Key -> (the readable value, the stored one as the database holds it, perhaps encrypted)."""
    from airflow.models import Variable
    from sqlalchemy import select

    column: Any = Variable.key
    rows: Any = session.scalars(select(Variable).where(column.in_(keys)))
    return {row.key: (row.val, row._val) for row in rows}


def _delete_if_unchanged(session: Session, key: str, stored: str | None) -> bool:
    """Delete ``key`` only if it still holds what was read: a try that wrote since keeps its record."""
    from airflow.models import Variable
    from sqlalchemy import delete

    table: Any = Variable.__table__
    same = table.c.val.is_(None) if stored is None else table.c.val == stored
    result: Any = session.execute(delete(table).where(table.c.key == key, same))
    return bool(result.rowcount)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _no_database(exc: Exception) -> NoMetadataDatabaseError:
    return NoMetadataDatabaseError(
        f"no metadata database session here ({exc}); an Airflow 3 task has none: run "
        "`python -m airflow_provider_ileti.maintenance cleanup` on a host with metadata database access "
        "(beside the scheduler)"
    )


def _describe(span: datetime.timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
