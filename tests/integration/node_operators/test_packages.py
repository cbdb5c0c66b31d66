"""OTP, KVKK, periodic campaign, cancel and recreate over real HTTP (and SOAP where the API offers it)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from airflow_provider_ileti.operators.node_cancel import NodeCancelPackageOperator
from airflow_provider_ileti.operators.node_kvkk import NodeKvkkConsentOperator
from airflow_provider_ileti.operators.node_otp import NodeOtpOperator
from airflow_provider_ileti.operators.node_periodic import NodePeriodicCampaignOperator
from airflow_provider_ileti.operators.node_recreate import NodeRecreatePackageOperator
from tests.integration.node_operators.conftest import ctx, node_requests
from tests.unit.operators.support import FakeStateStore

#: A campaign start the client accepts: from now on and at most a year ahead (2030 is refused now).
START_AT = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(microsecond=0).isoformat()


def packages(node):
    return node.admin.state("node")["packages"]


@pytest.mark.parametrize("conn_id", ["node_sms_default", "node_sms_soap"])
def test_otp_goes_out_with_a_derived_custom_id(node, conn_id):
    op = NodeOtpOperator(
        task_id="otp",
        node_sms_conn_id=conn_id,
        number="0555 555 00 01",
        content="Kod: 1234",
        validity=3,
        trust_date="2026-01-01T09:00:00+03:00",
    )
    result = op.execute(ctx("otp"))
    [pkg] = packages(node)
    assert pkg["id"] == result["package_id"] and pkg["customID"] == result["custom_id"]
    assert result["replayed"] is False and "905555550001" not in json.dumps(result)
    if conn_id == "node_sms_default":
        [request] = node_requests(node, "/sms/create-otp")
        assert request["body"]["trustDate"] == "2026-01-01 09:00:00" and request["body"]["validity"] == 3


def test_otp_retry_does_not_send_a_second_otp(node):
    op = NodeOtpOperator(task_id="otp", number="5555550001", content="Kod: 1234")
    first = op.execute(ctx("otp"))
    second = op.execute(ctx("otp", try_number=2))  # Airflow retried (the first try died after sending)
    assert second == {**first, "replayed": True}
    assert len(packages(node)) == 1
    assert len(node_requests(node, "/sms/create-otp")) == 1  # the retry looked up, did not send


def test_otp_answer_lost_after_commit_is_resolved_not_resent(node):
    node.admin.add_fault("/node/sms/create-otp", "drop_after_commit", times=1)
    result = NodeOtpOperator(task_id="otp", number="5555550001", content="Kod: 1234").execute(ctx("otp"))
    [pkg] = packages(node)
    assert result["package_id"] == pkg["id"]


def test_kvkk_one_package_per_person(node):
    people = [
        {"phone": "5555550001", "first_name": "Ayşe", "last_name": "Yılmaz"},
        {"phone": "5555550002", "first_name": "Mehmet", "last_name": "Kaya"},
    ]
    result = NodeKvkkConsentOperator(
        task_id="kvkk", recipients=people, content="Sayın FIRST_NAME LAST_NAME, onay: SHORT_LINK"
    ).execute(ctx("kvkk"))
    assert result["persons"] == 2 and result["sent"] == 2
    assert sorted(result["package_ids"]) == sorted(p["id"] for p in packages(node))
    bodies = [r["body"] for r in node_requests(node, "/sms/create-kvkk")]
    assert [b["number"]["cfs"]["FIRST_NAME"] for b in bodies] == ["Ayşe", "Mehmet"]


def test_kvkk_retry_after_a_dropped_request_resumes_at_that_person(node, monkeypatch):
    """Person 1's request is dropped (it may have gone out: no customID to ask with), so the task fails
    without retrying; cleared with on_ambiguous="resend" it sends persons 1 and 2, never person 0 again."""
    from airflow.providers.common.compat.sdk import AirflowFailException

    from airflow_provider_ileti.clients.node.client import NodeClient

    people = [{"phone": f"555555000{i}", "first_name": "A", "last_name": "B"} for i in range(3)]
    real = NodeClient.create_kvkk
    calls = {"n": 0}

    def create_kvkk(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            node.admin.add_fault("/node/sms/create-kvkk", "drop", times=1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(NodeClient, "create_kvkk", create_kvkk)
    store = FakeStateStore()
    with pytest.raises(AirflowFailException, match="may have gone out"):
        NodeKvkkConsentOperator(task_id="kvkk", recipients=people, content="SHORT_LINK").execute(
            ctx("kvkk", store=store)
        )
    assert len(packages(node)) == 1
    with pytest.raises(AirflowFailException, match="ambiguous"):  # a plain retry refuses to guess
        NodeKvkkConsentOperator(task_id="kvkk", recipients=people, content="SHORT_LINK").execute(
            ctx("kvkk", store=store, try_number=2)
        )
    result = NodeKvkkConsentOperator(
        task_id="kvkk", recipients=people, content="SHORT_LINK", on_ambiguous="resend"
    ).execute(ctx("kvkk", store=store, try_number=3))
    assert result["from_earlier_tries"] == 1 and result["sent"] == 2
    assert sorted(result["package_ids"]) == sorted(p["id"] for p in packages(node))
    sent_to = [
        r["body"]["number"]["nr"] for r in node_requests(node, "/sms/create-kvkk") if r["status"] == 200
    ]
    assert sent_to.count("905555550000") == 1


def test_periodic_campaign_and_its_cancellation_by_custom_id(node):
    result = NodePeriodicCampaignOperator(
        task_id="per",
        numbers=["5555550001", "5555550002"],
        content="Bülten",
        period_type="weekly",
        interval=1,
        start_at=START_AT,
        title="Haftalık",
    ).execute(ctx("per"))
    [request] = node_requests(node, "/sms/create")
    assert request["body"]["periodicSettings"]["periodType"] == 2
    assert request["body"]["customID"] == result["custom_id"] and result["recipients"] == 2
    again = NodePeriodicCampaignOperator(
        task_id="per",
        numbers=["5555550001", "5555550002"],
        content="Bülten",
        period_type="weekly",
        interval=1,
        start_at=START_AT,
        title="Haftalık",
    ).execute(ctx("per", try_number=2))
    assert again["package_id"] == result["package_id"] and len(packages(node)) == 1
    cancelled = NodeCancelPackageOperator(task_id="c", custom_id=result["custom_id"]).execute(ctx("c"))
    assert cancelled["cancelled"] is True
    assert packages(node)[0]["state"] == -4


def test_periodic_campaign_and_cancel_on_a_soap_connection(node):
    """The same operators on ``node_sms_soap`` (functions the WSDL lacks go over REST to the same panel)."""
    kwargs = {"numbers": ["5555550001"], "content": "Bülten", "period_type": 3, "interval": 1}
    kwargs["start_at"] = START_AT
    result = NodePeriodicCampaignOperator(task_id="per", node_sms_conn_id="node_sms_soap", **kwargs).execute(
        ctx("per")
    )
    [pkg] = packages(node)
    assert pkg["id"] == result["package_id"] and pkg["customID"] == result["custom_id"]
    cancelled = NodeCancelPackageOperator(
        task_id="c", node_sms_conn_id="node_sms_soap", package_id=result["package_id"]
    ).execute(ctx("c"))
    assert cancelled["cancelled"] is True and packages(node)[0]["state"] == -4


def test_cancel_by_id_of_a_package_already_going_out_is_reported(node):
    sent = NodeOtpOperator(task_id="otp", number="5555550001", content="Kod").execute(ctx("otp"))
    node.admin.clock(advance=3600)
    result = NodeCancelPackageOperator(task_id="c", package_id=sent["package_id"]).execute(ctx("c"))
    assert result["cancelled"] is False and result["reason"] == "not_changeable"


def test_recreate_a_completed_package(node):
    from airflow_provider_ileti.hooks.node import NodeSmsHook

    hook = NodeSmsHook("node_sms_default")
    pkg_id = hook.get_client().create_sms(sending_type=1, numbers=["905555550001"], content="Bir")
    hook.close()
    node.admin.clock(advance=4 * 3600)
    result = NodeRecreatePackageOperator(
        task_id="re", package_id=pkg_id, title="Yeniden", include_new_numbers=False
    ).execute(ctx("re"))
    assert result["package_id"] != pkg_id and result["source"] == pkg_id
    [request] = node_requests(node, "/sms/recreate")
    assert request["body"] == {"id": pkg_id, "title": "Yeniden", "includeNewNumbers": False}


def _completed_package(node) -> int:
    from airflow_provider_ileti.hooks.node import NodeSmsHook

    hook = NodeSmsHook("node_sms_default")
    pkg_id = hook.get_client().create_sms(sending_type=1, numbers=["905555550001"], content="Bir")
    hook.close()
    node.admin.clock(advance=4 * 3600)
    return int(pkg_id)


def test_recreate_retry_returns_the_same_package_with_one_request(node):
    pkg_id = _completed_package(node)
    store = FakeStateStore()
    op = NodeRecreatePackageOperator(
        task_id="re", package_id=pkg_id, title="Yeniden", include_new_numbers=False
    )
    first = op.execute(ctx("re", store=store))
    second = op.execute(ctx("re", store=store, try_number=2))  # the worker died before success was recorded
    assert second == {**first, "replayed": True} and first["replayed"] is False
    assert len(node_requests(node, "/sms/recreate")) == 1
    assert len(packages(node)) == 2  # the source and one recreated package


def test_recreate_killed_after_the_request_is_ambiguous_not_repeated(node, monkeypatch):
    from airflow.providers.common.compat.sdk import AirflowFailException

    from airflow_provider_ileti.clients.node.client import NodeClient

    pkg_id = _completed_package(node)
    original = NodeClient.recreate_package

    def recreate_then_die(self, **kwargs):
        original(self, **kwargs)  # the service made the package; the process ends before the answer is kept
        raise SystemExit(1)

    monkeypatch.setattr(NodeClient, "recreate_package", recreate_then_die)
    store = FakeStateStore()
    op = NodeRecreatePackageOperator(
        task_id="re", package_id=pkg_id, title="Yeniden", include_new_numbers=False
    )
    with pytest.raises(SystemExit):
        op.execute(ctx("re", store=store))
    monkeypatch.setattr(NodeClient, "recreate_package", original)
    with pytest.raises(AirflowFailException, match=f"may have recreated package {pkg_id}"):
        op.execute(ctx("re", store=store, try_number=2))
    assert len(node_requests(node, "/sms/recreate")) == 1 and len(packages(node)) == 2
    op.on_ambiguous = "skip"
    assert op.execute(ctx("re", store=store, try_number=3))["package_id"] is None
    assert len(node_requests(node, "/sms/recreate")) == 1


def test_kvkk_retry_over_a_reordered_csv_stops_before_any_link(node, tmp_path, monkeypatch):
    """The same position is not the same person once the CSV was regenerated in another order."""
    from airflow.providers.common.compat.sdk import AirflowFailException

    from airflow_provider_ileti.core.errors import TransientError

    people = [(f"555555000{i}", f"Ad{i}", f"Soyad{i}") for i in range(3)]
    csv_path = tmp_path / "people.csv"

    def write(rows):
        lines = "".join(",".join(row) + "\n" for row in rows)
        csv_path.write_text("phone,first_name,last_name\n" + lines, "utf-8")

    def task():
        return NodeKvkkConsentOperator(task_id="kvkk", recipients_csv=str(csv_path), content="SHORT_LINK")

    write(people)
    store = FakeStateStore()
    from airflow_provider_ileti.clients.node.client import NodeClient

    real, calls = NodeClient.create_kvkk, {"n": 0}

    def create_kvkk(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise TransientError("connection refused (injected)")  # surely not sent
        return real(self, *args, **kwargs)

    monkeypatch.setattr(NodeClient, "create_kvkk", create_kvkk)
    with pytest.raises(Exception, match="connection refused"):
        task().execute(ctx("kvkk", store=store))
    monkeypatch.setattr(NodeClient, "create_kvkk", real)
    assert len(node_requests(node, "/sms/create-kvkk")) == 1  # person 0 served
    write(list(reversed(people)))
    with pytest.raises(AirflowFailException, match=r"recipients changed between tries: recipients\[0\]"):
        task().execute(ctx("kvkk", store=store, try_number=2))
    assert len(node_requests(node, "/sms/create-kvkk")) == 1, "no link went out on the retry"
