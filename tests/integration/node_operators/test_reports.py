"""Summary and inquiry-number reports over real HTTP."""

from __future__ import annotations

import json

import pendulum

from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from airflow_provider_ileti.operators.node_reports import NodeInquiryNumberOperator, NodeSummaryReportOperator
from tests.integration.node_operators.conftest import ctx, node_requests


def test_summary_defaults_to_yesterday_on_the_istanbul_wall_clock(node):
    end = pendulum.datetime(2026, 3, 10, 21, 0, tz="UTC")  # 2026-03-11 00:00 in Istanbul
    result = NodeSummaryReportOperator(task_id="s").execute(ctx("s", data_interval_end=end))
    [request] = node_requests(node, "/sms/summary")
    assert request["body"]["startDate"] == "2026-03-10 00:00"
    assert request["body"]["finishDate"] == "2026-03-10 23:59"
    assert {"total", "delivered", "undelivered", "pending"} <= set(result)
    json.dumps(result)


def test_summary_counts_what_was_sent(node):
    NodeOtpOperator(task_id="otp", number="5555550001", content="Kod").execute(ctx("otp"))
    node.admin.clock(advance=3600)
    now = node.sandbox.clock.now()
    result = NodeSummaryReportOperator(
        task_id="s", start_date=(now - pendulum.duration(days=1)).isoformat(), finish_date=now.isoformat()
    ).execute(ctx("s"))
    assert result["recipients"] == 1 and result["delivered"] + result["pending"] + result["undelivered"] >= 1


def test_inquiry_for_a_watch_list(node):
    NodeOtpOperator(task_id="otp", number="5555550001", content="Kodunuz 1234").execute(ctx("otp"))
    node.admin.clock(advance=600)
    now = node.sandbox.clock.now()
    result = NodeInquiryNumberOperator(
        task_id="i",
        numbers=["0555 555 00 01", "0555 555 00 02"],
        start_date=(now - pendulum.duration(days=7)).isoformat(),
        finish_date=now.isoformat(),
    ).execute(ctx("i"))
    assert result["numbers"] == 2 and result["records"] == 1
    [record] = result["by_number"]["90555***0001"]
    assert result["by_number"]["90555***0002"] == []
    assert "msg" not in record and "Kodunuz" not in json.dumps(result)
    assert "905555550001" not in json.dumps(result)  # XCom keys are masked numbers
    assert [r["body"]["gsm"] for r in node_requests(node, "/sms/inquiry-number")] == [
        "905555550001",
        "905555550002",
    ]
