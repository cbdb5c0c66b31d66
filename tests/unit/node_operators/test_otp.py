from __future__ import annotations

import json

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import TransientError
from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from tests.unit.operators.support import FakeTI, make_context


def otp(**kwargs):
    kwargs.setdefault("number", "0555 555 00 01")
    kwargs.setdefault("content", "Kodunuz: 123456")
    return NodeOtpOperator(task_id="otp", **kwargs)


def test_sends_one_otp_with_a_derived_custom_id(node_client):
    result = otp(validity=3, sender="ILETI", commercial=False).execute(make_context(FakeTI(task_id="otp")))
    [(name, kwargs)] = node_client.calls
    assert name == "create_otp" and kwargs["number"] == "905555550001" and kwargs["validity"] == 3
    assert kwargs["custom_id"].startswith("otp.") and result["custom_id"] == kwargs["custom_id"]
    assert result == {"package_id": 5000, "custom_id": kwargs["custom_id"], "replayed": False}
    assert "905555550001" not in json.dumps(result)


def test_retry_after_a_lost_answer_does_not_send_a_second_otp(node_client):
    node_client.drop_after_commit.add("otp")
    op = otp()
    ti = FakeTI(task_id="otp")
    with pytest.raises(Exception) as first:
        op.execute(make_context(ti))
    assert isinstance(first.value.__cause__, TransientError)
    ti.try_number = 2
    result = op.execute(make_context(ti))
    assert result["replayed"] is True and result["package_id"] == 5000
    assert len(node_client.packages) == 1
    assert node_client.names() == ["create_otp", "get_packages"]


def test_sms42_on_a_first_try_resolves_the_existing_package(node_client):
    op = otp()
    first = op.execute(make_context(FakeTI(task_id="otp")))
    again = op.execute(make_context(FakeTI(task_id="otp")))  # try 1 again (e.g. a cleared task state)
    assert again == {**first, "replayed": True}
    assert node_client.names() == ["create_otp", "create_otp", "get_packages"]


def test_distinct_runs_and_map_indexes_get_distinct_ids(node_client):
    op = otp()
    a = op.execute(make_context(FakeTI(task_id="otp", map_index=0)))
    b = op.execute(make_context(FakeTI(task_id="otp", map_index=1)))
    c = op.execute(make_context(FakeTI(task_id="otp", map_index=0, run_id="scheduled__2026-01-02")))
    assert len({a["custom_id"], b["custom_id"], c["custom_id"]}) == 3 and len(node_client.packages) == 3


def test_trust_date_is_passed_as_an_aware_datetime(node_client):
    otp(trust_date="2026-01-01T10:00:00").execute(make_context(FakeTI(task_id="otp")))
    trust = node_client.calls[0][1]["trust_date"]
    assert trust.isoformat().startswith("2026-01-01T10:00:00") and trust.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"number": "123"}, "number"),
        ({"number": None}, "number"),
        ({"content": ""}, "content"),
        ({"content": None}, "content"),
        ({"validity": 2}, "validity"),
        ({"validity": 7}, "validity"),
        ({"validity": "abc"}, "validity"),
        ({"trust_date": "yesterday"}, "trust_date"),
        ({"trust_date": 5}, "trust_date"),
        ({"sender": 5}, "sender"),
        ({"encoding": 3}, "encoding"),
        ({"push_url": "ftp://x"}, "push_url"),
        ({"commercial": "maybe"}, "commercial"),
        ({"custom_id": "bad id!"}, "custom_id"),
        ({"custom_id": "x" * 101}, "custom_id"),
        ({"node_sms_conn_id": ""}, "node_sms_conn_id"),
    ],
)
def test_bad_arguments_fail_before_any_request(node_client, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        otp(**kwargs).execute(make_context(FakeTI(task_id="otp")))
    assert node_client.calls == []


def _redact(text: str) -> str:
    try:
        from airflow.sdk._shared.secrets_masker import redact  # Airflow 3
    except ImportError:  # Airflow 2.11
        from airflow.utils.log.secrets_masker import redact
    return str(redact(text))


def test_rendered_otp_content_and_its_code_are_masked_like_secrets(node_client):
    op = otp(content="Kodunuz: {{ params.code }}")
    assert _redact("code 739184 in a log line") == "code 739184 in a log line"  # not yet known
    op.render_template_fields({"params": {"code": "739184"}})
    assert op.content == "Kodunuz: 739184"
    # The masker is process-wide: other tests may have registered words of this text too, so assert what
    # matters (neither the text nor its code shows) rather than the exact redaction.
    rendered = _redact("rendered: Kodunuz: 739184")
    assert "739184" not in rendered and rendered.startswith("rendered: ") and rendered.endswith("***")
    assert "739184" not in _redact("code 739184 in a log line")


def test_otp_content_is_masked_when_executed_without_rendering(node_client):
    otp(content="Tek kullanımlık şifre 582046").execute(make_context(FakeTI(task_id="otp")))
    assert "582046" not in _redact("the code was 582046")
