from __future__ import annotations

import json

import pendulum
import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.operators.node_reports import (
    MAX_INQUIRY_MONTHS,
    NodeInquiryNumberOperator,
    NodeSummaryReportOperator,
)
from tests.unit.operators.support import FakeTI, make_context


def ctx(**extra):
    context = make_context(FakeTI(task_id="r"))
    context.update(extra)
    return context


def test_summary_defaults_to_yesterday_in_the_connection_zone(node_client):
    end = pendulum.datetime(2026, 3, 10, 21, 0, tz="UTC")  # 2026-03-11 00:00 in Istanbul
    result = NodeSummaryReportOperator(task_id="s").execute(ctx(data_interval_end=end))
    [(name, kwargs)] = node_client.calls
    assert name == "summary"
    local = [kwargs[k].in_timezone("Europe/Istanbul") for k in ("start_date", "finish_date")]
    assert local[0].to_datetime_string() == "2026-03-10 00:00:00"
    assert local[1].to_datetime_string() == "2026-03-10 23:59:00"
    assert result["delivered"] == 8 and result["start_date"] == "2026-03-09T21:00:00+00:00"
    json.dumps(result)


def test_summary_falls_back_to_the_logical_date(node_client):
    NodeSummaryReportOperator(task_id="s").execute(
        ctx(logical_date=pendulum.datetime(2026, 3, 10, 12, tz="UTC"))
    )
    start = node_client.calls[0][1]["start_date"].in_timezone("Europe/Istanbul")
    assert start.to_date_string() == "2026-03-09"


def test_summary_with_explicit_dates(node_client):
    NodeSummaryReportOperator(
        task_id="s", start_date="2026-01-01T00:00:00+03:00", finish_date="2026-01-31T23:59:00+03:00"
    ).execute(ctx())
    kwargs = node_client.calls[0][1]
    assert kwargs["start_date"].isoformat() == "2025-12-31T21:00:00+00:00"
    assert kwargs["finish_date"].isoformat() == "2026-01-31T20:59:00+00:00"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start_date": "nope"}, "start_date"),
        ({"finish_date": "2026-01-01T00:00:00"}, "start_date"),
        ({"start_date": "2026-02-01T00:00:00", "finish_date": "2026-01-01T00:00:00"}, "finish_date"),
    ],
)
def test_summary_bad_arguments(node_client, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        NodeSummaryReportOperator(task_id="s", **kwargs).execute(ctx())
    assert node_client.calls == []


def test_inquiry_for_a_watch_list(node_client):
    result = NodeInquiryNumberOperator(
        task_id="i",
        numbers=["0555 555 00 01", "5555550002"],
        sender="ILETI",
        start_date="2026-01-01T00:00:00",
        finish_date="2026-03-01T00:00:00",
    ).execute(ctx())
    assert [k["gsm"] for _, k in node_client.calls] == ["905555550001", "905555550002"]
    assert node_client.calls[0][1]["sender"] == "ILETI"
    assert result["numbers"] == 2 and result["records"] == 4
    assert list(result["by_number"]) == ["90555***0001", "90555***0002"]  # masked, in watch-list order
    assert "msg" not in result["by_number"]["90555***0001"][0]  # texts only on request
    assert "secret text" not in json.dumps(result) and "905555550001" not in json.dumps(result)


def test_inquiry_keeps_texts_when_asked_and_limits_records(node_client):
    result = NodeInquiryNumberOperator(
        task_id="i", numbers="5555550001", include_messages=True, max_records_per_number=1
    ).execute(ctx())
    [record] = result["by_number"]["90555***0001"]
    assert record["msg"] == "secret text" and result["truncated"] == ["90555***0001"]


def test_inquiry_full_numbers_only_when_asked_and_masks_never_collide(node_client):
    numbers = ["5555550001", "5559990001"]  # the same mask: 90555***0001
    masked = NodeInquiryNumberOperator(task_id="i", numbers=numbers).execute(ctx())
    assert list(masked["by_number"]) == ["90555***0001", "90555***0001#2"]
    full = NodeInquiryNumberOperator(task_id="i", numbers=numbers, include_numbers=True).execute(ctx())
    assert list(full["by_number"]) == ["905555550001", "905559990001"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"numbers": []}, "numbers"),
        ({"numbers": ["5555550001"], "include_numbers": "yes"}, "include_numbers"),
        ({"numbers": ["123"]}, "numbers"),
        (
            {
                "numbers": ["5555550001"],
                "start_date": "2026-01-01T00:00:00",
                "finish_date": "2026-04-02T00:00:00",
            },
            "3 months",
        ),
        ({"numbers": ["5555550001"], "start_date": "2020-01-01T00:00:00"}, "3 months"),
        (
            {
                "numbers": ["5555550001"],
                "start_date": "2026-02-01T00:00:00",
                "finish_date": "2026-01-01T00:00:00",
            },
            "finish_date",
        ),
        ({"numbers": ["5555550001"], "include_messages": "x"}, "include_messages"),
        ({"numbers": ["5555550001"], "sender": 3}, "sender"),
    ],
)
def test_inquiry_bad_arguments(node_client, kwargs, field):
    assert MAX_INQUIRY_MONTHS == 3
    with pytest.raises(AirflowFailException, match=field):
        NodeInquiryNumberOperator(task_id="i", **kwargs).execute(ctx())
    assert node_client.calls == []


def test_hidden_model_fields_stay_out_of_xcom():
    import dataclasses

    from airflow_provider_ileti.operators.node_base import jsonable

    @dataclasses.dataclass
    class Record:
        pkg_id: int
        when: pendulum.DateTime
        raw: dict = dataclasses.field(default_factory=dict, repr=False)

    value = Record(1, pendulum.datetime(2026, 1, 1, tz="UTC"), {"msg": "secret"})
    assert jsonable(value) == {"pkg_id": 1, "when": "2026-01-01T00:00:00+00:00"}
