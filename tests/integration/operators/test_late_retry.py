"""A scheduled send whose retry starts after ``send_at``: the rest goes out now, it is not refused.

A past ``send_at`` is refused on a first try (a stale template, most likely; the service would send it at
once or refuse it). On a retry, earlier chunks already went out on that schedule, so the chunks still to
send follow at once instead of failing the task for good.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from tests.integration.send_spy import patch_send
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

pytestmark = pytest.mark.integration

NUMBERS = [f"0555555{i:04d}" for i in range(4)]


def _task(send_at: str) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    return SendSmsOperator(
        task_id="send", conn_id="iletimerkezi_default", message="Randevu hatırlatma", recipients=NUMBERS,
        chunk_size=2, send_at=send_at,
    )  # fmt: skip


def _past() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()


def test_a_first_try_with_a_past_send_at_is_refused_before_any_request(ileti_sandbox_env: Any) -> None:
    with pytest.raises(AirflowFailException, match="send_at.*is in the past"):
        _task(_past()).execute(make_context(FakeTI(run_id="late"), FakeStateStore()))
    assert ileti_sandbox_env.requests(service="iletimerkezi") == []


def test_a_retry_after_send_at_sends_what_is_left_now(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
    from airflow_provider_ileti.core.errors import TransientError

    calls = {"n": 0}

    def send(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise TransientError("connection refused (injected)")  # surely not sent
        return original(self, *args, **kwargs)

    patch_send(monkeypatch, IletiMerkeziClient, send)
    store, ti = FakeStateStore(), FakeTI(run_id="late")
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)).isoformat()
    with pytest.raises(Exception, match="connection refused"):
        _task(soon).execute(make_context(ti, store))  # chunk 0 scheduled, chunk 1 failed
    # by the retry the schedule has passed (the test hands the retry a past time instead of waiting)
    ti.try_number = 2
    result = _task(_past()).execute(make_context(ti, store))
    assert result["recipients"] == 4 and result["chunks"] == 2
    sends = [r for r in ileti_sandbox_env.requests(service="iletimerkezi") if "send-sms" in r["path"]]
    assert len(sends) == 2
    assert "<sendDateTime></sendDateTime>" not in str(sends[0]["body"]), "chunk 0 was scheduled"
    assert "<sendDateTime></sendDateTime>" in str(sends[1]["body"]), "the rest went out at once"
