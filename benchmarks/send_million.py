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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--conn-id", default=None, help="default: node_sms_default if the sandbox has it")
    parser.add_argument("--chunk-size", type=int, default=None, help="default: the service's limit")
    parser.add_argument("--tracemalloc", action="store_true")
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
