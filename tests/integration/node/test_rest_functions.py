"""Every NodeClient function against the sandbox over REST/JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.clients.node.models import (
    BlacklistResult,
    Contact,
    ContactGroup,
    IysSettings,
    MoRequest,
    Package,
    PackageItem,
    PeriodicSettings,
    Summary,
)
from airflow_provider_ileti.core.errors import DuplicateError, NotChangeableError, NotFoundError
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from tests.unit.node.validation_cases import CASES, Case

from .conftest import node_requests

pytestmark = pytest.mark.integration

A, B, C = "05555550001", "05555550002", "05555550003"


def _complete(sandbox: Any) -> None:
    sandbox.admin.clock(advance=600)


def test_create_otp(node: NodeClient, ileti_sandbox: Any) -> None:
    pkg_id = node.create_otp(A, "Kodunuz 1234", validity=5, custom_id="otp-1", commercial=False)
    package = node.get_packages(ids=[pkg_id])[0]
    assert (package.custom_id, package.type, package.validity) == ("otp-1", 0, 5)
    (req,) = node_requests(ileti_sandbox, "/sms/create-otp")
    assert req["body"]["number"] == "905555550001" and req["body"]["sender"] == "SANDBOX"


def test_create_sms_single_one_to_many_and_per_number(node: NodeClient) -> None:
    single = node.create_sms(sending_type=0, number=A, content="tek")
    many = node.create_sms(sending_type=1, numbers=[A, B, C], content="çok", title="T", validity=60)
    pairs = node.create_sms(sending_type=2, messages=[(A, "bir"), (B, "iki")])
    packages = {p.id: p for p in node.get_packages(ids=[single, many, pairs])}
    assert packages[single].statistics.recipients == 1
    assert packages[many].statistics.recipients == 3 and packages[many].title == "T"
    items = list(node.list_package_items(pkg_id=pairs))
    assert sorted((i.target, i.msg) for i in items) == [("905555550001", "bir"), ("905555550002", "iki")]


def test_create_sms_to_turkish_id_numbers_sends_them_as_given(node: NodeClient, ileti_sandbox: Any) -> None:
    """SMS type 2 addresses TC kimlik numbers: checksums checked, sent as they are (not as phones)."""
    tc_a, tc_b = "10000000146", "12345678950"
    pkg = node.create_sms(sms_type=2, sending_type=1, numbers=[tc_a, tc_b], content="kimlik")
    body = node_requests(ileti_sandbox, "/sms/create")[-1]["body"]
    assert (body["type"], body["numbers"]) == (2, [tc_a, tc_b])
    assert sorted(i.target for i in node.list_package_items(pkg_id=pkg)) == [tc_a, tc_b]


def test_create_sms_scheduled_periodic_and_cancel(node: NodeClient) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    pkg_id = node.create_sms(
        sending_type=1,
        numbers=[A, B],
        content="kampanya",
        sending_date=later,
        periodic=PeriodicSettings(period_type=0, interval=1, amount=1000),
        custom_id="camp-1",
    )
    (status,) = node.get_statuses([str(pkg_id)])
    assert status.phase is DeliveryPhase.SCHEDULED
    node.cancel_package(custom_id="camp-1")
    assert node.get_statuses([str(pkg_id)])[0].phase is DeliveryPhase.CANCELLED


def test_create_kvkk(node: NodeClient, ileti_sandbox: Any) -> None:
    pkg_id = node.create_kvkk(A, "Ayşe", "Yılmaz", "Merhaba FIRST_NAME LAST_NAME, izin: SHORT_LINK")
    assert node.get_packages(ids=[pkg_id])[0].id == pkg_id
    (req,) = node_requests(ileti_sandbox, "/sms/create-kvkk")
    assert req["body"]["number"] == {
        "nr": "905555550001",
        "cfs": {"FIRST_NAME": "Ayşe", "LAST_NAME": "Yılmaz"},
    }


def test_list_packages_filters_and_models(node: NodeClient) -> None:
    first = node.create_sms(sending_type=1, numbers=[A], content="alpha", custom_id="lp-1")
    node.create_sms(sending_type=1, numbers=[B], content="beta")
    found = list(node.list_packages(keyword="alpha"))
    assert [p.id for p in found] == [first]
    assert isinstance(found[0], Package) and found[0].custom_id == "lp-1"
    assert {p.id for p in node.list_packages(custom_ids=["lp-1"])} == {first}


def test_list_package_items_by_each_reference(node: NodeClient) -> None:
    pkg_id = node.create_sms(sending_type=1, numbers=[A, B], content="x", custom_id="items-1")
    uuid = node.get_packages(ids=[pkg_id])[0].uuid
    by_id = list(node.list_package_items(pkg_id=pkg_id))
    assert all(isinstance(i, PackageItem) for i in by_id) and len(by_id) == 2
    assert len(list(node.list_package_items(uuid=uuid))) == 2
    assert [i.target for i in node.list_package_items(custom_id="items-1", target="905555550002")] == [
        "905555550002"
    ]


def test_senders_and_list_senders(node: NodeClient) -> None:
    senders = list(node.list_sms_senders())
    assert "SANDBOX" in {s.title for s in senders}
    approved = node.list_senders()
    assert "SANDBOX" in approved
    assert set(approved) == {s.title for s in senders if s.approved}


def test_cancel_a_started_package_is_not_changeable(node: NodeClient, ileti_sandbox: Any) -> None:
    pkg_id = node.create_sms(sending_type=1, numbers=[A], content="x")
    _complete(ileti_sandbox)
    with pytest.raises(NotChangeableError):
        node.cancel_package(pkg_id=pkg_id)


def test_cancel_unknown_package_is_not_found(node: NodeClient) -> None:
    with pytest.raises(NotFoundError):
        node.cancel_package(pkg_id=1)


def test_recreate_a_completed_package(node: NodeClient, ileti_sandbox: Any) -> None:
    pkg_id = node.create_sms(sending_type=1, numbers=[A, B], content="x")
    _complete(ileti_sandbox)
    assert node.get_statuses([str(pkg_id)])[0].phase is DeliveryPhase.COMPLETE
    new_id = node.recreate_package(pkg_id=pkg_id, title="again", include_new_numbers=False)
    assert new_id != pkg_id and node.get_packages(ids=[new_id])[0].title == "again"


def test_summary_and_inquiry(node: NodeClient, ileti_sandbox: Any) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    node.create_sms(sending_type=1, numbers=[A, "05555550009"], content="x")
    _complete(ileti_sandbox)
    finish = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    summary = node.summary(start_date=start, finish_date=finish)
    assert isinstance(summary, Summary) and summary.recipients == 2
    assert summary.delivered == 1 and summary.undelivered == 1
    records = list(node.inquiry_number(A, start_date=start, finish_date=finish))
    assert len(records) == 1 and records[0].state == 3


def test_contacts_lifecycle(node: NodeClient, ileti_sandbox: Any) -> None:
    group = node.create_group("Müşteriler")
    assert isinstance(group, ContactGroup) and group.uuid
    contact = node.create_contact(
        A,
        first_name="Ayşe",
        last_name="Yılmaz",
        group_uuids=[group.uuid],
        details={"CITY_CODE": "34"},
        iys=IysSettings(recipient_type=0, source=7),
    )
    assert (
        isinstance(contact, Contact)
        and contact.gsm == "905555550001"
        and contact.details["CITY_CODE"] == "34"
    )
    # the update answers only {"status": 1}: the client reports that, it does not invent a contact
    assert node.update_contact(contact.uuid, A, first_name="Ayşe Nur") is None
    listed = list(node.list_contacts(group_uuid=group.uuid))
    assert [c.first_name for c in listed] == ["Ayşe Nur"]
    assert node.update_group(group.uuid, "Müşteriler 2") is None
    assert [g.title for g in node.list_groups(keyword="Müşteriler 2")] == ["Müşteriler 2"]
    node.delete_contacts([contact.uuid], permanent=True)
    assert list(node.list_contacts(group_uuid=group.uuid)) == []
    node.delete_group(uuid=group.uuid)
    assert list(node.list_groups(keyword="Müşteriler 2")) == []


def test_import_contacts_then_list(node: NodeClient, ileti_sandbox: Any) -> None:
    node.import_contacts([[A, "Ali", "A Grubu"], [B, "Can", "A Grubu"]], ["GSM", "FIRST_NAME", "GROUP_NAME"])
    (req,) = node_requests(ileti_sandbox, "/contact/import")
    assert req["body"]["csvData"].startswith("'GSM','FIRST_NAME','GROUP_NAME'\n'905555550001'")
    ileti_sandbox.admin.clock(advance=120)
    names = sorted(c.first_name or "" for c in node.list_contacts())
    assert names == ["Ali", "Can"]
    assert [g.contact_count for g in node.list_groups(keyword="A Grubu")] == [2]


def test_set_blacklist(node: NodeClient) -> None:
    result = node.set_blacklist(True, gsms=[A, B], return_invalids=True)
    assert isinstance(result, BlacklistResult) and result.status == 1
    blacklisted = list(node.list_contacts(status=2))
    assert {c.gsm for c in blacklisted} == {"905555550001", "905555550002"}


def test_mo_requests(node: NodeClient) -> None:
    records = list(node.list_mo_requests())
    assert records and all(isinstance(r, MoRequest) for r in records)
    assert {r.keyword for r in node.list_mo_requests(keyword="RED")} == {"RED"}


def test_credit_and_balance(node: NodeClient) -> None:
    before = node.get_credit()
    node.create_sms(sending_type=1, numbers=[A, B], content="x")
    assert node.get_balance().credits == before - 2


def test_send_find_sent_statuses_and_cancel(node: NodeClient, ileti_sandbox: Any) -> None:
    batch = SendBatch(messages=(SmsMessage("hi", (A, B)),), idempotency_key="run-1.chunk-0")
    receipt = node.send(batch)
    assert receipt.recipients == 2 and not receipt.replayed
    assert node.find_sent(["run-1.chunk-0", "run-1.chunk-1"]) == {
        "run-1.chunk-0": type(receipt)(
            service="node",
            reference=receipt.reference,
            recipients=2,
            idempotency_key="run-1.chunk-0",
            replayed=True,
        )
    }
    scheduled = node.send(
        SendBatch(
            messages=(SmsMessage("later", (C,)),), send_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        )
    )
    statuses = node.get_statuses([receipt.reference, scheduled.reference])
    assert [s.phase for s in statuses] == [DeliveryPhase.PENDING, DeliveryPhase.SCHEDULED]
    assert len(node_requests(ileti_sandbox, "/sms/list")) == 2  # find_sent 1 + get_statuses 1
    node.cancel(scheduled.reference)
    _complete(ileti_sandbox)
    done = node.get_statuses([receipt.reference, scheduled.reference])
    assert [s.phase for s in done] == [DeliveryPhase.COMPLETE, DeliveryPhase.CANCELLED]
    assert done[0].delivered == 2 and done[0].pending == 0


def test_duplicate_custom_id_on_create_sms(node: NodeClient) -> None:
    node.create_sms(sending_type=1, numbers=[A], content="x", custom_id="dup-1")
    with pytest.raises(DuplicateError):
        node.create_sms(sending_type=1, numbers=[A], content="x", custom_id="dup-1")


def test_pagination_over_several_pages(node: NodeClient, ileti_sandbox: Any) -> None:
    for i in range(23):
        node.create_sms(sending_type=0, number=A, content=f"m{i}")
    before = len(node_requests(ileti_sandbox, "/sms/list"))
    packages = node.list_packages(page_size=10)
    assert len(node_requests(ileti_sandbox, "/sms/list")) == before  # lazy
    assert len({p.id for p in packages}) == 23
    pages = node_requests(ileti_sandbox, "/sms/list")[before:]
    assert [r["body"]["pageIndex"] for r in pages] == [0, 1, 2]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_validation_rule_refuses_before_the_sandbox_sees_a_request(
    node: NodeClient, ileti_sandbox: Any, case: Case
) -> None:
    from airflow_provider_ileti.core.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        case.call(node)
    assert (info.value.field, info.value.value) == (case.field, case.value)
    assert ileti_sandbox.requests(service="node") == []


def test_the_sandbox_refuses_an_import_without_gsm_column_too(node: NodeClient, ileti_sandbox: Any) -> None:
    """The client's GSM-column rule mirrors the service: the same body sent raw is refused."""
    from airflow_provider_ileti.core.errors import ServiceError

    with pytest.raises(ServiceError):
        node._transport.call("contact/import", {"csvData": "'FIRST_NAME'\n'Ali'", "columns": ["FIRST_NAME"]})
    assert len(node_requests(ileti_sandbox, "/contact/import")) == 1


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_sending_hours_restriction_sms44_is_final_not_retried(
    make_node: Any, ileti_sandbox: Any, protocol: str
) -> None:
    from airflow_provider_ileti.core.errors import ServiceError, TransientError

    hour = dt.datetime.now(ZoneInfo("Europe/Istanbul")).hour
    ileti_sandbox.admin.set_node_sending_hours((hour + 2) % 24, (hour + 3) % 24)  # closed now
    slept: list[float] = []
    node = make_node(protocol, sleep=slept.append)
    with pytest.raises(ServiceError) as info:
        node.create_sms(sending_type=1, numbers=[A], content="x", custom_id=f"hours-{protocol}")
    assert info.value.code == "SMS44" and not isinstance(info.value, TransientError)
    assert "after the restricted hours" in str(info.value)
    sends = [r for r in ileti_sandbox.requests(service="node") if r["method"] == "POST"]
    assert len(sends) == 1 and slept == []
