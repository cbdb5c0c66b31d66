"""At most once: a send that may have reached the service is never retried; one that surely did not is."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from airflow_provider_ileti.core.errors import AmbiguousSendError, DuplicateError, TransientError
from airflow_provider_ileti.sandbox import credentials
from airflow_provider_ileti.sandbox.server import free_port
from tests.integration.iletimerkezi.conftest import PREFIX, im_requests, make_client

SEND = PREFIX + "/send-sms"


def test_dropped_after_commit_is_ambiguous_and_not_retried(xml_client, ileti_sandbox):
    ileti_sandbox.admin.add_fault(SEND, "drop_after_commit", times=1)
    with pytest.raises(AmbiguousSendError) as info:
        xml_client.send_sms("Kodunuz 123456", ["0555 555 00 01", "0555 555 00 02"])
    message = str(info.value)
    assert len(im_requests(ileti_sandbox, "/send-sms")) == 1  # never sent twice
    assert len(ileti_sandbox.admin.state("iletimerkezi")["orders"]) == 1  # and it did go out
    assert "1 message(s) to 2 recipient(s)" in message and "sender APITEST" in message
    assert "<text: 14 chars>" in message
    assert "123456" not in message and "5555550001" not in message  # no body, no full number
    assert credentials.ILETIMERKEZI_HASH not in message and "90555***0001" in message
    assert not info.value.retryable


def test_server_error_on_send_is_ambiguous(xml_client, ileti_sandbox):
    ileti_sandbox.admin.add_fault(SEND, "status", status=500, times=1)
    with pytest.raises(AmbiguousSendError, match="HTTP 500"):
        xml_client.send_sms("Merhaba", ["5555550001"])
    assert len(im_requests(ileti_sandbox, "/send-sms")) == 1


def test_read_timeout_on_send_is_ambiguous(ileti_sandbox):
    """The body went out, then no answer within the timeout: not repeated, ambiguous, within the deadline."""
    client = make_client(ileti_sandbox, timeout=0.3)
    ileti_sandbox.admin.add_fault(SEND, "delay", delay=1.0, times=1)
    started = time.monotonic()
    with pytest.raises(AmbiguousSendError, match="0.3s timeout") as info:
        client.send_sms("Merhaba", ["5555550001"])
    assert time.monotonic() - started < 0.3 + 2
    assert "may have reached İleti Merkezi" in str(info.value) and "90555***0001" in str(info.value)
    assert len(im_requests(ileti_sandbox, "/send-sms")) == 1
    # The delayed handler still runs and the order goes out: the error was right to say "may have gone
    # out". Wait for it here, or it would land in the state of whichever test runs next.
    deadline = time.monotonic() + 5
    while not ileti_sandbox.admin.state("iletimerkezi")["orders"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(ileti_sandbox.admin.state("iletimerkezi")["orders"]) == 1


def test_maintenance_503_before_acceptance_is_retried(xml_client, ileti_sandbox):
    ileti_sandbox.admin.add_fault(SEND, "maintenance", times=2)
    order_id = xml_client.send_sms("Merhaba", ["5555550001"])
    assert order_id.isdigit()
    assert [e["status"] for e in im_requests(ileti_sandbox, "/send-sms")] == [503, 503, 200]
    assert len(ileti_sandbox.admin.state("iletimerkezi")["orders"]) == 1


def test_rate_limit_is_retried_honouring_retry_after(ileti_sandbox):
    waits: list[float] = []
    client = make_client(ileti_sandbox, sleep=waits.append)
    ileti_sandbox.admin.add_fault(SEND, "rate_limit", retry_after=7, times=1)
    assert client.send_sms("Merhaba", ["5555550001"]).isdigit()
    assert waits == [7.0]


@pytest.mark.parametrize("operation", ["send", "read"])
def test_retry_after_longer_than_the_cap_fails_at_once(ileti_sandbox, operation):
    """Retry-After: 120 is more than the policy's cap: no wait, no second request, left to Airflow."""
    from airflow_provider_ileti.clients.http.retry import MAX_RETRY_AFTER_SECONDS

    waits: list[float] = []
    client = make_client(ileti_sandbox, sleep=waits.append)
    path = SEND if operation == "send" else PREFIX + "/get-balance"
    ileti_sandbox.admin.add_fault(path, "rate_limit", retry_after=120, times=1)
    with pytest.raises(TransientError, match="120s") as info:
        if operation == "send":
            client.send_sms("Merhaba", ["5555550001"])
        else:
            client.get_balance()
    assert MAX_RETRY_AFTER_SECONDS < 120
    assert info.value.retry_after == 120 and info.value.code == "429"
    assert info.value.maybe_processed is False  # refused before acting: Airflow's retry may send it
    assert "task's retries" in str(info.value)
    assert waits == []
    assert [e["status"] for e in im_requests(ileti_sandbox, path.removeprefix(PREFIX))] == [429]
    assert ileti_sandbox.admin.state("iletimerkezi")["orders"] == []


def test_retry_after_at_the_cap_is_waited_in_full(ileti_sandbox):
    waits: list[float] = []
    client = make_client(ileti_sandbox, sleep=waits.append)
    ileti_sandbox.admin.add_fault(SEND, "rate_limit", retry_after=60, times=1)
    assert client.send_sms("Merhaba", ["5555550001"]).isdigit()
    assert waits == [60.0]
    assert [e["status"] for e in im_requests(ileti_sandbox, "/send-sms")] == [429, 200]


def test_connection_refused_is_retried_then_transient():
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient

    waits: list[float] = []
    client = IletiMerkeziClient(
        f"http://127.0.0.1:{free_port()}/v1",
        key="k",
        api_hash="h",
        default_sender="APITEST",
        retries=2,
        sleep=waits.append,
    )
    with pytest.raises(TransientError, match="could not connect.*nothing was sent") as info:
        client.send_sms("Merhaba", ["5555550001"])
    assert info.value.maybe_processed is False
    assert len(waits) == 2  # surely not sent: safe to try again


def test_maintenance_that_lasts_surfaces_as_transient(xml_client, ileti_sandbox):
    ileti_sandbox.admin.add_fault(SEND, "maintenance")
    with pytest.raises(TransientError, match="maintenance"):
        xml_client.send_sms("Merhaba", ["5555550001"])
    assert len(im_requests(ileti_sandbox, "/send-sms")) == xml_client.retries + 1
    assert ileti_sandbox.admin.state("iletimerkezi")["orders"] == []


def test_reads_are_retried_on_5xx(xml_client, ileti_sandbox):
    ileti_sandbox.admin.add_fault(PREFIX + "/get-balance", "status", status=502, times=2)
    assert xml_client.get_balance().credits is not None
    assert len(im_requests(ileti_sandbox, "/get-balance")) == 3


def test_451_same_text_to_same_numbers_within_10_minutes(client, ileti_sandbox):
    client.send_sms("Aynı metin", ["5555550001", "5555550002"])
    with pytest.raises(DuplicateError) as info:
        client.send_sms("Aynı metin", ["5555550002", "0555 555 00 01"])  # same set of numbers
    assert info.value.code == "451" and info.value.http_status == 451
    assert "within 10 minutes" in str(info.value) and "may already have sent it" in str(info.value)
    assert len(ileti_sandbox.admin.state("iletimerkezi")["orders"]) == 1
    path = "/send-sms/json" if client.format == "json" else "/send-sms"
    assert len(im_requests(ileti_sandbox, path)) == 2  # a duplicate is never retried
    client.send_sms("Aynı metin!", ["5555550001", "5555550002"])  # a different text goes
    client.send_sms("Aynı metin", ["5555550001"])  # to different numbers too
    ileti_sandbox.admin.clock(advance=601)
    client.send_sms("Aynı metin", ["5555550001", "5555550002"])  # and after 10 minutes
    assert len(ileti_sandbox.admin.state("iletimerkezi")["orders"]) == 4


def test_ambiguous_then_retry_by_a_person_is_refused_by_451(xml_client, ileti_sandbox):
    """Why we never retry: the service's only guard is 451 for 10 minutes, and it refuses, not resolves."""
    ileti_sandbox.admin.add_fault(SEND, "drop_after_commit", times=1)
    with pytest.raises(AmbiguousSendError):
        xml_client.send_sms("Kampanya", ["5555550001"], send_at=dt.datetime.now(dt.UTC))
    with pytest.raises(DuplicateError):
        xml_client.send_sms("Kampanya", ["5555550001"])
    assert len(ileti_sandbox.admin.state("iletimerkezi")["orders"]) == 1


def test_dropped_before_the_handler_is_still_ambiguous_for_a_send(xml_client, ileti_sandbox):
    """The client cannot tell a drop before the handler from one after it: it must not guess."""
    ileti_sandbox.admin.add_fault(SEND, "drop", times=1)
    with pytest.raises(AmbiguousSendError):
        xml_client.send_sms("Merhaba", ["5555550001"])
    assert len(im_requests(ileti_sandbox, "/send-sms")) == 1


def test_dropped_read_is_retried(xml_client, ileti_sandbox):
    ileti_sandbox.admin.add_fault(PREFIX + "/get-sender", "drop", times=1)
    assert "APITEST" in xml_client.list_senders()
    assert len(im_requests(ileti_sandbox, "/get-sender")) == 2
