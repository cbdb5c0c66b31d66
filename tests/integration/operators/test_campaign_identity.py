"""One campaign, sent once whichever run sends it (issue 13, "the same campaign twice").

Unpausing the weekly example runs its latest week at once; a manual trigger for the same week used to send
the same campaign again (a new run id, new keys). With ``campaign_id`` every run of that week shares the
keys and the progress record (an Airflow Variable named after the campaign), so the second run sends nothing
and returns what the first one sent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import Variable

from tests.integration.operators.journal import send_count
from tests.unit.operators.support import FakeTI, make_context

pytestmark = pytest.mark.integration

NUMBERS = [f"0555555{i:04d}" for i in range(6)]
SERVICES = [
    ("node_sms_default", "node", "/sms/create"),
    ("iletimerkezi_default", "iletimerkezi", "send-sms"),
    ("wisecp_default", "wisecp", "submit"),
]


@pytest.fixture
def variables(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Airflow Variables in a dict (the metadata database a real task would use)."""
    stored: dict[str, str] = {}

    def get(key: str, *args: Any, **kwargs: Any) -> Any:
        return stored.get(key, kwargs.get("default", kwargs.get("default_var")))

    def set_(key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        stored[key] = value

    monkeypatch.setattr(Variable, "get", get)
    monkeypatch.setattr(Variable, "set", set_)
    return stored


def _send(conn_id: str, run_id: str, campaign_id: str | None) -> dict[str, Any]:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    task = SendSmsOperator(
        task_id="send", conn_id=conn_id, message="Haftalık indirim", recipients=NUMBERS, chunk_size=3,
        campaign_id=campaign_id,
    )  # fmt: skip
    return dict(task.execute(make_context(FakeTI(run_id=run_id))))  # no task_state_store: across runs


@pytest.mark.parametrize(("conn_id", "service", "path"), SERVICES, ids=[s for _, s, _ in SERVICES])
def test_a_second_run_of_the_same_week_sends_nothing(
    ileti_sandbox_env: Any, variables: dict[str, str], conn_id: str, service: str, path: str
) -> None:
    first = _send(conn_id, "scheduled__2026-12-07T09:00:00+00:00", "week-of-2026-11-30")
    assert first["recipients"] == 6 and send_count(ileti_sandbox_env, path, service) == 2
    again = _send(conn_id, "manual__2026-12-07T10:12:00+00:00", "week-of-2026-11-30")
    assert again["references"] == first["references"] and again["recipients"] == 6
    assert send_count(ileti_sandbox_env, path, service) == 2, "the manual run of the same week sent nothing"
    record = json.loads(next(v for k, v in variables.items() if k.startswith("ileti_send_progress")))
    assert record["complete"] is True and record["owner"] is None and record["campaign"] is True
    assert not any("0555555" in value for value in variables.values())

    ileti_sandbox_env.advance(700)  # past İleti Merkezi's 10-minute rule for a repeated text
    _send(conn_id, "scheduled__2026-12-14T09:00:00+00:00", "week-of-2026-12-07")
    assert send_count(ileti_sandbox_env, path, service) == 4, "the next week is its own campaign"


def test_without_a_campaign_id_each_run_is_its_own_send(
    ileti_sandbox_env: Any, variables: dict[str, str]
) -> None:
    _send("iletimerkezi_default", "manual__a", None)
    ileti_sandbox_env.advance(700)  # past İleti Merkezi's 10-minute rule for a repeated text
    _send("iletimerkezi_default", "manual__b", None)
    assert send_count(ileti_sandbox_env, "send-sms", "iletimerkezi") == 4
