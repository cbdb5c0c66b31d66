"""10,000 İletiniz messages through ``IletinizClient.send_bulk`` against the official SDK's bulk call, on the
same sandbox (goal: at least 1.2x the SDK's speed).

- Ours: ``IletinizClient.send_bulk(numbers, body=text)``: every item validated before the first request,
  then 50 requests of 200 items (``MAX_BULK_ITEMS``), ``BULK_CONCURRENCY`` (3) in flight at once over the
  client's one session (one kept-alive connection each), none started after a failure, none repeated once it
  may have reached the service.
- Baseline: the official SDK, ``iletiniz==0.1.0`` (``IletinizClient(api_key=..., base_url=...)``,
  ``client.messages.send_bulk({"items": [{"to", "body"}, ...]})`` per 200 items, as its README shows): stdlib
  ``urllib``, a new connection per request, 2 retries by default, no number validation.
- The sandbox runs in its own process (``python -m airflow_provider_ileti.sandbox.cli --port 0``), reset
  before every run (no jobs of earlier runs) and its İletiniz quota raised over the admin API; each side is
  warmed up (200 messages) and then the two run interleaved (the order swapped every repetition),
  ``--repeats`` times, on fresh numbers; medians count. Every run is checked to have had all its messages
  accepted.
- Reported: messages per second (wall time) and the client's CPU (``time.process_time``). For context, below
  the table: the same 50 requests from a bare ``http.client`` loop on one connection, one request after
  another (the least a sequential client can take: the sandbox's own work, waited for in turn; ours overlaps
  it, so it may come in under this line) and the sandbox process's CPU per run.

    .venv/bin/python benchmarks/iletiniz_bulk.py [--messages 10000] [--repeats 15]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._sandbox import SandboxProcess  # noqa: E402
from benchmarks._table import Row, print_table  # noqa: E402

GOAL = 1.2
TEXT = "Kampanya: bu hafta tüm ürünlerde %20 indirim, ayrıntılar için sitemizi ziyaret edin"
BULK = 200  # the API's (and the SDK's) most items per request
PREFIX = "/iletiniz"


def numbers(run: int, count: int) -> list[str]:
    """``count`` fresh Turkish mobile numbers for run ``run`` (E.164, as both clients take them)."""
    return [f"+9055{run % 10}{run // 10 % 10}{i:06d}" for i in range(count)]


def ours(base: str) -> Callable[[list[str]], int]:
    from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
    from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY

    client = IletinizClient(base + PREFIX, ILETINIZ_API_KEY)

    def send(batch: list[str]) -> int:
        return len(client.send_bulk(batch, body=TEXT).job_ids)

    return send


def sdk(base: str) -> Callable[[list[str]], int]:
    import iletiniz

    from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY

    client = iletiniz.IletinizClient(api_key=ILETINIZ_API_KEY, base_url=base + PREFIX)

    def send(batch: list[str]) -> int:
        sent = 0
        for start in range(0, len(batch), BULK):
            items = [{"to": number, "body": TEXT} for number in batch[start : start + BULK]]
            sent += int(client.messages.send_bulk({"items": items})["sent"])
        return sent

    return send


def bare(base: str) -> Callable[[list[str]], int]:
    """The floor: one kept-alive ``http.client`` connection, JSON in and out, nothing else."""
    from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY

    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port)
    headers = {"Authorization": f"Bearer {ILETINIZ_API_KEY}", "Content-Type": "application/json"}

    def send(batch: list[str]) -> int:
        sent = 0
        for start in range(0, len(batch), BULK):
            items = [{"to": number, "body": TEXT} for number in batch[start : start + BULK]]
            body = json.dumps({"items": items}, ensure_ascii=False).encode()
            connection.request("POST", f"{PREFIX}/v1/messages/bulk", body=body, headers=headers)
            sent += int(json.loads(connection.getresponse().read())["sent"])
        return sent

    return send


def server_cpu(pid: int) -> float:
    """CPU seconds the sandbox process has used (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    from airflow_provider_ileti.sandbox.admin_client import SandboxAdmin

    results: dict[str, dict[str, list[float]]] = {
        side: {"wall": [], "cpu": [], "server": []} for side in ("ours", "sdk", "bare")
    }
    with SandboxProcess(speed=60, journal_size=100) as sandbox:
        admin = SandboxAdmin(sandbox.url)

        def fresh() -> None:
            """Every run meets the same sandbox: no jobs of earlier runs (their memory), quota enough."""
            admin.reset()
            admin.set_iletiniz_plan(quota=10**9, used=0)

        fresh()
        sides = {"ours": ours(sandbox.url), "sdk": sdk(sandbox.url), "bare": bare(sandbox.url)}
        for run, send in enumerate(sides.values()):  # warm-up: modules loaded, a connection opened
            send(numbers(90 + run, BULK))
        for repeat in range(args.repeats):
            order = ("ours", "sdk") if repeat % 2 == 0 else ("sdk", "ours")
            for index, side in enumerate((*order, "bare")):
                batch = numbers(repeat * 3 + index, args.messages)
                fresh()
                before = server_cpu(sandbox.pid)
                started, cpu = time.perf_counter(), time.process_time()
                sent = sides[side](batch)
                results[side]["wall"].append(time.perf_counter() - started)
                results[side]["cpu"].append(time.process_time() - cpu)
                results[side]["server"].append(server_cpu(sandbox.pid) - before)
                if sent != args.messages:
                    raise SystemExit(f"{side}: {sent} of {args.messages} messages accepted")
    median = {side: {k: statistics.median(v) for k, v in got.items()} for side, got in results.items()}
    row = Row(
        f"İletiniz bulk of {args.messages:,}: messages/s",
        args.messages / median["ours"]["wall"],
        args.messages / median["sdk"]["wall"],
        "/s",
        goal=GOAL,
        higher_is_better=True,
    )
    met = print_table([row])
    print(f"\nmedian of {args.repeats}, interleaved; baseline: the iletiniz 0.1.0 SDK")
    print(f"{'':34} {'wall s':>7} {'client CPU s':>13} {'sandbox CPU s':>14}")
    from airflow_provider_ileti.clients.iletiniz.client import BULK_CONCURRENCY

    labels = {
        "ours": f"ours ({BULK_CONCURRENCY} requests in flight)",
        "sdk": "official SDK (a connection each)",
        "bare": "bare http.client loop (floor)",
    }
    for side, label in labels.items():
        got = median[side]
        print(f"{label:34} {got['wall']:7.3f} {got['cpu']:13.3f} {got['server']:14.2f}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
