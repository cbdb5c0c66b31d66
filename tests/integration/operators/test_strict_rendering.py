"""A personalised send renders strictly (issue 13, "Merhaba None"): a row the template cannot be rendered for,
or a CSV that cannot be read, fails the task in the first pass, naming the row and the field, before any
request reaches the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

pytestmark = pytest.mark.integration

CONNECTIONS = [
    ("node_sms_default", "node"),
    ("iletimerkezi_default", "iletimerkezi"),
    ("wisecp_default", "wisecp"),
]


def _send(conn_id: str, csv_path: Path, template: str, **kwargs: Any) -> str:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    task = SendSmsOperator(
        task_id="send", conn_id=conn_id, message_template=template, recipients_csv=str(csv_path), **kwargs
    )
    with pytest.raises(AirflowFailException) as info:
        task.execute(make_context(FakeTI(run_id="strict"), FakeStateStore()))
    return str(info.value)


@pytest.mark.parametrize(("conn_id", "service"), CONNECTIONS, ids=[s for _, s in CONNECTIONS])
def test_a_row_without_the_column_the_template_uses_is_named_and_nothing_is_sent(
    ileti_sandbox_env: Any, tmp_path: Path, conn_id: str, service: str
) -> None:
    csv_path = tmp_path / "r.csv"
    # the third row is short: csv gives first_name=None, which once went out as "Merhaba None"
    csv_path.write_text("phone,first_name\n05555550001,Ali\n05555550002,Can\n05555550003\n", encoding="utf-8")
    message = _send(conn_id, csv_path, "Merhaba {{ r.first_name }}")
    assert "recipients[2].first_name" in message and "no value in this column" in message
    assert "05555550003" not in message
    assert ileti_sandbox_env.requests(service=service) == []


def test_a_column_missing_from_the_header_is_named(ileti_sandbox_env: Any, tmp_path: Path) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("phone,name\n05555550001,Ali\n", encoding="utf-8")
    message = _send("node_sms_default", csv_path, "Merhaba {{ r.first_name }}")
    assert "recipients[0].first_name" in message
    assert ileti_sandbox_env.requests(service="node") == []


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{{ r.first_name }} {{ 100 / r.count | int }}", "ZeroDivisionError"),
        ("{{ r.first_name + 1 }}", "TypeError"),
    ],
)
def test_a_template_error_names_the_row_and_sends_nothing(
    ileti_sandbox_env: Any, tmp_path: Path, template: str, error: str
) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("phone,first_name,count\n05555550001,Ali,2\n05555550002,Can,0\n", encoding="utf-8")
    message = _send("node_sms_default", csv_path, template)
    assert error in message and "recipients[" in message and "Ali" not in message
    assert ileti_sandbox_env.requests(service="node") == []


def test_a_csv_that_is_not_utf8_is_named_with_its_line_and_nothing_is_sent(
    ileti_sandbox_env: Any, tmp_path: Path
) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_bytes("phone,first_name\n05555550001,Ali\n05555550002,Şükrü\n".encode("cp1254"))
    message = _send("node_sms_default", csv_path, "Merhaba {{ r.first_name }}")
    assert "recipients_csv" in message and "line 3" in message and "csv_encoding" in message
    assert ileti_sandbox_env.requests(service="node") == []


def test_a_field_over_the_csv_limit_is_named_and_nothing_is_sent(
    ileti_sandbox_env: Any, tmp_path: Path
) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_text(f"phone,first_name\n05555550001,Ali\n05555550002,{'x' * 131_073}\n", encoding="utf-8")
    message = _send("node_sms_default", csv_path, "Merhaba {{ r.first_name }}")
    assert "recipients_csv" in message and "line 3" in message and "field larger than field limit" in message
    assert "xxxx" not in message
    assert ileti_sandbox_env.requests(service="node") == []
