"""send_bulk's ≤200-item requests go out ``concurrency`` at a time over the client's one session: every item
accepted and its result in input order; never more than ``concurrency`` requests in flight; ``concurrency=1``
the old loop; once a request fails none is started, those in flight finish, and the error accounts for every
item (accepted in which requests, the failed request masked, how many never sent); nothing sent before the
last item is validated."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.client import BULK_CONCURRENCY, IletinizClient
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    InsufficientCreditError,
    ValidationError,
)
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY
from airflow_provider_ileti.sandbox.services.iletiniz import PREFIX
from tests.integration.inflight import InFlight

BULK = f"{PREFIX}/v1/messages/bulk"


def numbers(count: int) -> list[str]:
    return [f"+90555{i:07d}" for i in range(count)]


def bulk_requests(ileti_sandbox: Any) -> list[dict[str, Any]]:
    return list(ileti_sandbox.requests(service="iletiniz", path="/v1/messages/bulk"))


def first_items(ileti_sandbox: Any) -> list[str]:
    """The first number of every bulk request the sandbox received, in the order it received them."""
    return [r["body"]["items"][0]["to"] for r in bulk_requests(ileti_sandbox)]


@pytest.fixture
def counted(client: IletinizClient) -> InFlight:
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    return inflight


def test_the_default_is_a_few_requests_in_flight(client: IletinizClient) -> None:
    assert client.bulk_concurrency == BULK_CONCURRENCY and 2 <= BULK_CONCURRENCY <= 4


def test_concurrency_one_is_the_loop_one_request_after_another(
    client: IletinizClient, ileti_sandbox: Any, counted: InFlight
) -> None:
    sent = numbers(450)
    result = client.send_bulk(sent, body="Kampanya", concurrency=1)
    assert counted.most == 1 and counted.calls == 3 == result.requests
    assert first_items(ileti_sandbox) == [sent[0], sent[200], sent[400]]
    assert [r.to for r in result.results] == sent and len(result.job_ids) == 450


def test_several_in_flight_every_item_accepted_in_input_order(
    client: IletinizClient, ileti_sandbox: Any, state: Any, counted: InFlight
) -> None:
    # each request answers 50 ms late, so the requests overlap and their answers may come out of order
    ileti_sandbox.admin.add_fault(BULK, "delay", delay=0.05)
    sent = numbers(2050)
    result = client.send_bulk(sent, body="Kampanya", concurrency=3)
    assert counted.most == 3 and counted.calls == 11 == result.requests
    assert [r.to for r in result.results] == sent
    assert len(set(result.job_ids)) == 2050
    jobs = state.snapshot()["jobs"]
    assert sorted(j["to"] for j in jobs) == sorted(sent)  # each item exactly once
    assert sorted(first_items(ileti_sandbox)) == sorted(sent[i] for i in range(0, 2050, 200))


@pytest.mark.parametrize("concurrency", [2, 4])
def test_never_more_in_flight_than_asked(
    client: IletinizClient, ileti_sandbox: Any, counted: InFlight, concurrency: int
) -> None:
    ileti_sandbox.admin.add_fault(BULK, "delay", delay=0.03)
    result = client.send_bulk(numbers(1600), body="x", concurrency=concurrency)
    assert counted.most == concurrency and counted.calls == 8 == len(bulk_requests(ileti_sandbox))
    assert len(result.job_ids) == 1600


def test_an_operator_chunk_is_still_one_request(
    client: IletinizClient, ileti_sandbox: Any, counted: InFlight
) -> None:
    receipt = client.send(SendBatch(messages=(SmsMessage("Merhaba", tuple(numbers(200))),)))
    assert receipt.recipients == 200 and counted.calls == counted.most == 1
    assert len(bulk_requests(ileti_sandbox)) == 1


class FailKth:
    """A spy on the session: the ``k``-th bulk request (from 1) is dropped by the sandbox after it committed.

    Made deterministic: request ``k`` waits until every earlier one has answered and the ``in_flight - 1``
    after it have been started (they wait, in flight, until ``k`` has answered), so exactly those finish
    after the failure, and the sandbox's fault can only meet request ``k``.
    """

    def __init__(self, request: Callable[..., Any], admin: Any, k: int, in_flight: int) -> None:
        self.request, self.admin, self.k, self.in_flight = request, admin, k, in_flight
        self.cond = threading.Condition()
        self.started = 0
        self.answered_before_k = 0
        self.k_answered = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.cond:
            self.started += 1
            mine = self.started
            self.cond.notify_all()
            if mine == self.k:
                assert self.cond.wait_for(
                    lambda: (
                        self.answered_before_k == self.k - 1 and self.started == self.k + self.in_flight - 1
                    ),
                    timeout=10,
                )
                self.admin.add_fault(BULK, "drop_after_commit", times=1)
            elif mine > self.k:
                assert self.cond.wait_for(lambda: self.k_answered, timeout=10)
        try:
            return self.request(*args, **kwargs)
        finally:
            with self.cond:
                if mine < self.k:
                    self.answered_before_k += 1
                if mine == self.k:
                    self.k_answered = True
                self.cond.notify_all()


@pytest.fixture
def fail_4th(client: IletinizClient, ileti_sandbox: Any) -> Iterator[FailKth]:
    spy = FailKth(client._http.request, ileti_sandbox.admin, k=4, in_flight=3)
    client._http.request = spy  # type: ignore[method-assign]
    yield spy


def test_a_failure_mid_way_stops_the_send_and_accounts_for_every_item(
    client: IletinizClient, ileti_sandbox: Any, state: Any, fail_4th: FailKth
) -> None:
    sent = numbers(2000)  # 10 requests; the 4th is dropped after commit while the 5th and 6th are in flight
    with pytest.raises(AmbiguousSendError) as caught:
        client.send_bulk(sent, body="Kampanya", concurrency=3)
    text = str(caught.value)
    assert "bulk send of 2000 items in 10 requests" in text
    assert "1000 items were accepted in 5 request(s) (requests 1-3, items 1-600; 5-6, items 801-1200)" in text
    assert "a request of 200 items (request 4, items 601-800: 200 numbers: 90555***0600" in text
    assert "800 items in 4 request(s) were never sent (requests 7-10, items 1201-2000)" in text
    assert "Do not resend the whole list" in text
    assert "905550000600" not in text and "Kampanya" not in text  # masked, no body
    # nothing was started after the failure: 6 requests reached the sandbox, the dropped one committed
    assert fail_4th.started == 6 and len(bulk_requests(ileti_sandbox)) == 6
    assert sorted(j["to"] for j in state.snapshot()["jobs"]) == sorted(sent[:1200])


def test_concurrency_one_stops_at_the_failure_as_the_loop_did(
    client: IletinizClient, ileti_sandbox: Any, state: Any
) -> None:
    spy = FailKth(client._http.request, ileti_sandbox.admin, k=2, in_flight=1)
    client._http.request = spy  # type: ignore[method-assign]
    with pytest.raises(AmbiguousSendError, match="200 items were accepted in 1 request") as caught:
        client.send_bulk(numbers(1000), body="x", concurrency=1)
    assert "600 items in 3 request(s) were never sent (requests 3-5, items 401-1000)" in str(caught.value)
    assert spy.started == 2 and len(state.snapshot()["jobs"]) == 400


def test_nothing_accepted_raises_the_refusal_itself(client: IletinizClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.set_iletiniz_plan(quota=100, used=0)  # every request of 200 is refused (402)
    with pytest.raises(InsufficientCreditError):
        client.send_bulk(numbers(2000), body="x", concurrency=3)
    assert 1 <= len(bulk_requests(ileti_sandbox)) <= 3  # only what was in flight with the first refusal


def test_a_429_on_one_request_is_waited_out_and_retried(
    client: IletinizClient, ileti_sandbox: Any, sleeps: list[float]
) -> None:
    ileti_sandbox.admin.add_fault(BULK, "rate_limit", retry_after=2, times=1)
    result = client.send_bulk(numbers(1000), body="x", concurrency=3)
    assert len(result.job_ids) == 1000 and sleeps == [2.0]
    assert len(bulk_requests(ileti_sandbox)) == 6  # 5 requests, one of them twice (refused before acting)


def test_an_invalid_item_anywhere_fails_before_any_request(
    client: IletinizClient, ileti_sandbox: Any
) -> None:
    items = numbers(1500)
    items[1499] = "+90212000000"  # a landline: refused
    with pytest.raises(ValidationError) as caught:
        client.send_bulk(items, body="x", concurrency=3)
    assert caught.value.field == "items[1499].to"
    with pytest.raises(ValidationError) as caught:
        client.send_bulk([*[(n, "x") for n in numbers(900)], ("+905550000001", "")], concurrency=4)
    assert caught.value.field == "items[900].body"
    assert ileti_sandbox.requests(service="iletiniz") == []


@pytest.mark.parametrize("value", [0, -1, 11, 2.5, True, "3"])
def test_a_bad_concurrency_is_refused_before_any_request(
    client: IletinizClient, ileti_sandbox: Any, api_url: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.send_bulk(numbers(3), body="x", concurrency=value)
    assert caught.value.field == "concurrency"
    with pytest.raises(ValidationError) as caught:
        IletinizClient(api_url, ILETINIZ_API_KEY, bulk_concurrency=value)
    assert caught.value.field == "bulk_concurrency"
    assert ileti_sandbox.requests(service="iletiniz") == []
