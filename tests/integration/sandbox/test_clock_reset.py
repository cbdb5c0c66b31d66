"""Reset brings the virtual clock back to real now, so one test's advance() cannot leak into the next."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from airflow_provider_ileti.sandbox.clock import Clock


def _ahead(now: datetime) -> float:
    return (now - datetime.now(UTC)).total_seconds()


def test_clock_reset_returns_to_real_now_and_keeps_the_speed():
    clock = Clock(speed=60)
    clock.advance(86400)
    time.sleep(0.1)
    assert _ahead(clock.now()) > 86400
    clock.reset()
    assert abs(_ahead(clock.now())) < 1
    assert clock.speed == 60
    time.sleep(0.2)
    assert 6 <= _ahead(clock.now()) < 20  # still 60x after the reset


def test_handle_reset_undoes_an_advance(ileti_sandbox):
    ileti_sandbox.advance(86400)
    assert _ahead(ileti_sandbox.now()) >= 86400
    ileti_sandbox.reset()
    assert abs(_ahead(ileti_sandbox.now())) < 5
    assert ileti_sandbox.sandbox.clock.speed == 60


def test_admin_reset_over_http_undoes_an_advance(ileti_sandbox):
    ileti_sandbox.admin.clock(advance=3 * 86400)
    assert _ahead(ileti_sandbox.admin.now()) >= 3 * 86400
    ileti_sandbox.admin.reset()
    now = ileti_sandbox.admin.now()
    assert abs(_ahead(now)) < 5
    assert abs((now - ileti_sandbox.now()).total_seconds()) < 5  # the handle sees the same virtual now


def test_a_send_after_reset_is_not_judged_on_yesterdays_clock(ileti_sandbox):
    """A Node send scheduled in 30 virtual minutes is valid after a reset even if the last test moved the
    clock two days ahead (the order-dependent SMS08 the audit found)."""
    import requests

    from airflow_provider_ileti.sandbox.services.node.validation import ZONE

    ileti_sandbox.advance(2 * 86400)
    ileti_sandbox.reset()
    ileti_sandbox.admin.clock(speed=1)
    at = (datetime.now(UTC).astimezone(ZONE).replace(second=0, microsecond=0)).timestamp() + 30 * 60
    sending_date = datetime.fromtimestamp(at, ZONE).strftime("%Y-%m-%d %H:%M")
    body = {
        "type": 1,
        "sendingType": 0,
        "number": "905551234560",
        "sender": "SANDBOX",
        "title": "t",
        "content": "hello",
        "encoding": 0,
        "sendingDate": sending_date,
    }
    resp = requests.post(
        f"{ileti_sandbox.url}/node/sms/create", json=body, auth=("sandbox", "sandbox-password"), timeout=5
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["err"] is None
