"""get_statuses reads one order per ``get-report`` (no batch read), ``status_concurrency`` at a time, sync and
async: every order once, answers in the order asked, the first error in that order raised."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient
from airflow_provider_ileti.clients.iletimerkezi.client import STATUS_CONCURRENCY
from airflow_provider_ileti.core.errors import NotFoundError, ValidationError
from airflow_provider_ileti.core.models import DeliveryPhase
from airflow_provider_ileti.sandbox import credentials
from tests.integration.iletimerkezi.conftest import PREFIX, im_requests, make_client
from tests.integration.inflight import InFlight

ORDERS = 3 * STATUS_CONCURRENCY


@pytest.fixture
def orders(xml_client, ileti_sandbox) -> list[str]:
    """Orders alternately delivered (…0001) and failed (…0009), final once the clock moved on."""
    made = [xml_client.send_sms(f"Sipariş {i}", [f"555555000{1 if i % 2 else 9}"]) for i in range(ORDERS)]
    ileti_sandbox.admin.clock(advance=30)
    # half the reports answer 50 ms late, so answers come back out of order
    ileti_sandbox.admin.add_fault(f"{PREFIX}/get-report*", "delay", delay=0.05, probability=0.5)
    return made


def expected_phases(count: int) -> list[DeliveryPhase]:
    return [DeliveryPhase.COMPLETE if i % 2 else DeliveryPhase.FAILED for i in range(count)]


def test_every_order_once_in_the_order_asked_several_at_a_time(orders, ileti_sandbox) -> None:
    client = make_client(ileti_sandbox)
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    try:
        statuses = client.get_statuses(orders)
    finally:
        client.close()
    assert [s.reference for s in statuses] == orders
    assert [s.phase for s in statuses] == expected_phases(ORDERS)
    assert len(im_requests(ileti_sandbox, "/get-report")) == ORDERS == inflight.calls
    assert inflight.most == STATUS_CONCURRENCY == client.status_concurrency


def test_concurrency_one_reads_one_after_another(orders, ileti_sandbox) -> None:
    client = make_client(ileti_sandbox, status_concurrency=1)
    inflight = InFlight()
    client._http.request = inflight.wrap(client._http.request)  # type: ignore[method-assign]
    try:
        statuses = client.get_statuses(orders)
    finally:
        client.close()
    assert [s.reference for s in statuses] == orders and inflight.most == 1
    assert len(im_requests(ileti_sandbox, "/get-report")) == ORDERS


def test_the_first_error_in_the_order_asked_is_raised(orders, ileti_sandbox) -> None:
    # the unknown order (3rd) needs a request; the malformed id (10th) fails at once: the loop's error wins
    refs = [*orders[:2], "424242", *orders[2:9], "not-an-id", *orders[9:]]
    with make_client(ileti_sandbox) as client, pytest.raises(NotFoundError):
        client.get_statuses(refs)
    with make_client(ileti_sandbox) as client, pytest.raises(ValidationError):
        client.get_statuses([*orders[:2], "not-an-id", "424242"])


@pytest.mark.parametrize("concurrency", [STATUS_CONCURRENCY, 1])
async def test_async_every_order_once_in_order(orders, ileti_sandbox, concurrency) -> None:
    aclient = AsyncIletiMerkeziStatusClient(
        ileti_sandbox.url + PREFIX,
        key=credentials.ILETIMERKEZI_KEY,
        api_hash=credentials.ILETIMERKEZI_HASH,
        status_concurrency=concurrency,
    )
    inflight = InFlight()
    aclient._http.request = inflight.awrap(aclient._http.request)  # type: ignore[method-assign]
    try:
        statuses = await aclient.get_statuses(orders)
        with pytest.raises(NotFoundError):
            await aclient.get_statuses([*orders[:2], "424242", *orders[2:9], "not-an-id"])
    finally:
        await aclient.aclose()
    assert [s.reference for s in statuses] == orders
    assert [s.phase for s in statuses] == expected_phases(ORDERS)
    assert inflight.most == concurrency == aclient.status_concurrency
    assert len(im_requests(ileti_sandbox, "/get-report")) >= ORDERS + 3


def test_status_concurrency_is_checked(ileti_sandbox) -> None:
    for bad in (0, 11, 2.5, True, "8"):
        with pytest.raises(ValidationError, match="status_concurrency"):
            make_client(ileti_sandbox, status_concurrency=bad)
