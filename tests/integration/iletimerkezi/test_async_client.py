"""The trigger's async status client: one report request per order, concurrently."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient
from airflow_provider_ileti.core.errors import AuthenticationError, NotFoundError
from airflow_provider_ileti.core.models import DeliveryPhase
from airflow_provider_ileti.core.protocol import AsyncStatusClient
from airflow_provider_ileti.sandbox import credentials
from tests.integration.iletimerkezi.conftest import PREFIX, im_requests


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_statuses_of_many_orders(fmt, client, ileti_sandbox):
    done = client.send_sms("Bir", ["5555550001"])
    failed = client.send_sms("İki", ["5555550009"])
    later = client.send_sms("Üç", ["5555550001"], send_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    ileti_sandbox.admin.clock(advance=30)
    aclient = AsyncIletiMerkeziStatusClient(
        ileti_sandbox.url + PREFIX,
        key=credentials.ILETIMERKEZI_KEY,
        api_secret=credentials.ILETIMERKEZI_SECRET,
        format=fmt,
    )
    assert isinstance(aclient, AsyncStatusClient)
    try:
        statuses = await aclient.get_statuses([done, failed, later])
    finally:
        await aclient.aclose()
    assert [s.phase for s in statuses] == [
        DeliveryPhase.COMPLETE,
        DeliveryPhase.FAILED,
        DeliveryPhase.SCHEDULED,
    ]
    assert statuses[0].delivered == 1 and statuses[1].undelivered == 1
    path = "/get-report/json" if fmt == "json" else "/get-report"
    assert len(im_requests(ileti_sandbox, path)) == 3
    assert credentials.ILETIMERKEZI_SECRET not in repr(aclient)


async def test_errors(ileti_sandbox):
    aclient = AsyncIletiMerkeziStatusClient(
        ileti_sandbox.url + PREFIX, key=credentials.ILETIMERKEZI_KEY, api_hash="bad"
    )
    with pytest.raises(AuthenticationError):
        await aclient.get_statuses(["1"])
    await aclient.aclose()
    aclient = AsyncIletiMerkeziStatusClient(
        ileti_sandbox.url + PREFIX, key=credentials.ILETIMERKEZI_KEY, api_hash=credentials.ILETIMERKEZI_HASH
    )
    with pytest.raises(NotFoundError):
        await aclient.get_statuses(["424242"])
    await aclient.aclose()
