"""Transient failures are retried, sends go out exactly once, SMS42 resolves to the existing package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.core.errors import AmbiguousSendError, TransientError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

from .conftest import node_requests

pytestmark = pytest.mark.integration

A, B = "05555550001", "05555550002"
PROTOCOLS = ["rest", "soap"]


def _path(protocol: str, function: str) -> str:
    return "/node/soap" if protocol == "soap" else f"/node/{function}"


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    "fault",
    [
        {"mode": "status", "status": 503},
        {"mode": "rate_limit", "status": 429, "retry_after": 0.2},
        {"mode": "maintenance"},
    ],
    ids=["503", "429", "maintenance-SMS99"],
)
def test_reads_retry_transient_failures(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any, protocol: str, fault: dict[str, Any]
) -> None:
    slept: list[float] = []
    node = make_node(protocol, sleep=slept.append)  # record the waits instead of waiting them
    if protocol == "soap":
        node.get_credit()  # load the WSDL before the fault (its GET shares the path)
    ileti_sandbox.admin.add_fault(_path(protocol, "user/credit"), times=2, method="POST", **fault)
    assert node.get_credit() > 0
    assert len(slept) == 2
    if fault["mode"] == "maintenance":  # the sandbox answers SMS99 with Retry-After: 30
        assert slept == [30.0, 30.0]
    calls = [r for r in node_requests(ileti_sandbox) if r["method"] == "POST"]
    assert len(calls) >= 3
    # the last three calls: the two the fault answered, then the one the service itself answered
    assert [c["fault"] for c in calls[-3:]] == [fault["mode"], fault["mode"], None]


def test_retry_after_is_honoured(make_node: Callable[..., NodeClient], ileti_sandbox: Any) -> None:
    import time

    node = make_node("rest")
    ileti_sandbox.admin.add_fault("/node/user/credit", "rate_limit", status=429, retry_after=1.0, times=1)
    started = time.monotonic()
    node.get_credit()
    assert time.monotonic() - started >= 0.9


def test_reads_give_up_after_retries(make_node: Callable[..., NodeClient], ileti_sandbox: Any) -> None:
    node = make_node("rest", retries=1)
    ileti_sandbox.admin.add_fault("/node/sms/list-sender", "status", status=503)
    with pytest.raises(TransientError):
        list(node.list_sms_senders())
    assert len(node_requests(ileti_sandbox, "/sms/list-sender")) == 2


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_send_exactly_once_when_the_answer_is_lost(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any, protocol: str
) -> None:
    node = make_node(protocol)
    if protocol == "soap":
        node.get_credit()
    ileti_sandbox.admin.add_fault(_path(protocol, "sms/create"), "drop_after_commit", times=1, method="POST")
    receipt = node.send(SendBatch(messages=(SmsMessage("hi", (A, B)),), idempotency_key="once-1"))
    state = ileti_sandbox.admin.state("node")
    packages = [
        p for p in ileti_sandbox.sandbox.services["node"].packages.values() if p.custom_id == "once-1"
    ]
    assert len(packages) == 1, state
    assert receipt.reference == str(packages[0].id) and receipt.replayed is True
    assert node.find_sent(["once-1"])["once-1"].reference == receipt.reference


def test_send_without_custom_id_is_ambiguous_when_the_answer_is_lost(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    node = make_node("rest")
    ileti_sandbox.admin.add_fault("/node/sms/create", "drop_after_commit", times=1)
    with pytest.raises(AmbiguousSendError):
        node.send(SendBatch(messages=(SmsMessage("hi", (A,)),)))
    assert len(node_requests(ileti_sandbox, "/sms/create")) == 1  # not repeated
    assert len(ileti_sandbox.sandbox.services["node"].packages) == 1


def test_send_without_custom_id_retries_a_refused_connection_attempt(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    slept: list[float] = []
    node = make_node("rest", sleep=slept.append)
    ileti_sandbox.admin.add_fault("/node/sms/create", "maintenance", times=1)
    receipt = node.send(SendBatch(messages=(SmsMessage("hi", (A,)),)))
    assert len(ileti_sandbox.sandbox.services["node"].packages) == 1
    assert receipt.reference == str(next(iter(ileti_sandbox.sandbox.services["node"].packages)))
    assert slept == [30.0]


def test_sms42_after_a_retry_resolves_the_existing_package(
    make_node: Callable[..., NodeClient], ileti_sandbox: Any
) -> None:
    node = make_node("rest")
    ileti_sandbox.admin.add_fault("/node/sms/create", "drop_after_commit", times=1)
    pkg_id = node.create_sms(sending_type=1, numbers=[A], content="x", custom_id="resolve-1")
    creates = node_requests(ileti_sandbox, "/sms/create")
    assert len(creates) == 2 and creates[1]["status"] == 409  # the retry met SMS42
    assert node.get_packages(custom_ids=["resolve-1"])[0].id == pkg_id


def test_send_replays_a_package_made_by_an_earlier_try(make_node: Callable[..., NodeClient]) -> None:
    node = make_node("rest")
    batch = SendBatch(messages=(SmsMessage("hi", (A,)),), idempotency_key="try-1")
    first = node.send(batch)
    again = node.send(batch)
    assert again.reference == first.reference and again.replayed and not first.replayed
