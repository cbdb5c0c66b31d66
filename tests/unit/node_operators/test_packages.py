"""Recreate, cancel and the periodic campaign."""

from __future__ import annotations

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import TransientError
from airflow_provider_ileti.operators.node_cancel import NodeCancelPackageOperator
from airflow_provider_ileti.operators.node_periodic import NodePeriodicCampaignOperator
from airflow_provider_ileti.operators.node_recreate import NodeRecreatePackageOperator
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context


def ctx(task_id: str, store: FakeStateStore | None = None, try_number: int = 1):
    return make_context(FakeTI(task_id=task_id, try_number=try_number), store or FakeStateStore())


# -- recreate -----------------------------------------------------------------------------------------
def test_recreate_by_id(node_client):
    op = NodeRecreatePackageOperator(task_id="re", package_id="42", title="Again", include_new_numbers=True)
    result = op.execute(ctx("re"))
    assert node_client.calls == [
        ("recreate_package", {"pkg_id": 42, "title": "Again", "include_new_numbers": True})
    ]
    assert result == {"package_id": 5000, "source": 42, "replayed": False}


def test_recreate_by_uuid(node_client):
    op = NodeRecreatePackageOperator(task_id="re", uuid="u-1", title="Again", include_new_numbers=False)
    assert op.execute(ctx("re")) == {"package_id": 5000, "source": "u-1", "replayed": False}
    assert node_client.calls == [
        ("recreate_package", {"uuid": "u-1", "title": "Again", "include_new_numbers": False})
    ]


def test_an_ambiguous_recreate_is_not_retried(node_client):
    from airflow_provider_ileti.core.errors import AmbiguousSendError

    node_client.faults["recreate_package"] = [AmbiguousSendError("dropped", service="node")]
    op = NodeRecreatePackageOperator(task_id="re", package_id=1, title="Again", include_new_numbers=False)
    with pytest.raises(AirflowFailException, match="recreate SMS package failed"):
        op.execute(ctx("re"))


def test_recreate_second_try_returns_the_first_package_without_a_request(node_client):
    store = FakeStateStore()
    op = NodeRecreatePackageOperator(task_id="re", package_id=42, title="Again", include_new_numbers=False)
    first = op.execute(ctx("re", store))
    second = op.execute(ctx("re", store, try_number=2))
    assert second == {"package_id": first["package_id"], "source": 42, "replayed": True}
    assert [c[0] for c in node_client.calls] == ["recreate_package"]


def test_an_ambiguous_recreate_blocks_later_tries_until_a_person_decides(node_client):
    from airflow_provider_ileti.core.errors import AmbiguousSendError

    node_client.faults["recreate_package"] = [AmbiguousSendError("dropped", service="node")]
    store = FakeStateStore()
    op = NodeRecreatePackageOperator(task_id="re", package_id=1, title="Again", include_new_numbers=False)
    with pytest.raises(AirflowFailException, match="may have been recreated"):
        op.execute(ctx("re", store))
    with pytest.raises(AirflowFailException, match="may have recreated package 1"):
        op.execute(ctx("re", store, try_number=2))
    assert len(node_client.calls) == 1
    op.on_ambiguous = "resend"
    assert op.execute(ctx("re", store, try_number=3))["replayed"] is False
    assert len(node_client.calls) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"package_id": 1, "on_ambiguous": "maybe"}, "on_ambiguous"),
        ({"package_id": 1, "persist_progress": "no"}, "persist_progress"),
        ({}, "package_id"),
        ({"package_id": 1, "uuid": "u"}, "package_id"),
        ({"package_id": 0}, "package_id"),
        ({"package_id": "abc"}, "package_id"),
        ({"package_id": 1, "title": ""}, "title"),
        ({"package_id": 1, "include_new_numbers": "yes"}, "include_new_numbers"),
        ({"package_id": 1, "include_new_numbers": None}, "include_new_numbers"),
    ],
)
def test_recreate_bad_arguments(node_client, kwargs, field):
    kwargs = {"title": "T", "include_new_numbers": False, **kwargs}
    with pytest.raises(AirflowFailException, match=field):
        NodeRecreatePackageOperator(task_id="re", **kwargs).execute(ctx("re"))
    assert node_client.calls == []


# -- cancel -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [
        ({"package_id": "7"}, {"pkg_id": 7}),
        ({"uuid": "u-7"}, {"uuid": "u-7"}),
        ({"custom_id": "per.x"}, {"custom_id": "per.x"}),
    ],
)
def test_cancel_by_each_reference(node_client, kwargs, sent):
    result = NodeCancelPackageOperator(task_id="c", **kwargs).execute(ctx("c"))
    assert node_client.calls == [("cancel_package", sent)] and result["cancelled"] is True


def test_cancel_of_a_package_going_out_is_reported_or_fails(node_client):
    node_client.not_changeable.add(7)
    result = NodeCancelPackageOperator(task_id="c", package_id=7).execute(ctx("c"))
    assert result == {"cancelled": False, "by": "package_id", "ref": 7, "reason": "not_changeable"}
    with pytest.raises(AirflowFailException, match="cannot be cancelled"):
        NodeCancelPackageOperator(task_id="c", package_id=7, fail_if_not_cancellable=True).execute(ctx("c"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"package_id": 1, "custom_id": "a"},
        {"custom_id": "no spaces"},
        {"package_id": -1},
        {"uuid": "u", "missing_ok": "x"},
    ],
)
def test_cancel_bad_arguments(node_client, kwargs):
    with pytest.raises(AirflowFailException):
        NodeCancelPackageOperator(task_id="c", **kwargs).execute(ctx("c"))
    assert node_client.calls == []


# -- periodic campaign --------------------------------------------------------------------------------
def periodic(**kwargs):
    kwargs.setdefault("numbers", ["0555 555 00 01", "5555550002"])
    kwargs.setdefault("content", "Bülten")
    kwargs.setdefault("period_type", "daily")
    return NodePeriodicCampaignOperator(task_id="per", **kwargs)


def test_periodic_campaign_is_one_create_with_periodic_settings(node_client, periodic_settings):
    result = periodic(interval=1, start_at="2026-02-01T09:00:00+03:00", title="Weekly").execute(ctx("per"))
    [(name, kwargs)] = node_client.calls
    assert name == "create_sms" and kwargs["sending_type"] == 1
    assert kwargs["numbers"] == ["905555550001", "905555550002"]
    assert kwargs["periodic"] == periodic_settings(period_type=1, interval=1, amount=None)
    assert kwargs["sending_date"].isoformat() == "2026-02-01T06:00:00+00:00"
    assert result == {
        "package_id": 5000,
        "custom_id": kwargs["custom_id"],
        "replayed": False,
        "recipients": 2,
    }


def test_periodic_campaign_retry_finds_the_campaign(node_client, periodic_settings):
    node_client.drop_after_commit.add("sms")
    with pytest.raises(Exception) as first:
        periodic().execute(ctx("per"))
    assert isinstance(first.value.__cause__, TransientError)
    result = periodic().execute(ctx("per", try_number=2))
    assert result["replayed"] is True and len(node_client.packages) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"period_type": 5}, "period_type"),
        ({"period_type": "hourly"}, "period_type"),
        ({"period_type": None}, "period_type"),
        ({"period_type": 0, "amount": 1000}, "interval"),
        ({"period_type": 0, "interval": 1}, "amount"),
        ({"period_type": 0, "interval": 1, "amount": 1500}, "amount"),
        ({"period_type": 0, "interval": 0, "amount": 1000}, "interval"),
        ({"numbers": []}, "numbers"),
        ({"numbers": ["12"]}, "numbers"),
        ({"content": ""}, "content"),
        ({"validity": 30}, "validity"),
        ({"start_at": "soon"}, "start_at"),
        ({"custom_id": "a b"}, "custom_id"),
    ],
)
def test_periodic_bad_arguments(node_client, periodic_settings, kwargs, field):
    with pytest.raises(AirflowFailException, match=field):
        periodic(**kwargs).execute(ctx("per"))
    assert node_client.calls == []


def test_one_off_with_amount_in_thousands(node_client, periodic_settings):
    periodic(period_type=0, interval=5, amount="2000").execute(ctx("per"))
    assert node_client.calls[0][1]["periodic"] == periodic_settings(period_type=0, interval=5, amount=2000)
