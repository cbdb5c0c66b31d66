"""A personalised million through ``SendSmsOperator`` against a hand-written loop, and its memory.

The sandbox runs in a separate process (``python -m airflow_provider_ileti.sandbox.cli --port 0``) so only
*our* process is measured: the operator reading a CSV file, rendering ``message_template`` per recipient,
checking and preparing every chunk before the first request and sending chunk after chunk.

``make bench`` (no arguments) runs, each part in a fresh interpreter:

1. the memory table: peak RSS growth of sends of 10,000, 100,000 and 1,000,000 recipients to Node (bounded by
   the chunk, not by the campaign), after a 1,000-recipient warm-up has loaded every module;
2. Node, 1,000,000 recipients: ours against the hand loop (``hand_loop_node``), interleaved pairs, medians
   of wall time and client CPU per recipient (goals: 1.5x the hand loop's wall; 20 us per recipient);
3. İleti Merkezi, the same (goals: 2x the hand loop's wall; peak memory growth 100 MB).

    .venv/bin/python benchmarks/send_million.py [--recipients N] [--service node|iletimerkezi]
        [--compare PAIRS] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: The sandbox's accounts start with credit for tests (Node and İleti Merkezi: 100,000); a million two-part
#: messages need more, so the benchmark's own sandbox process starts with more credit; nothing else changes.
SANDBOX_MAIN = """
import sys
try:
    from airflow_provider_ileti.sandbox.services.iletimerkezi import state
    state.INITIAL_CREDITS = 10**9
except ImportError:
    pass
try:
    from airflow_provider_ileti.sandbox.services.node import state as node_state
    node_state.INITIAL_CREDIT = 10**9
except ImportError:
    pass
from airflow_provider_ileti.sandbox.cli import main
sys.exit(main(sys.argv[1:]))
"""
TEMPLATE = "Merhaba {{ r.first_name }}, {{ r.city }} mağazamızda size özel kod: {{ r.code }}"
#: The same text for the hand loops, filled with ``str.format``.
HAND_TEMPLATE = "Merhaba {first_name}, {city} mağazamızda size özel kod: {code}"
#: Recipients per request of the hand loops: the services' limit, which is also the operator's chunk.
HAND_CHUNK = 50_000
#: The connection each service is measured with (İleti Merkezi over its JSON API, as the hand loop).
CONN_IDS = {"node": "node_sms_default", "iletimerkezi": "iletimerkezi_json"}

#: Goals of the issue, per service: wall time against the hand loop; client CPU per recipient (Node only);
#: peak memory growth (MB) of the send.
WALL_GOAL = {"node": 1.5, "iletimerkezi": 2.0}
CPU_GOAL_US = {"node": 20.0}
MEMORY_GOAL_MB = {"node": 150.0, "iletimerkezi": 100.0}
#: The memory table's sizes (``make bench``), each in its own interpreter.
MEMORY_SIZES = (10_000, 100_000, 1_000_000)


class _TI:
    def __init__(self, task_id: str) -> None:
        self.dag_id, self.task_id, self.run_id = "bench", task_id, f"bench-{time.time_ns()}"
        self.map_index, self.try_number, self.stats_tags = -1, 1, {}


class _Store(dict):  # type: ignore[type-arg]
    def set(self, key: str, value: Any) -> None:
        self[key] = value

    def delete(self, key: str) -> None:
        self.pop(key, None)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def write_csv(path: Path, count: int, prefix: str = "0555") -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["phone", "first_name", "city", "code"])
        for i in range(count):
            writer.writerow([f"{prefix}{i:07d}", f"Kişi{i}", "İstanbul", f"K{i:07d}"])


def start_sandbox(env_file: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SANDBOX_MAIN, "--port", "0", "--speed", "60", "--env-file", str(env_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if env_file.exists() and env_file.stat().st_size:
            for line in env_file.read_text(encoding="utf-8").splitlines():
                name, _, value = line.removeprefix("export ").partition("=")
                os.environ[name] = shlex.split(value)[0]
            return proc
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sandbox did not start")


def send(csv_path: Path, conn_id: str, task_id: str, chunk_size: int | None = None) -> dict[str, Any]:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    op = SendSmsOperator(
        task_id=task_id,
        conn_id=conn_id,
        message_template=TEMPLATE,
        recipients_csv=str(csv_path),
        chunk_size=chunk_size,
    )
    ti = _TI(task_id)
    return op.execute({"ti": ti, "task_instance": ti, "run_id": ti.run_id, "task_state_store": _Store()})


def _connection(conn_id: str) -> dict[str, Any]:
    conn: dict[str, Any] = json.loads(os.environ[f"AIRFLOW_CONN_{conn_id.upper()}"])
    return conn


def _hand_send(
    csv_path: Path, row_of: Callable[[dict[str, str]], Any], post: Callable[[list[Any]], None]
) -> int:
    """Read the CSV, turn each row into what the service takes, post every ``HAND_CHUNK`` of them."""
    sent = 0
    with csv_path.open(newline="", encoding="utf-8") as fh:
        items: list[Any] = []
        for row in csv.DictReader(fh):
            items.append(row_of(row))
            if len(items) == HAND_CHUNK:
                post(items)
                sent += len(items)
                items = []
        if items:
            post(items)
            sent += len(items)
    return sent


#: The hand-written loops a user would write instead of the operator: read the CSV, fill the text with
#: ``str.format``, post chunks of ``HAND_CHUNK`` to the service on one pooled ``requests.Session``. No
#: checks, no exactly-once: the floor a send cannot go under.
def hand_loop_node(csv_path: Path) -> int:
    import requests

    conn = _connection(CONN_IDS["node"])
    session = requests.Session()
    session.auth = (conn["login"], conn["password"])

    def post(pairs: list[dict[str, str]]) -> None:
        body = {
            "type": 1,
            "sendingType": 2,
            "sender": conn["extra"]["default_sender"],
            "title": "hand loop",
            "content": pairs[0]["msg"],
            "encoding": 1,
            "numbers": pairs,
        }
        answer = session.post(f"{conn['host']}/sms/create", json=body, timeout=120).json()
        if answer.get("err"):
            raise SystemExit(f"hand loop: {answer['err']}")

    try:
        return _hand_send(
            csv_path, lambda row: {"nr": "9" + row["phone"], "msg": HAND_TEMPLATE.format(**row)}, post
        )
    finally:
        session.close()


def hand_loop_iletimerkezi(csv_path: Path) -> int:
    import requests

    from airflow_provider_ileti.clients.iletimerkezi.auth import hash_from_secret

    conn = _connection(CONN_IDS["iletimerkezi"])
    auth = {"key": conn["login"], "hash": hash_from_secret(conn["login"], conn["extra"]["api_secret"])}
    session = requests.Session()

    def post(messages: list[dict[str, Any]]) -> None:
        order = {
            "sender": conn["extra"]["default_sender"],
            "sendDateTime": "",
            "iys": "0",
            "message": messages,
        }
        body = {"request": {"authentication": auth, "order": order}}
        answer = session.post(f"{conn['host']}/send-sms/json", json=body, timeout=120).json()
        if str(answer["response"]["status"]["code"]) != "200":
            raise SystemExit(f"hand loop: {answer['response']['status']}")

    try:
        return _hand_send(
            csv_path,
            lambda row: {"text": HAND_TEMPLATE.format(**row), "receipents": {"number": [row["phone"][1:]]}},
            post,
        )
    finally:
        session.close()


HAND_LOOPS = {"node": hand_loop_node, "iletimerkezi": hand_loop_iletimerkezi}


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def compare(service: str, big: Path, recipients: int, pairs: int) -> bool:
    """Ours and the hand loop, interleaved ``pairs`` times; the medians, and our peak memory growth."""
    from benchmarks._table import Row, print_table

    conn_id = CONN_IDS[service]
    baseline_rss = peak_rss_mb()
    ours: list[tuple[float, float]] = []
    hand: list[tuple[float, float]] = []
    growth = 0.0
    for n in range(pairs):
        _, wall, cpu = timed(lambda: send(big, conn_id, f"ours-{n}"))  # noqa: B023
        ours.append((wall, cpu))
        growth = max(growth, peak_rss_mb() - baseline_rss)
        _, wall, cpu = timed(lambda: HAND_LOOPS[service](big))
        hand.append((wall, cpu))
    our_wall = statistics.median(w for w, _ in ours)
    hand_wall = statistics.median(w for w, _ in hand)
    our_cpu_us = statistics.median(c for _, c in ours) / recipients * 1e6
    hand_cpu_us = statistics.median(c for _, c in hand) / recipients * 1e6
    print(f"{recipients:,} personalised recipients to {service}, {pairs} interleaved pair(s), medians")
    rows = [Row("send wall time (s)", our_wall, hand_wall, "s", WALL_GOAL[service])]
    goal_us = CPU_GOAL_US.get(service)
    # the CPU goal is per recipient (us), shown as the ratio it allows against this run's hand loop
    cpu_goal = goal_us / hand_cpu_us if goal_us else float("inf")
    rows.append(Row("client CPU per recipient (us)", our_cpu_us, hand_cpu_us, "u", cpu_goal))
    ok = print_table(rows)
    cpu_met = goal_us is None or our_cpu_us <= goal_us
    if goal_us is not None:
        verdict = "yes" if cpu_met else "NO"
        print(f"client CPU goal: <= {goal_us:g} us per recipient: {our_cpu_us:.1f} us ({verdict})")
    mem_met = growth <= MEMORY_GOAL_MB[service]
    print(
        f"peak memory growth of our send: {growth:,.1f} MB "
        f"(goal <= {MEMORY_GOAL_MB[service]:g} MB: {'yes' if mem_met else 'NO'})"
    )
    return ok and cpu_met and mem_met


def memory(service: str, big: Path, tracemalloc_on: bool) -> tuple[float, float, int]:
    """(peak RSS growth MB, seconds, chunks) of one send of ``big`` after the warm-up."""
    baseline = peak_rss_mb()
    if tracemalloc_on:
        import tracemalloc

        tracemalloc.start()
    result, elapsed, _ = timed(lambda: send(big, CONN_IDS[service], "memory"))
    growth = peak_rss_mb() - baseline
    if tracemalloc_on:
        import tracemalloc

        _, heap_peak = tracemalloc.get_traced_memory()
        print(f"python heap peak   {heap_peak / 2**20:,.1f} MB (tracemalloc)")
    return growth, elapsed, int(result["chunks"])


def run_one(args: argparse.Namespace) -> int:
    """One measurement in this interpreter: ``--compare`` pairs, or the memory of one send."""
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="ileti-bench-home-"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    workdir = Path(tempfile.mkdtemp(prefix="ileti-bench-"))
    big, small = workdir / "recipients.csv", workdir / "warmup.csv"
    write_csv(big, args.recipients)
    write_csv(small, 1000, prefix="0532")
    proc = start_sandbox(workdir / "sandbox.env")
    try:
        import logging

        logging.disable(logging.INFO)  # a log line per chunk is not what we measure
        send(small, CONN_IDS[args.service], "warmup")
        if args.compare:
            return 0 if compare(args.service, big, args.recipients, args.compare) else 1
        growth, elapsed, chunks = memory(args.service, big, args.tracemalloc)
        goal = MEMORY_GOAL_MB[args.service]
        print(
            f"memory {args.service} {args.recipients} {growth:.1f} {elapsed:.1f} {chunks} "
            f"{'yes' if growth <= goal else 'NO'}"
        )
        return 0 if growth <= goal else 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a sandbox holding millions of recipients can be slow to stop
            proc.kill()
            proc.wait(timeout=10)


def run_all() -> int:
    """``make bench``: the memory table, then the Node and İleti Merkezi comparisons, each in a fresh
    interpreter (one send's imports and peaks never count in the next)."""
    me = [sys.executable, str(Path(__file__).resolve())]
    print(f"{'memory (Node)':16} {'recipients':>10} {'peak RSS growth':>16} {'time':>8} {'chunks':>7}  goal")
    ok = True
    for size in MEMORY_SIZES:
        done = subprocess.run([*me, "--recipients", str(size)], capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("memory ")), None)
        if line is None:
            print(done.stdout + done.stderr)
            return 1
        _, service, count, growth, elapsed, chunks, met = line.split()
        print(
            f"{service:16} {int(count):>10,} {float(growth):>13.1f} MB {float(elapsed):>6.1f} s {chunks:>7}  "
            f"<= {MEMORY_GOAL_MB[service]:g} MB: {met}"
        )
        ok = ok and met == "yes"
    for service in ("node", "iletimerkezi"):
        print()
        done = subprocess.run([*me, "--service", service, "--compare", "2"], check=False)
        ok = ok and done.returncode == 0
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--service", choices=sorted(CONN_IDS), default="node")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--compare",
        type=int,
        default=0,
        metavar="PAIRS",
        help="ours against the hand loop, PAIRS interleaved",
    )
    if len(sys.argv) == 1:
        return run_all()
    return run_one(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
