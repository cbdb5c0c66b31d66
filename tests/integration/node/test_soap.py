"""The seven SOAP operations return the same models as REST; other functions fall back to REST."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_ileti.clients.node import soap
from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.core.errors import NotChangeableError, NotFoundError

from .conftest import node_requests

pytestmark = pytest.mark.integration

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
