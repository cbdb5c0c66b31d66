"""The sandbox's own machinery: journal with redaction, faults, admin API, clock."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
import requests


def test_admin_requests_are_recorded_with_secrets_redacted(ileti_sandbox):
    requests.post(f"{ileti_sandbox.url}/wisecp/unknown", json={"user_token": "s3cret", "n": 1}, timeout=5)
    entries = ileti_sandbox.admin.requests(service="wisecp")
    assert entries and entries[-1]["body"] == {"user_token": "***", "n": 1}
    assert "s3cret" not in str(entries)


def test_reset_clears_journal_and_faults(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/x", "status", status=500)
    requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=5)
    ileti_sandbox.admin.reset()
    assert ileti_sandbox.admin.requests() == []
    assert requests.get(f"{ileti_sandbox.url}/_admin/faults", timeout=5).json()["faults"] == []


def test_fault_status_fires_the_given_number_of_times(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/*", "status", status=502, times=1)
    body = {"user_token": "sandbox-token"}
    first = requests.post(f"{ileti_sandbox.url}/wisecp/api/sms/balance", json=body, timeout=5)
    second = requests.post(f"{ileti_sandbox.url}/wisecp/api/sms/balance", json=body, timeout=5)
    assert first.status_code == 502 and first.json()["error"] == "injected"
    # the fault is spent: the service itself answers, with the balance
    assert second.status_code == 200 and second.json()["status"] == "successful"
    assert [e["fault"] for e in ileti_sandbox.admin.requests(service="wisecp")] == ["status", None]


def test_fault_rate_limit_sends_retry_after(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/x", "rate_limit", retry_after=7)
    resp = requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=5)
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "7"


@pytest.mark.parametrize(("retry_after", "header"), [(0.2, "1"), (0, "1"), (1.5, "2"), (None, "1"), (3, "3")])
def test_fault_rate_limit_rounds_retry_after_up_to_whole_seconds(ileti_sandbox, retry_after, header):
    ileti_sandbox.admin.add_fault("/wisecp/x", "rate_limit", retry_after=retry_after)
    resp = requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=5)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == header


def test_fault_drop_closes_without_answer(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/x", "drop")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=5)
    assert ileti_sandbox.admin.requests(path="/wisecp/x")[0]["fault"] == "drop"


def test_fault_delay_holds_the_answer(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/api/sms/balance", "delay", delay=0.5, times=2)
    url = f"{ileti_sandbox.url}/wisecp/api/sms/balance"
    with pytest.raises(requests.Timeout):
        requests.post(url, json={"user_token": "sandbox-token"}, timeout=0.2)
    started = time.monotonic()
    resp = requests.post(url, json={"user_token": "sandbox-token"}, timeout=5)
    waited = time.monotonic() - started
    # the answer does come, from the service itself, once the delay has passed
    assert resp.status_code == 200 and resp.json()["status"] == "successful"
    assert 0.45 <= waited < 3


def test_a_request_held_across_a_reset_changes_nothing(ileti_sandbox):
    """A delayed send whose client gave up must not land in the state of whatever runs after the reset."""
    ileti_sandbox.admin.add_fault("/node/sms/create", "delay", delay=0.6, times=1)
    url, auth = f"{ileti_sandbox.url}/node/sms/create", ("sandbox", "sandbox-password")
    body = {"type": 1, "sendingType": 0, "number": "905551234560", "sender": "SANDBOX", "title": "t"}
    body["content"], body["encoding"] = "held", 0
    with pytest.raises(requests.Timeout):
        requests.post(url, json=body, auth=auth, timeout=0.2)
    ileti_sandbox.reset()
    time.sleep(1.0)  # the held request wakes up after the reset
    assert ileti_sandbox.admin.state("node")["packages"] == []
    # and the sandbox still serves new requests normally
    ok = requests.post(url, json=body, auth=auth, timeout=5)
    assert ok.json()["err"] is None and len(ileti_sandbox.admin.state("node")["packages"]) == 1


def test_bad_fault_is_refused(ileti_sandbox):
    fault = {"path": "/x", "mode": "explode"}
    resp = requests.post(f"{ileti_sandbox.url}/_admin/faults", json=fault, timeout=5)
    assert resp.status_code == 400
    assert "explode" in resp.json()["message"]


def test_clock_speed_and_advance(ileti_sandbox):
    before = datetime.fromisoformat(ileti_sandbox.admin.clock(speed=1)["now"])
    after = ileti_sandbox.admin.clock(speed=2, advance=3600)
    assert after["speed"] == 2
    moved = (datetime.fromisoformat(after["now"]) - before).total_seconds()
    assert 3600 <= moved < 3600 + 30  # the hour advanced, plus the few real seconds at 1x/2x


def test_bad_clock_payload_is_refused_before_anything_changes(ileti_sandbox):
    before = ileti_sandbox.admin.clock()
    for body, word in (({"speed": 0}, "speed"), ({"advance": "soon"}, "advance"), ({"rate": 2}, "rate")):
        resp = requests.post(f"{ileti_sandbox.url}/_admin/clock", json=body, timeout=5)
        assert resp.status_code == 400 and word in resp.json()["message"]
    assert ileti_sandbox.admin.clock()["speed"] == before["speed"]


@pytest.mark.parametrize(
    ("fault", "word"),
    [
        ({"path": "/x", "mode": "status", "status": 99}, "status"),
        ({"path": "/x", "mode": "rate_limit", "retry_after": -1}, "retry_after"),
        ({"path": "/x", "mode": "delay", "delay": "long"}, "delay"),
        ({"path": "/x", "mode": "status", "times": -2}, "times"),
        ({"path": "x", "mode": "status"}, "path"),
        ({"path": "/x", "mode": "status", "colour": "red"}, "colour"),
        ({"path": "/node/sms/create", "mode": "service_error"}, "code"),
        ({"path": "/node/sms/create", "mode": "service_error", "code": "SMS77"}, "SMS77"),
        ({"path": "/iletimerkezi/v1/send-sms", "mode": "service_error", "code": "E455"}, "E455"),
    ],
)
def test_bad_fault_fields_are_named(ileti_sandbox, fault, word):
    resp = requests.post(f"{ileti_sandbox.url}/_admin/faults", json=fault, timeout=5)
    assert resp.status_code == 400 and word in resp.json()["message"]
    assert (
        ileti_sandbox.admin.requests() == []
        and requests.get(f"{ileti_sandbox.url}/_admin/faults", timeout=5).json()["faults"] == []
    )
