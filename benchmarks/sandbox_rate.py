"""Requests per second the sandbox sustains per service, measured from a separate client process.

The sandbox runs in its own process (``python -m airflow_provider_ileti.sandbox.cli --port 0``: it binds a
free loopback port and prints it, so there is no port race); its account limits are raised over the admin
API (``POST /_admin/state/{service}``: Node credit, İletiniz quota, WISECP balance), exactly as a user's
script in another process would. This process drives it with a few threads, each with its own keep-alive
session, for a bounded number of requests and a bounded time per scenario:

- Node REST ``/node/sms/create``: one-text-to-many packages of 1000 numbers (the chunk size a big send uses),
- Node REST ``/node/sms/list``: the first page (10 packages, with statistics) after the creates,
- Node REST ``/node/user/credit``: the cheapest authenticated call (the floor the framework itself sets),
- Node SOAP ``sendSms``: the same 1000-number package as a SOAP envelope,
- İleti Merkezi XML ``/send-sms``: an order of 100 numbers (a new set each time, so no 451 duplicate),
- İletiniz ``POST /v1/messages``: one message to one number (its API sends one per call, or 200 in bulk),
- WISECP ``submit``: 100 numbers in one submit.

A request counts as an error unless the service answered it as a success in its own envelope.

    .venv/bin/python benchmarks/sandbox_rate.py [--threads 4] [--seconds 10] [--only node-soap ...]
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

HOST = "127.0.0.1"
# sandbox/credentials.py: these open nothing but the sandbox
NODE_AUTH = ("sandbox", "sandbox-password")
ILETIMERKEZI_KEY = "sandbox-key"
ILETINIZ_KEY = "iltz_test_sandbox0key"
WISECP_TOKEN = "sandbox-token"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TEXT = "Kampanya: bu hafta tum urunlerde indirim"

Call = Callable[[requests.Session, int], requests.Response]
Check = Callable[[requests.Response], bool]


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    limit: int  # most requests in the scenario
    recipients: int  # per request, for the recipients/s line


SCENARIOS = [
    Scenario("node-create", "Node REST /sms/create (1000 numbers)", 600, 1000),
    Scenario("node-list", "Node REST /sms/list (page of 10)", 5000, 0),
    Scenario("node-credit", "Node REST /user/credit", 10000, 0),
    Scenario("node-soap", "Node SOAP sendSms (1000 numbers)", 600, 1000),
    Scenario("iletimerkezi", "İleti Merkezi XML send-sms (100 numbers)", 900, 100),
    Scenario("iletiniz", "İletiniz POST /v1/messages (1 number)", 5000, 1),
    Scenario("wisecp", "WISECP submit (100 numbers)", 2000, 100),
]


def _start_sandbox() -> tuple[subprocess.Popen[str], str]:
    """The sandbox CLI on port 0; its URL read from the banner it prints once it is listening."""
    cmd = [sys.executable, "-m", "airflow_provider_ileti.sandbox.cli", "--host", HOST, "--port", "0"]
    cmd += ["--speed", "60", "--journal-size", "1000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    found = re.search(r"on (http://\S+) ", first)
    if found is None:
        proc.kill()
        raise RuntimeError(f"the sandbox did not start: {first!r}")
    # keep reading its stdout so a full pipe never blocks it
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, found.group(1)


def _raise_limits(base: str) -> None:
    from airflow_provider_ileti.sandbox.admin_client import SandboxAdmin

    admin = SandboxAdmin(base)
    admin.set_node_credit(10**10)
    admin.set_iletiniz_plan(quota=10**9, used=0)
    admin.set_wisecp_balance(10**9)


def _numbers(n: int, count: int, prefix: str = "9055") -> list[str]:
    return [f"{prefix}{n % 100:02d}{i:06d}" for i in range(count)]


def _node_create(base: str) -> tuple[Call, Check]:
    def call(session: requests.Session, n: int) -> requests.Response:
        body = {
            "type": 1,
            "sendingType": 1,
            "numbers": _numbers(n, 1000),
            "sender": "SANDBOX",
            "title": "bench",
            "content": TEXT,
            "encoding": 0,  # required by the document (the sandbox refuses a create without it)
            "customID": f"bench.{n}",
        }
        return session.post(f"{base}/node/sms/create", json=body, auth=NODE_AUTH, timeout=30)

    return call, _node_ok


def _node_ok(resp: requests.Response) -> bool:
    return resp.status_code == 200 and resp.json().get("err") is None


def _node_soap(base: str) -> tuple[Call, Check]:
    port = base.rsplit(":", 1)[1]

    def call(session: requests.Session, n: int) -> requests.Response:
        items = "".join(f"<item>{number}</item>" for number in _numbers(n, 1000, prefix="9054"))
        envelope = (
            f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:sms="http://localhost:{port}/wsdl/sms">'
            "<soapenv:Body><sms:sendSms><type>1</type><sendingType>1</sendingType><title>bench</title>"
            f"<content>{TEXT}</content><numbers>{items}</numbers><sender>SANDBOX</sender><encoding>0</encoding>"
            f"<customID>soap.{n}</customID></sms:sendSms></soapenv:Body></soapenv:Envelope>"
        )
        headers = {"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": "sendSms"}
        return session.post(
            f"{base}/node/soap", data=envelope.encode(), headers=headers, auth=NODE_AUTH, timeout=30
        )

    return call, lambda resp: resp.status_code == 200 and b"<pkgID>" in resp.content


def _iletimerkezi(base: str) -> tuple[Call, Check]:
    import hashlib
    import hmac

    digest = hmac.new(b"sandbox-secret", ILETIMERKEZI_KEY.encode(), hashlib.sha256).hexdigest()
    auth = f"<authentication><key>{ILETIMERKEZI_KEY}</key><hash>{digest}</hash></authentication>"

    def call(session: requests.Session, n: int) -> requests.Response:
        numbers = "".join(f"<number>5{n:05d}{i:04d}</number>" for i in range(100))
        body = (
            f"<request>{auth}<order><sender>APITEST</sender><sendDateTime></sendDateTime><iys>0</iys>"
            f"<message><text>{TEXT}</text><receipents>{numbers}</receipents></message></order></request>"
        )
        return session.post(f"{base}/iletimerkezi/v1/send-sms", data=body.encode(), timeout=30)

    return call, lambda resp: resp.status_code == 200 and b"<code>200</code>" in resp.content


def _iletiniz(base: str) -> tuple[Call, Check]:
    headers = {"Authorization": f"Bearer {ILETINIZ_KEY}"}

    def call(session: requests.Session, n: int) -> requests.Response:
        body = {"to": f"90555{n:07d}", "body": TEXT}
        return session.post(f"{base}/iletiniz/v1/messages", json=body, headers=headers, timeout=30)

    return call, lambda resp: resp.status_code < 300 and "job_id" in resp.json()


def _wisecp(base: str) -> tuple[Call, Check]:
    def call(session: requests.Session, n: int) -> requests.Response:
        body = {
            "user_token": WISECP_TOKEN,
            "origin": "ILETI",
            "message": TEXT,
            "numbers": [f"+90555{n % 1000:03d}{i:04d}" for i in range(100)],
        }
        return session.post(f"{base}/wisecp/api/sms/submit", json=body, timeout=30)

    return call, lambda resp: resp.status_code == 200 and resp.json().get("status") == "successful"


def _factory(key: str, base: str) -> tuple[Call, Check]:
    if key == "node-create":
        return _node_create(base)
    if key == "node-list":
        return (
            lambda s, n: s.get(f"{base}/node/sms/list", params={"pageSize": 10}, auth=NODE_AUTH, timeout=30),
            _node_ok,
        )
    if key == "node-credit":
        return lambda s, n: s.get(f"{base}/node/user/credit", auth=NODE_AUTH, timeout=30), _node_ok
    return {"node-soap": _node_soap, "iletimerkezi": _iletimerkezi, "iletiniz": _iletiniz, "wisecp": _wisecp}[
        key
    ](base)


def run(base: str, scenario: Scenario, threads: int, seconds: float) -> dict[str, Any]:
    call, check = _factory(scenario.key, base)
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        session = requests.Session()
        while time.perf_counter() < deadline:
            n = next(counter)
            if n >= scenario.limit:
                return
            started = time.perf_counter()
            resp = call(session, n)
            elapsed = time.perf_counter() - started
            ok = check(resp)
            with lock:
                latencies.append(elapsed)
                errors += not ok

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "name": scenario.label,
        "requests": len(latencies),
        "errors": errors,
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "recipients_per_s": len(latencies) * scenario.recipients / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000 if latencies else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per scenario")
    parser.add_argument("--only", nargs="*", choices=[s.key for s in SCENARIOS], help="run only these")
    args = parser.parse_args(argv)
    chosen = [s for s in SCENARIOS if not args.only or s.key in args.only]
    proc, base = _start_sandbox()
    try:
        _raise_limits(base)
        rows = [run(base, scenario, args.threads, args.seconds) for scenario in chosen]
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"Sandbox request rates ({args.threads} client threads in a separate process, loopback)")
    head = f"{'requests':>8} {'errors':>6} {'req/s':>8} {'recip/s':>9} {'p50 ms':>7} {'p95 ms':>7}"
    print(f"{'scenario':42} {head}")
    for row in rows:
        print(
            f"{row['name']:42} {row['requests']:8d} {row['errors']:6d} {row['rps']:8.1f} "
            f"{row['recipients_per_s']:9.0f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f}"
        )
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
