"""Peak memory of a 1,000,000-recipient personalised send through the sandbox (goal: < 150 MB growth).

The sandbox runs in a separate process (``python -m airflow_provider_ileti.sandbox.cli --port 0``) so only
*our* process is measured: ``SendSmsOperator`` reading a CSV file of a million rows, rendering
``message_template`` per recipient and sending chunk after chunk. The baseline is measured in the same run,
after a warm-up send of 1,000 recipients has loaded every module and opened the connection pool, so the
figure is what a million recipients add (peak RSS via ``resource.getrusage``; ``--tracemalloc`` adds
Python-heap peaks, much slower).

    .venv/bin/python benchmarks/send_million.py [--recipients 1000000] [--conn-id node_sms_default]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_MB = 150.0
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
        [
            sys.executable,
            "-c",
            SANDBOX_MAIN,
            "--port",
            "0",
            "--speed",
            "60",
            "--env-file",
            str(env_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if env_file.exists() and env_file.stat().st_size:
            for line in env_file.read_text(encoding="utf-8").splitlines():
                name, _, value = line.removeprefix("export ").partition("=")
                import shlex

                os.environ[name] = shlex.split(value)[0]
            return proc
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sandbox did not start")


def send(csv_path: Path, conn_id: str, chunk_size: int | None, task_id: str) -> dict[str, Any]:
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


#: The hand-written loop a user would write instead of the operator: read the CSV, fill the text with
#: ``str.format``, post chunks of ``HAND_CHUNK`` (number, text) pairs to ``/sms/create`` on one pooled
#: ``requests.Session``. No checks, no exactly-once: the floor a send cannot go under.
HAND_CHUNK = 50_000
HAND_TEMPLATE = "Merhaba {first_name}, {city} mağazamızda size özel kod: {code}"


def hand_loop(csv_path: Path) -> int:
    import json as _json

    import requests

    conn = _json.loads(os.environ["AIRFLOW_CONN_NODE_SMS_DEFAULT"])
    session = requests.Session()
    session.auth = (conn["login"], conn["password"])
    sent = 0
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        pairs: list[dict[str, str]] = []

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

        for row in rows:
            pairs.append({"nr": "9" + row["phone"], "msg": HAND_TEMPLATE.format(**row)})
            if len(pairs) == HAND_CHUNK:
                post(pairs)
                sent += len(pairs)
                pairs = []
        if pairs:
            post(pairs)
            sent += len(pairs)
    session.close()
    return sent


def timed(fn: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def compare(big: Path, recipients: int, conn_id: str, chunk_size: int | None, pairs: int) -> bool:
    """Ours and the hand loop, interleaved ``pairs`` times; the median of each, in the shared table."""
    import statistics

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks._table import Row, print_table

    ours: list[tuple[float, float]] = []
    hand: list[tuple[float, float]] = []
    for n in range(pairs):
        _, wall, cpu = timed(lambda: send(big, conn_id, chunk_size, f"ours-{n}"))  # noqa: B023
        ours.append((wall, cpu))
        _, wall, cpu = timed(lambda: hand_loop(big))
        hand.append((wall, cpu))
    our_wall = statistics.median(w for w, _ in ours)
    hand_wall = statistics.median(w for w, _ in hand)
    our_cpu_us = statistics.median(c for _, c in ours) / recipients * 1e6
    hand_cpu_us = statistics.median(c for _, c in hand) / recipients * 1e6
    print(f"{recipients:,} personalised recipients to Node, {pairs} interleaved pair(s), medians")
    ok = print_table(
        [
            Row("send wall time (s)", our_wall, hand_wall, "s", WALL_GOAL),
            Row("client CPU per recipient (us)", our_cpu_us, hand_cpu_us, "u", CPU_GOAL_US / hand_cpu_us),
        ]
    )
    met = "yes" if our_cpu_us <= CPU_GOAL_US else "NO"
    print(f"client CPU goal: <= {CPU_GOAL_US:g} us per recipient: {our_cpu_us:.1f} us ({met})")
    return ok


#: Goals of the issue: wall time at most 1.5x the hand loop; client CPU at most 20 us per recipient.
WALL_GOAL = 1.5
CPU_GOAL_US = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--conn-id", default=None, help="default: node_sms_default if the sandbox has it")
    parser.add_argument("--chunk-size", type=int, default=None, help="default: the service's limit")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--compare",
        type=int,
        default=0,
        metavar="PAIRS",
        help="time ours against a hand-written loop (Node), PAIRS interleaved runs",
    )
    args = parser.parse_args()

    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="ileti-bench-home-"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    workdir = Path(tempfile.mkdtemp(prefix="ileti-bench-"))
    big, small = workdir / "million.csv", workdir / "warmup.csv"
    write_csv(big, args.recipients)
    write_csv(small, 1000, prefix="0532")
    proc = start_sandbox(workdir / "sandbox.env")
    try:
        conn_id = args.conn_id or (
            "node_sms_default" if "AIRFLOW_CONN_NODE_SMS_DEFAULT" in os.environ else "iletimerkezi_json"
        )
        import logging

        logging.disable(logging.INFO)  # a log line per chunk is not what we measure
        send(small, conn_id, args.chunk_size, "warmup")
        if args.compare:
            return 0 if compare(big, args.recipients, conn_id, args.chunk_size, args.compare) else 1
        baseline = peak_rss_mb()
        if args.tracemalloc:
            import tracemalloc

            tracemalloc.start()
        started = time.perf_counter()
        result = send(big, conn_id, args.chunk_size, "million")
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb()
        growth = peak - baseline
        print(f"service            {result['service']} ({conn_id})")
        print(f"recipients         {result['recipients']:,} in {result['chunks']:,} chunks")
        print(f"time               {elapsed:,.1f} s ({result['recipients'] / elapsed:,.0f} recipients/s)")
        print(f"baseline peak RSS  {baseline:,.1f} MB (after a 1,000-recipient warm-up send)")
        print(f"peak RSS           {peak:,.1f} MB")
        verdict = "OK" if growth < GOAL_MB else "OVER"
        print(f"growth             {growth:,.1f} MB (goal < {GOAL_MB:g} MB: {verdict})")
        if args.tracemalloc:
            import tracemalloc

            _, heap_peak = tracemalloc.get_traced_memory()
            print(f"python heap peak   {heap_peak / 2**20:,.1f} MB (tracemalloc)")
        return 0 if growth < GOAL_MB else 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
