"""Transient failures, and a send that may have gone out: retried only when it surely did not."""

from __future__ import annotations

import time
from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.core.errors import AmbiguousSendError, ServiceError, TransientError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.server import free_port

SUBMIT = "/wisecp/api/sms/submit"
GB = "+44 7400 123456"


def _reports(ileti_sandbox: Any) -> list[dict[str, Any]]:
    return list(ileti_sandbox.admin.state("wisecp")["reports"])


def test_a_send_dropped_after_commit_is_ambiguous_and_not_repeated(
    client: WisecpClient, ileti_sandbox: Any
) -> None:
    ileti_sandbox.admin.add_fault(SUBMIT, "drop_after_commit")
    with pytest.raises(AmbiguousSendError) as info:
        client.send(SendBatch(messages=(SmsMessage("Doğrulama kodunuz 482913", (GB,)),)))
    assert len(ileti_sandbox.requests(path=SUBMIT)) == 1  # never sent twice
    assert len(_reports(ileti_sandbox)) == 1  # ... and it did go out
    message = str(info.value)
    assert "44740***3456" in message  # names what may have gone out, masked
    assert "447400123456" not in message
    assert "482913" not in message  # never the body
    assert WISECP_TOKEN not in message


def test_a_send_dropped_before_the_panel_answers_is_also_ambiguous(
    client: WisecpClient, ileti_sandbox: Any
) -> None:
    # The client cannot tell a drop before the handler from one after it: both may have gone out.
    ileti_sandbox.admin.add_fault(SUBMIT, "drop")
    with pytest.raises(AmbiguousSendError):
        client.submit([GB], "hi")
    assert len(ileti_sandbox.requests(path=SUBMIT)) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_5xx_on_submit_is_ambiguous(status: int, client: WisecpClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.add_fault(SUBMIT, "status", status=status)
    with pytest.raises(AmbiguousSendError) as info:
        client.submit([GB], "hi")
    assert info.value.http_status == status
    assert len(ileti_sandbox.requests(path=SUBMIT)) == 1


def test_a_timeout_on_submit_is_ambiguous(api_url: str, ileti_sandbox: Any) -> None:
    """The body went out, then no answer within the timeout: not repeated, ambiguous, within the deadline."""
    client = WisecpClient(api_url, WISECP_TOKEN, default_sender="ILETI", timeout=0.3, sleep=lambda s: None)
    ileti_sandbox.admin.add_fault(SUBMIT, "delay", delay=1.0)
    started = time.monotonic()
    with pytest.raises(AmbiguousSendError, match="0.3s timeout") as info:
        client.submit([GB], "hi")
    assert time.monotonic() - started < 0.3 + 2
    assert "44740***3456" in str(info.value) and WISECP_TOKEN not in str(info.value)
    assert len(ileti_sandbox.requests(path=SUBMIT)) == 1


def test_maintenance_on_submit_is_retried_because_nothing_was_accepted(
    client: WisecpClient, ileti_sandbox: Any, sleeps: list[float]
) -> None:
    ileti_sandbox.admin.add_fault(SUBMIT, "maintenance", times=1)
    report_id = client.submit([GB], "hi")
    entries = ileti_sandbox.requests(path=SUBMIT)
    assert [e["status"] for e in entries] == [503, 200]
    assert [r["report_id"] for r in _reports(ileti_sandbox)] == [int(report_id)]
    assert len(sleeps) == 1


def test_429_on_submit_is_retried_after_retry_after(
    client: WisecpClient, ileti_sandbox: Any, sleeps: list[float]
) -> None:
    ileti_sandbox.admin.add_fault(SUBMIT, "rate_limit", retry_after=3, times=2)
    client.submit([GB], "hi")
    assert sleeps == [3.0, 3.0]
    assert len(_reports(ileti_sandbox)) == 1


def test_maintenance_that_lasts_surfaces_as_transient_naming_it(
    client: WisecpClient, ileti_sandbox: Any, sleeps: list[float]
) -> None:
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/balance", "maintenance")
    with pytest.raises(TransientError, match="maintenance"):
        client.balance()
    assert len(ileti_sandbox.requests(path="/wisecp/api/sms/balance")) == client.retries + 1
    assert len(sleeps) == client.retries


def test_reads_are_retried_on_5xx_with_growing_backoff(
    client: WisecpClient, ileti_sandbox: Any, sleeps: list[float]
) -> None:
    from airflow_provider_ileti.clients.http.retry import BACKOFF_INITIAL_SECONDS as FIRST

    report_id = client.submit([GB], "hi")
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/report", "status", status=502, times=2)
    assert client.report(report_id).total == 1
    # the shared policy's backoff: doubling, with jitter (half to all of each step)
    assert len(sleeps) == 2
    assert FIRST / 2 <= sleeps[0] <= FIRST and FIRST <= sleeps[1] <= FIRST * 2


def test_reads_are_retried_when_the_connection_drops(client: WisecpClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/prices", "drop", times=1)
    assert client.get_prices()["DE"] == 0.1234
    assert len(ileti_sandbox.requests(path="/wisecp/api/sms/prices")) == 2


def test_connection_refused_means_nothing_was_sent(sleeps: list[float]) -> None:
    client = WisecpClient(
        f"http://127.0.0.1:{free_port()}/wisecp/api/sms", WISECP_TOKEN, default_sender="ILETI", sleep=sleeps
    )
    with pytest.raises(TransientError, match="nothing was sent") as info:
        client.submit([GB], "hi")
    assert info.value.maybe_processed is False
    assert len(sleeps) == client.retries  # safe to retry: it never connected


def test_a_later_submit_failing_names_what_already_went_out(client: WisecpClient, ileti_sandbox: Any) -> None:
    batch = SendBatch(messages=(SmsMessage("A", (GB,)), SmsMessage("B", ("+53 5 3123456",))))
    with pytest.raises(AmbiguousSendError, match=r"partly sent: report\(s\) 1001 went out"):
        client.send(batch)  # the panel has no price for Cuba: B is refused after A went out
    assert len(_reports(ileti_sandbox)) == 1


def test_a_wrong_api_url_says_so(ileti_sandbox: Any) -> None:
    bad = WisecpClient(ileti_sandbox.url + "/wisecp/nope", WISECP_TOKEN, retries=0)
    with pytest.raises(ServiceError, match="HTTP 404"):
        bad.balance()
