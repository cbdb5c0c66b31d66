"""Which progress records a clean-up deletes: one verdict per kind of record, and the report it gives."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple

import pytest

from airflow_provider_ileti.exactly_once.claim import LEASE_SECONDS
from airflow_provider_ileti.exactly_once.progress import PROGRESS_VARIABLE_PREFIX, Progress
from airflow_provider_ileti.maintenance.send_progress import (
    DELETE,
    KEPT,
    CleanupReport,
    cleanup_send_progress,
    plan_cleanup,
    verdict,
)

NOW = 1_780_000_000.0
DAY = 86_400.0
MONTH = dt.timedelta(days=30)


def record(**fields: Any) -> str:
    """A record as ``VariableProgressStore`` writes it."""
    return json.dumps(Progress(**fields).to_dict())


def undated(**fields: Any) -> str:
    """A record written before records carried ``updated_at``: the key is absent, not null."""
    data = Progress(**fields).to_dict()
    del data["updated_at"]
    return json.dumps(data)


OLD = NOW - 31 * DAY
RECENT = NOW - 29 * DAY
DONE = {"complete": True, "next_chunk": 2, "references": ["a", "b"], "chunks": [0, 1], "counts": [1, 1]}


class Case(NamedTuple):
    id: str
    value: str | None
    expected: str
    include_undated: bool = False
    include_incomplete: bool = False
    include_campaigns: bool = False


CASES = [
    Case("a complete record older than older_than", record(updated_at=OLD, **DONE), DELETE),
    Case("a complete record written within older_than", record(updated_at=RECENT, **DONE), "recent"),
    Case(
        "an incomplete old record (a retry may resume it)", record(updated_at=OLD, next_chunk=3), "incomplete"
    ),
    Case(
        "an incomplete old record with include_incomplete",
        record(updated_at=OLD, next_chunk=3),
        DELETE,
        include_incomplete=True,
    ),
    Case(
        "an old record with an ambiguous chunk (a person decides)",
        record(updated_at=OLD, ambiguous_chunk=4, ambiguous_message="timeout after the body went out"),
        "incomplete",
    ),
    Case("an old record with a chunk in flight", record(updated_at=OLD, in_flight=2), "incomplete"),
    Case("a complete record without updated_at", undated(**DONE), "undated"),
    Case("a complete record with updated_at null", record(**DONE), "undated"),
    Case("a complete undated record with include_undated", undated(**DONE), DELETE, include_undated=True),
    Case(
        "an incomplete undated record with include_undated only",
        undated(next_chunk=1),
        "incomplete",
        include_undated=True,
    ),
    Case(
        "an incomplete undated record with both flags",
        undated(next_chunk=1),
        DELETE,
        include_undated=True,
        include_incomplete=True,
    ),
    Case(
        "an old complete record whose claim is live",
        record(updated_at=OLD, owner="w1:7:try2:ab", owner_seen=NOW - LEASE_SECONDS + 5, **DONE),
        "claimed",
        include_undated=True,
        include_incomplete=True,
    ),
    Case(
        "an undated record whose claim is live",
        undated(owner="w1:7:try1:ab", owner_seen=NOW - 1),
        "claimed",
        include_undated=True,
        include_incomplete=True,
    ),
    Case(
        "a claim seen in the future (clock skew) counts as live",
        record(updated_at=OLD, owner="w2:8:try1:cd", owner_seen=NOW + 600, **DONE),
        "claimed",
    ),
    Case(
        "an old complete record whose claim ran out",
        record(updated_at=OLD, owner="w1:7:try2:ab", owner_seen=NOW - LEASE_SECONDS - 1, **DONE),
        DELETE,
    ),
    Case("a released claim (no owner) with an old owner_seen", record(updated_at=OLD, **DONE), DELETE),
    Case("a value that is not JSON", "{not json", "unreadable", True, True),
    Case("JSON that is not an object", json.dumps([1, 2]), "unreadable", True, True),
    Case(
        "an object whose fields have the wrong types",
        json.dumps({"next_chunk": "x"}),
        "unreadable",
        True,
        True,
    ),
    Case("a Variable without a value (undecryptable)", None, "unreadable", True, True),
    Case("an empty object (no field at all)", json.dumps({}), "undated"),
    Case(
        "an old complete campaign record (a later run of it would send again)",
        record(updated_at=OLD, campaign=True, **DONE),
        "campaign",
        True,
        True,
    ),
    Case(
        "an old complete campaign record with include_campaigns",
        record(updated_at=OLD, campaign=True, **DONE),
        DELETE,
        include_campaigns=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_kind_of_record_gets_its_verdict(case: Case) -> None:
    got = verdict(
        case.value,
        now=NOW,
        older_than=MONTH,
        include_undated=case.include_undated,
        include_incomplete=case.include_incomplete,
        include_campaigns=case.include_campaigns,
    )
    assert got == case.expected


def test_every_kept_verdict_is_explained_in_the_report() -> None:
    assert {c.expected for c in CASES} - {DELETE} <= set(KEPT)


def key(name: str) -> str:
    return f"{PROGRESS_VARIABLE_PREFIX}.p.dag.{name}.manual-2026-05-01T00-00-00-00-00.-1"


def test_a_plan_sorts_a_list_of_records_by_verdict_and_skips_other_variables() -> None:
    records = [
        (key("done"), record(updated_at=OLD, **DONE)),
        (key("fresh"), record(updated_at=RECENT, **DONE)),
        (key("broken"), "oops"),
        ("ileti_send_progress_other", record(updated_at=OLD, **DONE)),  # not under the prefix
        ("my_variable", record(updated_at=OLD, **DONE)),
        (key("half"), record(updated_at=OLD, next_chunk=1)),
    ]
    plan = plan_cleanup(records, now=NOW, older_than=MONTH)
    assert plan == {
        DELETE: [key("done")],
        "recent": [key("fresh")],
        "unreadable": [key("broken")],
        "incomplete": [key("half")],
    }


def test_the_report_gives_counts_and_keys() -> None:
    report = CleanupReport(
        older_than=MONTH,
        dry_run=True,
        examined=3,
        deleted=(key("done"),),
        kept={"incomplete": (key("half"),), "unreadable": (key("broken"),)},
    )
    text = report.render()
    assert text.splitlines()[0] == (
        "Send progress Variables (ileti_send_progress.*), older than 30d (dry run): "
        "3 examined, 1 would delete, 2 kept"
    )
    assert f"would delete (1):\n  {key('done')}" in text
    assert f"kept, incomplete (1): {KEPT['incomplete']}\n  {key('half')}" in text
    assert f"kept, unreadable (1): {KEPT['unreadable']}\n  {key('broken')}" in text
    assert report.kept_count == 2 and "deleted" not in text


def test_a_zero_or_negative_age_is_refused_before_the_database_is_touched() -> None:
    for span in (dt.timedelta(0), dt.timedelta(days=-1)):
        with pytest.raises(ValueError, match="older_than must be above zero"):
            cleanup_send_progress(older_than=span, session=object())  # type: ignore[arg-type]
