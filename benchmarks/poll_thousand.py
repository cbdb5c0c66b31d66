"""One delivery poll of 1,000 İleti Merkezi orders and of 1,000 İletiniz jobs: concurrent reads against the
sequential loop they replace (goal: at most 0.2x its time).

Neither service reads many at once: İleti Merkezi answers one order per ``get-report``, İletiniz one job per
``GET /v1/messages/{id}``, so a poll of 1,000 is 1,000 requests. The sensor's client reads them
``status_concurrency`` at a time (``STATUS_CONCURRENCY``, 8 for both) over its one pooled session.

- The sandbox runs in its own process (``python -m airflow_provider_ileti.sandbox.cli --port 0``), its clock
  at 0.01x so no order or job becomes final while we watch (a final İletiniz job would be cached, not read).
- 1,000 orders (one number each) and 1,000 jobs (five bulk sends of 200, the references a send task makes)
  are created first, then each client is warmed up (its connection opened).
- Baseline: the same client with ``status_concurrency=1``, which is exactly the sequential loop every
  ``get_statuses`` of these services ran before (one request after another, same session, same code), so the
  two differ in nothing but the bound. Both read the same references in the same run, interleaved (the
  order swapped each repetition), ``--repeats`` times; the median counts. Every poll is checked to have sent
  one request per order or job and to have read them all still pending.
- Network: on loopback the sandbox answers a report in about a millisecond; a real service is a network
  round trip and a database read away. Every status read is held ``--latency`` seconds by the sandbox's
  ``delay`` fault (default 0.010: a conservative stand-in; a round trip to a service in Türkiye alone is
  often more). The goal rows use it. The lines below the table show one poll with no latency at all: then
  the bound is this machine's CPU (client and sandbox share two cores), not the service.

    .venv/bin/python benchmarks/poll_thousand.py [--count 1000] [--latency 0.010] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._sandbox import SandboxProcess  # noqa: E402
from benchmarks._table import Row, print_table  # noqa: E402

GOAL = 0.2
IM_PATH = "/iletimerkezi/v1"
IT_PATH = "/iletiniz"
#: Every read, not the sends: İleti Merkezi's reports (XML and JSON) and İletiniz's job reads (GET only,
#: so the bulk sends that made the jobs are not held).
READ_FAULTS = (("/iletimerkezi/v1/get-report*", None), ("/iletiniz/v1/messages/*", "GET"))


class Counted:
    """Counts the requests a client's session sends (to check one per order or job)."""

    def __init__(self, client: Any) -> None:
        self.calls = 0
        request = client._http.request

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return request(*args, **kwargs)

        client._http.request = counted


class Poll:
    """One service's poll: the references and a sequential and a concurrent client over them."""

    def __init__(
        self, label: str, unit: str, references: list[str], expected: int, make: Callable[[int], Any]
    ) -> None:
        from airflow_provider_ileti.clients.iletiniz.answers import FINAL_JOBS

        self.label, self.unit, self.references, self.expected = label, unit, references, expected
        self.final_jobs = FINAL_JOBS
        self.clients = {"sequential": make(1), "concurrent": make(make_default())}
        self.counters = {name: Counted(client) for name, client in self.clients.items()}
        self.seconds: dict[str, list[float]] = {"sequential": [], "concurrent": []}
        self.cpu: dict[str, list[float]] = {"sequential": [], "concurrent": []}
        for client in self.clients.values():  # warm-up: the connection opened, the modules loaded
            client.get_statuses(references[:1])

    @property
    def concurrency(self) -> int:
        return int(self.clients["concurrent"].status_concurrency)

    def once(self, name: str) -> float:
        client, counter = self.clients[name], self.counters[name]
        self.final_jobs.clear()  # nothing is final at this clock; cleared so no poll can be cheaper
        counter.calls = 0
        started, cpu = time.perf_counter(), time.process_time()
        statuses = client.get_statuses(self.references)
        seconds = time.perf_counter() - started
        self.cpu[name].append(time.process_time() - cpu)
        if counter.calls != self.expected or len(statuses) != len(self.references):
            raise SystemExit(f"{self.label}: {counter.calls} requests for {self.expected} {self.unit}")
        if any(status.final for status in statuses):
            raise SystemExit(f"{self.label}: a status became final during the benchmark")
        return seconds

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def make_default() -> int:
    from airflow_provider_ileti.clients.iletimerkezi.client import STATUS_CONCURRENCY as IM
    from airflow_provider_ileti.clients.iletiniz.client import STATUS_CONCURRENCY as IT

    assert IM == IT, "both services' default bound is one figure in the docstring"
    return IM


def build(base: str, count: int) -> list[Poll]:
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
    from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
    from airflow_provider_ileti.sandbox import credentials

    def iletimerkezi(concurrency: int) -> IletiMerkeziClient:
        return IletiMerkeziClient(
            base + IM_PATH,
            key=credentials.ILETIMERKEZI_KEY,
            api_hash=credentials.ILETIMERKEZI_HASH,
            default_sender="APITEST",
            status_concurrency=concurrency,
        )

    def iletiniz(concurrency: int) -> IletinizClient:
        return IletinizClient(base + IT_PATH, credentials.ILETINIZ_API_KEY, status_concurrency=concurrency)

    with iletimerkezi(1) as sender:
        orders = [sender.send_sms("Kargonuz yolda", [f"555{i:07d}"]) for i in range(count)]
    sender2 = iletiniz(1)
    jobs: list[str] = []
    references: list[str] = []
    numbers = [f"+90555{i:07d}" for i in range(count)]
    for start in range(0, count, 200):
        ids = sender2.send_bulk(numbers[start : start + 200], body="Kargonuz yolda").job_ids
        jobs.extend(ids)
        references.append(",".join(ids))
    sender2.close()
    if len(jobs) != count:
        raise SystemExit(f"İletiniz accepted {len(jobs)} of {count} messages")
    return [
        Poll("İleti Merkezi", "orders", orders, count, iletimerkezi),
        Poll("İletiniz", "jobs", references, count, iletiniz),
    ]


def run(polls: Sequence[Poll], repeats: int) -> None:
    for repeat in range(repeats):
        order = ("sequential", "concurrent") if repeat % 2 == 0 else ("concurrent", "sequential")
        for poll in polls:
            for name in order:
                poll.seconds[name].append(poll.once(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="orders and jobs to watch")
    parser.add_argument("--latency", type=float, default=0.010, help="seconds every status read is held")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from airflow_provider_ileti.sandbox.admin_client import SandboxAdmin

    with SandboxProcess(speed=0.01, journal_size=1000) as sandbox:
        admin = SandboxAdmin(sandbox.url)
        admin.set_iletiniz_plan(quota=10**9, used=0)
        polls = build(sandbox.url, args.count)
        try:
            loopback: dict[str, tuple[float, float]] = {}
            for poll in polls:  # one poll each with no latency: what this machine's CPU allows
                loopback[poll.label] = (poll.once("sequential"), poll.once("concurrent"))
                poll.seconds = {"sequential": [], "concurrent": []}
                poll.cpu = {"sequential": [], "concurrent": []}
            for path, method in READ_FAULTS:
                admin.add_fault(path, "delay", delay=args.latency, method=method)
            run(polls, args.repeats)
        finally:
            for poll in polls:
                poll.close()
    rows = [
        Row(
            f"{poll.label}: one poll of {args.count:,} {poll.unit}",
            statistics.median(poll.seconds["concurrent"]),
            statistics.median(poll.seconds["sequential"]),
            "s",
            goal=GOAL,
        )
        for poll in polls
    ]
    met = print_table(rows)
    print(
        f"\nours: status_concurrency={polls[0].concurrency} (the default); baseline: status_concurrency=1, "
        f"the sequential loop; each status read held {args.latency * 1000:g} ms by the sandbox; "
        f"median of {args.repeats}, interleaved; one request per {polls[0].unit[:-1]} or job every poll"
    )
    for poll in polls:
        seq_cpu = statistics.median(poll.cpu["sequential"])
        conc_cpu = statistics.median(poll.cpu["concurrent"])
        seq, conc = loopback[poll.label]
        print(
            f"{poll.label:14} client CPU per poll: {conc_cpu:.2f} s concurrent, {seq_cpu:.2f} s sequential; "
            f"with no latency: {conc:.2f} s vs {seq:.2f} s ({conc / seq:.2f}x, CPU-bound on this machine)"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
