"""The sandbox's own machinery: journal with redaction, faults, admin API, clock."""

from __future__ import annotations

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
    ileti_sandbox.admin.add_fault("/wisecp/*", "status", status=502, times=1)
    first = requests.get(f"{ileti_sandbox.url}/wisecp/anything", timeout=5)
    second = requests.get(f"{ileti_sandbox.url}/wisecp/anything", timeout=5)
    assert first.status_code == 502
    assert second.status_code != 502


def test_fault_rate_limit_sends_retry_after(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/x", "rate_limit", retry_after=7)
    resp = requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=5)
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "7"


def test_fault_drop_closes_without_answer(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/x", "drop")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=5)
    assert ileti_sandbox.admin.requests(path="/wisecp/x")[0]["fault"] == "drop"


def test_fault_delay_holds_the_answer(ileti_sandbox):
    ileti_sandbox.admin.add_fault("/wisecp/x", "delay", delay=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(f"{ileti_sandbox.url}/wisecp/x", timeout=0.2)


def test_bad_fault_is_refused(ileti_sandbox):
    fault = {"path": "/x", "mode": "explode"}
    resp = requests.post(f"{ileti_sandbox.url}/_admin/faults", json=fault, timeout=5)
    assert resp.status_code == 400
    assert "explode" in resp.json()["message"]


def test_clock_speed_and_advance(ileti_sandbox):
    before = ileti_sandbox.admin.clock()["now"]
    after = ileti_sandbox.admin.clock(speed=2, advance=3600)
    assert after["speed"] == 2
    assert after["now"] > before
