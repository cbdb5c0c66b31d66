"""At most once: a send that may have reached İletiniz is never repeated; reads are retried; errors mapped."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    AuthenticationError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY


def test_drop_after_commit_is_ambiguous_and_not_retried(
    client: IletinizClient, ileti_sandbox: Any, state: Any
) -> None:
    ileti_sandbox.admin.add_fault("/iletiniz/v1/messages", "drop_after_commit", times=1)
    with pytest.raises(AmbiguousSendError) as exc:
        client.send_message("+905551234567", "tek sefer")
    assert len(ileti_sandbox.requests(service="iletiniz", path="/v1/messages")) == 1
    assert len(state.snapshot()["jobs"]) == 1  # it did go out, once
    assert "90555***4567" in str(exc.value) and "tek sefer" not in str(exc.value)


def test_bulk_5xx_is_ambiguous(client: IletinizClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.add_fault("/iletiniz/v1/messages/bulk", "status", status=502, times=1)
    with pytest.raises(AmbiguousSendError, match="HTTP 502"):
        client.send(SendBatch(messages=(SmsMessage("x", ("+905551234567",)),)))
    assert len(ileti_sandbox.requests(service="iletiniz", path="/v1/messages/bulk")) == 1


def test_second_bulk_request_failing_names_what_went_out(client: IletinizClient, ileti_sandbox: Any) -> None:
    nums = [f"+90555{i:07d}" for i in range(250)]
    # the first request succeeds, the second is dropped after commit
    calls = {"n": 0}
    original = client._bulk_request

    def second_drops(batch: Any, options: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            ileti_sandbox.admin.add_fault("/iletiniz/v1/messages/bulk", "drop_after_commit", times=1)
        return original(batch, options)

    client._bulk_request = second_drops  # type: ignore[method-assign]
    # one request after another, so the fault is armed between the two (with requests in flight it could
    # meet the first one; the concurrent account is tested in test_bulk_concurrency.py)
    with pytest.raises(AmbiguousSendError, match="200 items were accepted in 1 request"):
        client.send_bulk(nums, body="x", concurrency=1)


def test_429_on_a_send_is_retried_with_retry_after(
    client: IletinizClient, ileti_sandbox: Any, sleeps: Any
) -> None:
    ileti_sandbox.admin.add_fault("/iletiniz/v1/messages", "rate_limit", retry_after=7, times=1)
    assert client.send_message("+905551234567", "x").job_id
    assert sleeps == [7.0]
    assert len(ileti_sandbox.requests(service="iletiniz", path="/v1/messages")) == 2


def test_maintenance_on_a_send_is_retried(client: IletinizClient, ileti_sandbox: Any, state: Any) -> None:
    ileti_sandbox.admin.add_fault("/iletiniz/v1/messages", "maintenance", times=1)
    assert client.send_message("+905551234567", "x").job_id and len(state.snapshot()["jobs"]) == 1


def test_drop_before_the_handler_on_a_send_is_ambiguous(client: IletinizClient, ileti_sandbox: Any) -> None:
    # the client cannot tell a drop before from a drop after the commit: it must not resend
    ileti_sandbox.admin.add_fault("/iletiniz/v1/messages", "drop", times=1)
    with pytest.raises(AmbiguousSendError):
        client.send_message("+905551234567", "x")


def test_reads_are_retried(client: IletinizClient, ileti_sandbox: Any, sleeps: Any) -> None:
    ileti_sandbox.admin.add_fault("/iletiniz/v1/account", "status", status=503, times=1)
    ileti_sandbox.admin.add_fault("/iletiniz/v1/senders", "drop", times=1)
    assert client.get_account().remaining_quota > 0
    assert client.list_senders()
    assert len(sleeps) == 2


def test_reads_give_up_as_transient(client: IletinizClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.add_fault("/iletiniz/v1/health", "rate_limit", retry_after=1)
    with pytest.raises(TransientError) as exc:
        client.health()
    assert exc.value.http_status == 429 and exc.value.retry_after == 1.0


def test_wrong_key_is_401(api_url: str) -> None:
    bad = IletinizClient(api_url, "iltz_test_nope", retries=0)
    with pytest.raises(AuthenticationError) as exc:
        bad.get_account()
    assert exc.value.http_status == 401 and "iltz_test_nope" not in str(exc.value)


def test_connection_refused_on_a_send_is_transient_and_safe() -> None:
    c = IletinizClient("http://127.0.0.1:9", ILETINIZ_API_KEY, retries=1, sleep=lambda s: None)
    with pytest.raises(TransientError, match="nothing was sent"):
        c.send_message("+905551234567", "x")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": "12", "body": "x"}, "to"),
        ({"to": "+905551234567", "body": ""}, "body"),
        ({"to": "+905551234567", "body": "x" * 1601}, "body"),
        ({"to": "+905551234567", "body": "x", "template": "otp"}, "body"),
        ({"to": "+905551234567", "body": "x", "variables": {"a": 1}}, "variables"),
        ({"to": "+905551234567", "body": "x", "iys": "yes"}, "iys"),
        ({"to": "+905551234567", "body": "x", "sender": "  "}, "sender"),
        ({"to": "+905551234567", "body": "x", "sender": "S" * 33}, "sender"),
        ({"to": "+905551234567", "body": "x", "provider": " "}, "provider"),
        ({"to": "+905551234567", "template": " "}, "template"),
    ],
)
def test_validation_before_any_request(
    client: IletinizClient, ileti_sandbox: Any, kwargs: Any, field: str
) -> None:
    to = kwargs.pop("to")
    body = kwargs.pop("body", None)
    with pytest.raises(ValidationError) as exc:
        client.send_message(to, body, **kwargs)
    assert exc.value.field == field
    assert ileti_sandbox.requests(service="iletiniz") == []


def test_bulk_validates_every_item_first(client: IletinizClient, ileti_sandbox: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        client.send_bulk([f"+90555{i:07d}" for i in range(300)] + ["bad"], body="x")
    assert exc.value.field == "items[300].to"
    with pytest.raises(ValidationError):
        client.send_bulk([], body="x")
    with pytest.raises(ValidationError):
        client.send(SendBatch(messages=(SmsMessage("x", tuple(f"+90555{i:07d}" for i in range(201))),)))
    assert ileti_sandbox.requests(service="iletiniz") == []


@pytest.mark.parametrize("key", ["", "sk_live_x", "iltz_prod_x", "iltz_test_", "iltz_live_a b"])
def test_key_format_is_checked_and_never_shown(key: str) -> None:
    with pytest.raises(ValidationError) as exc:
        IletinizClient("http://x", key)
    assert exc.value.field == "api_key" and (not key or key not in str(exc.value))


def test_secrets_never_in_repr_or_logs(client: IletinizClient, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    client.send_bulk(["+905551234567"], body="gizli metin")
    assert ILETINIZ_API_KEY not in repr(client) and ILETINIZ_API_KEY not in caplog.text
    assert "gizli metin" not in caplog.text and "905551234567" not in caplog.text
