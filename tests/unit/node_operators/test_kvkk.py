from __future__ import annotations

import json

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import AmbiguousSendError
from airflow_provider_ileti.operators.node_kvkk import NodeKvkkConsentOperator
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

CONTENT = "Sayın FIRST_NAME LAST_NAME, onay için: SHORT_LINK"
PEOPLE = [
    {"phone": "0555 555 00 01", "first_name": "Ayşe", "last_name": "Yılmaz"},
    {"gsm": "905555550002", "FIRST_NAME": "Mehmet", "LAST_NAME": "Kaya"},
    {"number": "5555550003", "firstName": "Ali", "lastName": "Demir"},
]


def kvkk(**kwargs):
    kwargs.setdefault("recipients", PEOPLE)
    kwargs.setdefault("content", CONTENT)
    return NodeKvkkConsentOperator(task_id="kvkk", **kwargs)


def test_one_package_per_person(node_client):
    result = kvkk().execute(make_context(FakeTI(task_id="kvkk"), FakeStateStore()))
    assert [k["number"] for _, k in node_client.calls] == ["905555550001", "905555550002", "905555550003"]
    assert [k["first_name"] for _, k in node_client.calls] == ["Ayşe", "Mehmet", "Ali"]
    assert result == {
        "package_ids": [5000, 5001, 5002],
        "persons": 3,
        "sent": 3,
        "from_earlier_tries": 0,
        "ambiguous_skipped": 0,
        "ambiguous_persons": [],
    }
    assert "90555" not in json.dumps(result)


def test_rendered_json_recipients(node_client):
    kvkk(recipients=json.dumps(PEOPLE[:1])).execute(make_context(FakeTI(task_id="kvkk"), FakeStateStore()))
    assert node_client.names() == ["create_kvkk"]


def test_retry_resumes_after_the_persons_already_served(node_client):
    from airflow_provider_ileti.core.errors import TransientError

    store, ti = FakeStateStore(), FakeTI(task_id="kvkk")
    op = kvkk()
    node_client.faults["create_kvkk"] = [None, TransientError("503", service="node")]  # before acceptance
    with pytest.raises(Exception, match="503"):
        op.execute(make_context(ti, store))
    ti.try_number = 2
    result = op.execute(make_context(ti, store))
    assert result["sent"] == 2 and result["from_earlier_tries"] == 1 and len(result["package_ids"]) == 3
    assert len(node_client.packages) == 3  # nobody got two links


def test_ambiguous_send_stops_until_a_person_decides(node_client):
    store, ti = FakeStateStore(), FakeTI(task_id="kvkk")
    node_client.faults["create_kvkk"] = [AmbiguousSendError("dropped", service="node")]
    with pytest.raises(AirflowFailException, match="may have gone out"):
        kvkk().execute(make_context(ti, store))
    ti.try_number = 2
    with pytest.raises(AirflowFailException, match="ambiguous"):
        kvkk().execute(make_context(ti, store))
    result = kvkk(on_ambiguous="skip").execute(make_context(ti, store))
    assert result["from_earlier_tries"] == 1 and result["sent"] == 2
    # the skipped person has no package id: counted and masked, never a placeholder among the ids
    assert result["package_ids"] == [5000, 5001]  # persons 1 and 2 (the fake made nothing for person 0)
    assert result["ambiguous_skipped"] == 1 and result["ambiguous_persons"] == ["90555***0001"]
    assert "905555550001" not in json.dumps(result)
    assert [k["number"] for n, k in node_client.calls if n == "create_kvkk"][1:] == [
        "905555550002",
        "905555550003",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"content": "Merhaba FIRST_NAME"}, "SHORT_LINK"),
        ({"content": ""}, "content"),
        ({"recipients": []}, "recipients"),
        ({"recipients": None}, "recipients"),
        ({"recipients": 5}, "recipients"),
        ({"recipients": ["905555550001"]}, "mapping"),
        ({"recipients": [{"first_name": "A", "last_name": "B"}]}, "number"),
        ({"recipients": [{"phone": "123", "first_name": "A", "last_name": "B"}]}, "number"),
        ({"recipients": [{"phone": "5555550001", "last_name": "B"}]}, "first_name"),
        ({"recipients": [{"phone": "5555550001", "first_name": "A", "last_name": " "}]}, "last_name"),
        ({"validity": 30}, "validity"),
        ({"push_url": "x"}, "push_url"),
        ({"on_ambiguous": "maybe"}, "on_ambiguous"),
        ({"encoding": "klingon"}, "encoding"),
        ({"persist_progress": "maybe"}, "persist_progress"),
        ({"persist_progress": 1}, "persist_progress"),
    ],
)
def test_bad_arguments_fail_before_any_request(node_client, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        kvkk(**kwargs).execute(make_context(FakeTI(task_id="kvkk"), FakeStateStore()))
    assert node_client.calls == []


def test_a_bad_person_late_in_the_list_stops_everything_before_the_first_request(node_client):
    people = PEOPLE + [{"phone": "5555550004", "first_name": "X"}]
    with pytest.raises(AirflowFailException, match=r"recipients\[3\].last_name"):
        kvkk(recipients=people).execute(make_context(FakeTI(task_id="kvkk"), FakeStateStore()))
    assert node_client.calls == []


def test_a_try_that_dies_during_a_request_leaves_that_person_ambiguous(node_client):
    store, ti = FakeStateStore(), FakeTI(task_id="kvkk")
    node_client.faults["create_kvkk"] = [None, SystemExit(1)]  # the process ends during person 1's request
    with pytest.raises(SystemExit):
        kvkk().execute(make_context(ti, store))
    assert store.data["ileti_send_progress"]["in_flight"] == 1
    ti.try_number = 2
    with pytest.raises(AirflowFailException, match=r"person 1 \(90555\*\*\*0002\)"):
        kvkk().execute(make_context(ti, store))
    assert len([c for c in node_client.calls if c[0] == "create_kvkk"]) == 2  # no second link to person 1
    result = kvkk(on_ambiguous="resend").execute(make_context(ti, store))
    assert result["sent"] == 2 and len(result["package_ids"]) == 3


def test_a_try_after_the_last_person_sends_nothing(node_client):
    store, ti = FakeStateStore(), FakeTI(task_id="kvkk")
    first = kvkk().execute(make_context(ti, store))
    ti.try_number = 2  # the worker died before Airflow recorded success
    again = kvkk().execute(make_context(ti, store))
    assert again["package_ids"] == first["package_ids"] and again["sent"] == 0
    assert len(node_client.calls) == 3
