"""The seven SOAP operations return the same models as REST; other functions fall back to REST."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_ileti.clients.node import soap
from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.clients.node.models import PeriodicSettings
from airflow_provider_ileti.core.errors import NotChangeableError, NotFoundError
from airflow_provider_ileti.sandbox import credentials

from .conftest import node_requests

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("soap_wsdl")]

A, B = "05555550001", "05555550002"


def _strip(value: Any) -> Any:
    """A model without ``raw`` (REST and SOAP spell raw dicts differently, the models must not differ)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _strip(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "raw"}
    if isinstance(value, list | tuple):
        return [_strip(v) for v in value]
    return value


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_every_soap_operation(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any, protocol: str
) -> None:
    node = make_node(protocol)
    otp = node.create_otp(A, "Kod 1234", validity=3, custom_id=f"otp-{protocol}")
    pkg = node.create_sms(
        sending_type=2,
        messages=[(A, "bir"), (B, "iki")],
        custom_id=f"nn-{protocol}",
        title="SOAP",
        validity=60,
    )
    one_to_many = node.create_sms(
        sending_type=1,
        numbers=[A, B],
        content="hepsi",
        sending_date=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    assert len({otp, pkg, one_to_many}) == 3
    packages = node.get_packages(ids=[pkg, otp])
    assert {p.id for p in packages} == {pkg, otp}
    assert {p.custom_id for p in packages} == {f"otp-{protocol}", f"nn-{protocol}"}
    items = list(node.list_package_items(pkg_id=pkg))
    assert sorted((i.target, i.msg) for i in items) == [("905555550001", "bir"), ("905555550002", "iki")]
    assert "SANDBOX" in node.list_senders()
    node.cancel_package(pkg_id=one_to_many)
    assert node.get_credit() > 0
    with pytest.raises(NotFoundError):
        node.cancel_package(pkg_id=42)
    paths = {str(r["path"]) for r in node_requests(ileti_sandbox)}
    if protocol == "soap":
        assert paths == {"/node/soap"}, paths  # all seven over SOAP: no silent fallback
    else:
        assert "/node/soap" not in paths


def test_soap_models_equal_rest_models(make_node: Callable[..., NodeClient], ileti_sandbox: Any) -> None:
    rest, over_soap = make_node("rest"), make_node("soap")
    pkg = rest.create_sms(sending_type=2, messages=[(A, "bir"), (B, "iki")], custom_id="same-1")
    ileti_sandbox.admin.clock(advance=600)  # every state final: both reads see the same package
    assert _strip(rest.get_packages(ids=[pkg])) == _strip(over_soap.get_packages(ids=[pkg]))
    assert _strip(list(rest.list_package_items(pkg_id=pkg))) == _strip(
        list(over_soap.list_package_items(pkg_id=pkg))
    )
    assert _strip(list(rest.list_sms_senders())) == _strip(list(over_soap.list_sms_senders()))
    assert rest.get_credit() == over_soap.get_credit()
    assert _strip(rest.get_statuses([str(pkg)])) == _strip(over_soap.get_statuses([str(pkg)]))


def test_soap_falls_back_to_rest_for_functions_outside_the_wsdl(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    node = make_node("soap")
    pkg = node.create_kvkk(A, "Ayşe", "Yılmaz", "FIRST_NAME: SHORT_LINK")
    group = node.create_group("G")
    assert node.summary().recipients == 1 and group.uuid
    paths = [str(r["path"]) for r in node_requests(ileti_sandbox)]
    assert paths == ["/node/sms/create-kvkk", "/node/contact/create-group", "/node/sms/summary"]
    assert pkg > 0


def test_wsdl_is_loaded_once_per_base_url(make_node: Callable[..., NodeClient], ileti_sandbox: Any) -> None:
    soap.clear_wsdl_cache()
    make_node("soap").get_credit()
    make_node("soap").get_credit()
    wsdl_reads = [r for r in node_requests(ileti_sandbox, "/soap") if r["method"] == "GET"]
    assert len(wsdl_reads) == 1


def test_soap_cancel_started_package_maps_the_error(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    node = make_node("soap")
    pkg = node.create_sms(sending_type=1, numbers=[A], content="x")
    ileti_sandbox.admin.clock(advance=600)
    with pytest.raises(NotChangeableError):
        node.cancel_package(pkg_id=pkg)


def _soap_operations(sandbox: Any) -> list[str]:
    """The operation of every SOAP POST the sandbox received, in order (the element inside soap:Body)."""
    ops = []
    for r in node_requests(sandbox, "/soap"):
        if r["method"] == "POST":
            found = re.search(r"Body><(?:[\w-]+:)?(\w+)", str(r["body"]))
            ops.append(found.group(1) if found else "?")
    return ops


def test_soap_never_writes_the_password_at_debug_or_on_the_wire(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    soap.clear_wsdl_cache()
    caplog.set_level(logging.DEBUG)  # root and every logger: zeep.transports logs whole envelopes here
    node = make_node("soap")
    pkg = node.create_sms(sending_type=2, messages=[(A, "gizli metin bir"), (B, "gizli metin iki")])
    node.create_otp(A, "Kod 987654", custom_id="otp-log-1")
    list(node.list_package_items(pkg_id=pkg))
    node.get_credit()
    zeep_records = [r for r in caplog.records if r.name.startswith("zeep.transports")]
    assert any("HTTP Post" in r.getMessage() for r in zeep_records)  # the envelopes were logged...
    for record in caplog.records:
        text = record.getMessage()
        assert credentials.NODE_PASSWORD not in text, record.name
        assert "905555550001" not in text and "gizli metin" not in text and "987654" not in text, record.name
    bodies = [str(r["body"]) for r in node_requests(ileti_sandbox, "/soap") if r["method"] == "POST"]
    assert len(bodies) == 4 and not any("<password>" in b or "<username>" in b for b in bodies)
    assert _soap_operations(ileti_sandbox) == ["sendSms", "sendOtp", "getSmsPackageItems", "getUserCredit"]


def test_the_redaction_filter_is_on_zeeps_transport_logger() -> None:
    filters = logging.getLogger("zeep.transports").filters
    assert any(isinstance(f, soap.RedactingFilter) for f in filters)
    envelope = (
        "<ns0:sendOtp><username>u</username><password>p@ss w0rd</password><number>905551234567</number>"
        "<content>Kod 1234</content><numbers><item>905329876543</item></numbers></ns0:sendOtp>"
    )
    redacted = soap.redact_envelope(envelope)
    for secret in ("p@ss w0rd", "905551234567", "Kod 1234", "905329876543"):
        assert secret not in redacted
    assert "<password>***</password>" in redacted and "<number>90555***4567</number>" in redacted


def test_soap_carries_every_optional_field_and_stores_what_rest_stores(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    trust = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    made: dict[str, tuple[int, int]] = {}
    for protocol in ("rest", "soap"):
        node = make_node(protocol)
        campaign = node.create_sms(
            sending_type=1,
            numbers=[A, B],
            content="kampanya",
            title="Kampanya",
            validity=120,
            sending_date=later,
            periodic=PeriodicSettings(period_type=0, interval=5, amount=1000),
            push_url="https://example.com/hook",
            commercial=True,
            custom_id=f"camp-{protocol}",
        )
        otp = node.create_otp(
            A, "Kod 1", validity=4, commercial=False, trust_date=trust, custom_id=f"o-{protocol}"
        )
        made[protocol] = (campaign, otp)
    state = ileti_sandbox.sandbox.services["node"]

    def stored(pkg_id: int) -> dict[str, Any]:
        p = state.packages[pkg_id]
        return {
            k: getattr(p, k)
            for k in ("sms_type", "sending_type", "title", "content", "sender", "encoding", "validity")
            + ("start", "scheduled", "periodic", "push_url", "commercial")
        } | {"numbers": list(p.numbers)}

    rest_campaign, rest_otp = made["rest"]
    soap_campaign, soap_otp = made["soap"]
    assert stored(soap_campaign) == stored(rest_campaign)
    assert stored(soap_campaign)["periodic"] == {"periodType": 0, "interval": 5, "amount": 1000}
    assert stored(soap_campaign)["push_url"] == "https://example.com/hook"
    assert stored(soap_campaign)["commercial"] is True
    assert stored(soap_otp) | {"start": None} == stored(rest_otp) | {"start": None}
    assert stored(soap_otp)["commercial"] is False
    (soap_otp_body,) = [
        str(r["body"]) for r in node_requests(ileti_sandbox, "/soap") if "sendOtp" in str(r["body"])
    ]
    assert "<trustDate>" in soap_otp_body
    # a REST body carried the same trustDate string
    (rest_otp_req,) = node_requests(ileti_sandbox, "/sms/create-otp")
    assert f"<trustDate>{rest_otp_req['body']['trustDate']}</trustDate>" in soap_otp_body

    # getSmsPackages with customIDs, status and dates: the same packages as /sms/list
    ileti_sandbox.admin.clock(advance=60)  # past "saving": both reads see the same state
    rest, over_soap = make_node("rest"), make_node("soap")
    window = {"start_date": dt.datetime.now(dt.UTC) - dt.timedelta(days=1), "finish_date": later}
    query = {"custom_ids": ["camp-rest", "camp-soap", "o-rest"], "status": 3, **window}
    assert _strip(list(over_soap.list_packages(**query))) == _strip(list(rest.list_packages(**query)))
    assert {p.id for p in over_soap.list_packages(**query)} == {rest_campaign, soap_campaign}
    # no silent fallback: every SOAP connection call went to /node/soap, every REST one to its function
    soap_ops = _soap_operations(ileti_sandbox)
    assert soap_ops == ["sendSms", "sendOtp", "getSmsPackages", "getSmsPackages"], soap_ops
    rest_paths = [str(r["path"]) for r in node_requests(ileti_sandbox) if r["path"] != "/node/soap"]
    assert rest_paths == ["/node/sms/create", "/node/sms/create-otp", "/node/sms/list"], rest_paths


def test_the_rest_fallback_is_logged_once_per_function_at_info(
    make_node: Callable[..., NodeClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="airflow_provider_ileti.clients.node.soap")
    node = make_node("soap")
    node.create_group("G1")
    node.create_group("G2")
    node.summary()
    node.get_credit()  # in the WSDL: not a fallback
    infos = [
        r.getMessage()
        for r in caplog.records
        if r.name == "airflow_provider_ileti.clients.node.soap" and r.levelno == logging.INFO
    ]
    assert len(infos) == 2, infos
    assert "contact/create-group goes over REST/JSON" in infos[0] and "sms/summary" in infos[1]
    other = make_node("soap")  # a new client logs it again: once per client and function
    other.create_group("G3")
    assert (
        sum("contact/create-group" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
        == 2
    )
