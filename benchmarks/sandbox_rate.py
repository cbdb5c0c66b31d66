"""Requests per second the sandbox sustains for the Node API, measured from a separate client process.

The sandbox runs in its own process (``python -m airflow_provider_ileti.sandbox.cli`` on a free loopback
port, Node credit raised so a thousand 1000-number packages fit); this process drives it with a few threads,
each with its own keep-alive session, for a bounded number of requests and a bounded time per scenario:

- ``/node/sms/create``: one-text-to-many packages of 1000 numbers (the chunk size a big send uses),
- ``/node/sms/list``: the first page (10 packages, with statistics) after the creates,
- ``/node/user/credit``: the cheapest authenticated call (the floor the framework itself sets).

    .venv/bin/python benchmarks/sandbox_rate.py [--threads 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import itertools
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

HOST = "127.0.0.1"
AUTH = ("sandbox", "sandbox-password")  # sandbox/credentials.py: opens nothing but the sandbox
SANDBOX_MAIN = """
import sys
from airflow_provider_ileti.sandbox.services.node import state
state.INITIAL_CREDIT = 10**10
from airflow_provider_ileti.sandbox.cli import main
sys.exit(main(sys.argv[1:]))
"""
#: (label, most requests per scenario, kind of request)
SCENARIOS: list[tuple[str, int, str]] = [
    ("/node/sms/create (1000 numbers)", 600, "create"),
    ("/node/sms/list (page of 10)", 5000, "list"),
    ("/node/user/credit", 10000, "credit"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _start_sandbox(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SANDBOX_MAIN, "--host", HOST, "--port", str(port), "--speed", "60"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.post(f"http://{HOST}:{port}/_admin/clock", json={}, timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the sandbox did not start within 30 s")


def _request_factory(kind: str, base: str) -> Callable[[requests.Session, int], requests.Response]:
    if kind == "create":

        def create(session: requests.Session, n: int) -> requests.Response:
            numbers = [f"9055{n % 100:02d}{i:06d}" for i in range(1000)]
            body = {
                "type": 1,
                "sendingType": 1,
                "numbers": numbers,
                "sender": "SANDBOX",
                "title": "bench",
                "content": "Kampanya: bu hafta tum urunlerde indirim",
                "customID": f"bench.{n}",
            }
            return session.post(f"{base}/node/sms/create", json=body, timeout=30)

        return create
    if kind == "list":
        return lambda session, n: session.get(f"{base}/node/sms/list", params={"pageSize": 10}, timeout=30)
    return lambda session, n: session.get(f"{base}/node/user/credit", timeout=30)


def run(base: str, name: str, limit: int, kind: str, threads: int, seconds: float) -> dict[str, Any]:
    call = _request_factory(kind, base)
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        session = requests.Session()
        session.auth = AUTH
        while time.perf_counter() < deadline:
            n = next(counter)
            if n >= limit:
                return
            started = time.perf_counter()
            resp = call(session, n)
            elapsed = time.perf_counter() - started
            ok = resp.status_code == 200 and resp.json().get("err") is None
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
        "name": name,
        "requests": len(latencies),
        "errors": errors,
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per scenario")
    args = parser.parse_args(argv)
    port = _free_port()
    proc = _start_sandbox(port)
    base = f"http://{HOST}:{port}"
    try:
        rows = [run(base, name, limit, kind, args.threads, args.seconds) for name, limit, kind in SCENARIOS]
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"Node sandbox request rates ({args.threads} client threads in a separate process, loopback)")
    print(f"{'endpoint':34} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for row in rows:
        print(
            f"{row['name']:34} {row['requests']:8d} {row['errors']:6d} {row['rps']:8.1f} "
            f"{row['p50_ms']:7.1f} {row['p95_ms']:7.1f}"
        )
    created = rows[0]["requests"] * 1000
    print(f"recipients accepted by /sms/create: {created} ({rows[0]['rps'] * 1000:.0f} recipients/s)")
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
