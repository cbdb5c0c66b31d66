"""The clean-up of send progress Variables against a real (SQLite) metadata database, as a function and as
the command a cron job beside the scheduler runs.

Only the ``variable`` table (and ``team``, which it references on Airflow 3) is created, in the test's
AIRFLOW_HOME (``tests/conftest.py``); the command runs in a subprocess with the same environment, so it
reads the same database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_ileti.exactly_once.claim import LEASE_SECONDS
from airflow_provider_ileti.exactly_once.progress import PROGRESS_VARIABLE_PREFIX, Progress
from airflow_provider_ileti.maintenance import send_progress
from airflow_provider_ileti.maintenance.cli import parse_duration
from airflow_provider_ileti.maintenance.send_progress import (
    NoMetadataDatabaseError,
    cleanup_send_progress,
)

pytestmark = pytest.mark.integration

DAY = 86_400.0
MONTH = parse_duration("30d")
#: What a record holds that the report must never show (a package reference).
REFERENCE = "PKG-77001122"


def key(name: str) -> str:
    return f"{PROGRESS_VARIABLE_PREFIX}.p.weekly.{name}.scheduled-2026-05-01T00-00-00-00-00.-1"


def record(*, age_days: float | None, complete: bool = True, **fields: Any) -> str:
    progress = Progress(complete=complete, next_chunk=1, references=[REFERENCE], chunks=[0], counts=[1])
    for name, value in fields.items():
        setattr(progress, name, value)
    data = progress.to_dict()
    if age_days is None:
        del data["updated_at"]
    else:
        data["updated_at"] = time.time() - age_days * DAY
    return json.dumps(data)


def _records() -> dict[str, tuple[str, str | None]]:
    """One Variable of each kind, and the verdict the clean-up gives it with no flags.

    Built when a test starts, not when the module is collected: the claim's ``owner_seen`` is "now", and a
    full run reaches this file minutes after collecting it (more than the 240 s lease).
    """
    return {
        key("done-old"): (record(age_days=40), "deleted"),
        key("done-older"): (record(age_days=400), "deleted"),
        key("done-recent"): (record(age_days=2), "recent"),
        key("half-old"): (record(age_days=40, complete=False), "incomplete"),
        key("done-undated"): (record(age_days=None), "undated"),
        key("done-old-claimed"): (
            record(age_days=40, owner="worker-1:42:try3:0a1b", owner_seen=time.time() - LEASE_SECONDS / 2),
            "claimed",
        ),
        key("garbled"): ("{not json", "unreadable"),
        # not progress records: never examined
        "ileti_send_progress_notes": (record(age_days=40), None),
        "ileti_sendXprogress.p.x": (record(age_days=40), None),  # "_" is a LIKE wildcard: escaped
        "my_own_variable": ("keep me", None),
    }


#: The keys and verdicts (the values are made by ``_records`` when a test starts).
RECORDS = {name: verdict for name, (_, verdict) in _records().items()}


@pytest.fixture
def variables() -> Iterator[None]:
    """Only the tables a Variable needs (team exists on Airflow 3), filled with ``RECORDS``, emptied after."""
    from airflow import settings
    from airflow.models import Variable
    from airflow.utils.session import create_session
    from sqlalchemy import delete

    if getattr(settings, "engine", None) is None:
        settings.configure_orm()
    metadata = Variable.metadata
    metadata.create_all(
        bind=settings.engine,
        tables=[metadata.tables[t] for t in ("team", "variable") if t in metadata.tables],
    )
    with create_session() as session:
        session.execute(delete(Variable))
        session.add_all(Variable(key=k, val=value) for k, (value, _) in _records().items())
    yield
    with create_session() as session:
        session.execute(delete(Variable))


def stored_keys() -> set[str]:
    from airflow.models import Variable
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return set(session.scalars(select(Variable.key)))


def expected(kind: str) -> tuple[str, ...]:
    return tuple(sorted(k for k, verdict in RECORDS.items() if verdict == kind))


def test_old_complete_records_are_deleted_and_every_other_kind_is_kept(
    variables: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(send_progress, "BATCH", 3)  # several round trips and commits
    report = cleanup_send_progress(older_than=MONTH)
    assert report.examined == 7
    assert report.deleted == expected("deleted")
    assert dict(report.kept) == {
        kind: expected(kind) for kind in ("unreadable", "claimed", "undated", "recent", "incomplete")
    }
    assert stored_keys() == set(RECORDS) - set(expected("deleted"))
    assert REFERENCE not in report.render()


def test_the_flags_add_undated_and_incomplete_records_but_never_a_live_claim(variables: None) -> None:
    report = cleanup_send_progress(older_than=MONTH, include_undated=True, include_incomplete=True)
    assert report.deleted == tuple(sorted(expected("deleted") + expected("undated") + expected("incomplete")))
    assert set(report.kept) == {"unreadable", "claimed", "recent"}
    assert key("done-old-claimed") in stored_keys() and key("garbled") in stored_keys()


def test_a_dry_run_reports_and_deletes_nothing(variables: None) -> None:
    report = cleanup_send_progress(older_than=MONTH, dry_run=True)
    assert report.deleted == expected("deleted") and report.dry_run
    assert stored_keys() == set(RECORDS)


def test_a_record_written_again_after_it_was_read_is_kept(
    variables: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A late retry saves between the clean-up's read and its delete: the delete compares the value."""
    from airflow.models import Variable
    from airflow.utils.session import create_session
    from sqlalchemy import update

    read = send_progress._load

    def read_then_a_retry_writes(session: Any, keys: list[str]) -> Any:
        found = read(session, keys)
        table: Any = Variable.__table__
        session.execute(
            update(table)
            .where(table.c.key == key("done-old"))
            .values(val=record(age_days=0.0, complete=False))
        )
        return found

    monkeypatch.setattr(send_progress, "_load", read_then_a_retry_writes)
    with create_session() as session:
        report = cleanup_send_progress(older_than=MONTH, session=session)
    assert report.kept["changed"] == (key("done-old"),)
    assert report.deleted == (key("done-older"),)
    assert key("done-old") in stored_keys()


def test_where_the_orm_is_blocked_the_error_says_where_to_run_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An Airflow 3 task: the supervisor replaces the session factory with one that refuses."""
    from airflow import settings

    try:
        from airflow.sdk.execution_time.supervisor import BlockedDBSession as Blocked
    except ImportError:  # Airflow 2.11: tasks have a session; stand in for Airflow 3's refusal

        class Blocked:  # type: ignore[no-redef]
            def __init__(self) -> None:
                raise RuntimeError("Direct database access via the ORM is not allowed in Airflow 3.0")

    monkeypatch.setattr(settings, "Session", Blocked)
    with pytest.raises(NoMetadataDatabaseError, match="python -m airflow_provider_ileti.maintenance cleanup"):
        cleanup_send_progress(older_than=MONTH)


def this_processes_fernet_key() -> str:
    """Airflow's unit-test mode makes a Fernet key per process: the command must decrypt what we stored."""
    from airflow.configuration import conf

    return str(conf.get("core", "fernet_key"))


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process; ``stdout`` from the report's first line (Airflow may log before)."""
    done = subprocess.run(
        [sys.executable, "-m", "airflow_provider_ileti.maintenance", *args],
        capture_output=True,
        text=True,
        env=env
        if env is not None
        else {**os.environ, "AIRFLOW__CORE__FERNET_KEY": this_processes_fernet_key()},
        timeout=120,
    )
    start = done.stdout.find("Send progress Variables")
    done.stdout = done.stdout[start:] if start >= 0 else done.stdout
    return done


def test_the_command_reports_a_dry_run_then_deletes(variables: None) -> None:
    dry = run_cli("cleanup", "--older-than", "30d", "--dry-run")
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert dry.stdout.splitlines()[0] == (
        "Send progress Variables (ileti_send_progress.*), older than 30d (dry run): "
        "7 examined, 2 would delete, 5 kept"
    )
    assert stored_keys() == set(RECORDS)

    done = run_cli("cleanup", "--older-than", "720h", "--include-undated")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].endswith("older than 30d: 7 examined, 3 deleted, 4 kept")
    assert [line.strip() for line in lines[2:5]] == sorted(expected("deleted") + expected("undated"))
    assert "kept, incomplete (1):" in done.stdout and REFERENCE not in done.stdout
    assert stored_keys() == set(RECORDS) - set(expected("deleted")) - set(expected("undated"))


def test_the_command_refuses_a_bad_age_in_one_line_and_touches_nothing(variables: None) -> None:
    bad = run_cli("cleanup", "--older-than", "30 days")
    assert bad.returncode == 2 and "Send progress" not in bad.stdout
    assert bad.stderr.count("\n") == 1 and "'30 days' is not a duration" in bad.stderr
    assert stored_keys() == set(RECORDS)


def test_values_this_host_cannot_decrypt_are_reported_not_deleted(variables: None) -> None:
    """Another Fernet key (the command's own, in unit-test mode): every value reads as None."""
    env = {k: v for k, v in os.environ.items() if k != "AIRFLOW__CORE__FERNET_KEY"}
    done = run_cli("cleanup", "--older-than", "1m", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "7 examined, 0 deleted, 7 kept" in done.stdout and "kept, unreadable (7):" in done.stdout
    assert stored_keys() == set(RECORDS)
