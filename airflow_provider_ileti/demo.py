"""``python -m airflow_provider_ileti.demo`` (``make demo``): the weekly campaign, end to end, offline.

It starts the sandbox in its own process, prepares a throw-away ``AIRFLOW_HOME`` (SQLite, DAGs folder =
``dags_examples/``, connections from the sandbox's ``AIRFLOW_CONN_*``), runs ``airflow dags test`` on the
weekly campaign, prints what was sent and how it was delivered, and stops the sandbox — also on failure.
Airflow's own log goes to a file whose path is printed.

Its building blocks live in the sandbox package (``sandbox.process.SandboxProcess``,
``sandbox.dag_test.AirflowHome``): ``tests/dags`` uses them too, so the demo and the DAG tests prepare
Airflow the same way.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import Any

from airflow_provider_ileti.sandbox.dag_test import REPO, AirflowHome, DagRun
from airflow_provider_ileti.sandbox.process import DEFAULT_SPEED, SandboxProcess

DEMO_HOME = REPO / ".airflow-home"
#: The DAG the demo runs; its tutorial comments live in ``dags_examples/weekly_campaign.py``.
DEMO_DAG_ID = "ileti_weekly_campaign"
#: Virtual seconds per real second in the demo (an hour per second).
DEMO_SPEED = DEFAULT_SPEED
#: The logical date of the demo run (any date works; a fixed one makes the output reproducible).
DEMO_DATE = "2026-11-23"


#: The demo runs the same tutorial DAG on either service (``--service``).
DEMO_DAGS = {"node": DEMO_DAG_ID, "iletimerkezi": "ileti_weekly_campaign_iletimerkezi"}


#: Where each service's send requests land in the sandbox journal.
SEND_PATHS = {"node": "/sms/create", "iletimerkezi": "/send-sms"}


def _sent_numbers(sends: list[dict[str, Any]]) -> list[str]:
    """Every recipient number in the send requests the sandbox received, in order, normalised.

    Node's ``/sms/create`` body is JSON (``numbers`` as ``{nr, msg}`` pairs or plain numbers, or one
    ``number``); İleti Merkezi's ``send-sms`` body is XML with ``<number>`` elements.
    """
    import re

    from airflow_provider_ileti.core.phone import normalize_number

    raw: list[str] = []
    for entry in sends:
        body = entry.get("body")
        if isinstance(body, dict):
            items = body.get("numbers") or ([body["number"]] if body.get("number") else [])
            raw.extend(str(i.get("nr") if isinstance(i, dict) else i) for i in items)
        elif isinstance(body, str):
            raw.extend(re.findall(r"<number>\s*([^<\s]+)\s*</number>", body))
    return [normalize_number(n) for n in raw]


def _masked(numbers: list[str], limit: int = 4) -> str:
    from airflow_provider_ileti.core.masking import mask_number

    return ", ".join(mask_number(n) for n in numbers[:limit]) + f" … ({len(numbers)} in all)"


def _print_report(run: DagRun, sandbox: SandboxProcess, service: str) -> None:
    send = run.xcoms.get("send") or {}
    watch = run.xcoms.get("wait_for_delivery") or {}
    refs = [str(r) for r in send.get("references", []) or []]
    admin = sandbox.admin()
    received = admin.requests(service=service)  # every request of the run: sends, status reads, lookups
    sends = admin.requests(service=service, path=SEND_PATHS[service])
    print(
        f"  sent      : {send.get('recipients', '?')} personalised SMS in {len(refs)} package(s): "
        f"{', '.join(refs)}"
    )
    print(f"  to        : {_masked(_sent_numbers(sends))}")  # what reached the sandbox, not the CSV
    print(
        f"  delivery  : {watch.get('delivered', '?')} delivered, "
        f"{watch.get('undelivered', '?')} undelivered, {watch.get('pending', '?')} pending (sensor XCom)"
    )
    counts = _sandbox_counts(sandbox, service)
    if counts:
        print("  sandbox   : " + ", ".join(f"{k} {v}" for k, v in counts.items()) + " (admin API)")
    print(
        f"  requests  : {len(received)} request(s) reached the sandbox, "
        f"{len(sends)} of them send(s); replayed chunks: {send.get('replayed_chunks', '?')}"
    )


def _sandbox_counts(sandbox: SandboxProcess, service: str) -> dict[str, int]:
    """Delivered/undelivered as the sandbox itself counts them (independent of our client's parsing)."""
    state = sandbox.admin().state(service)
    records: list[dict[str, Any]] = []
    for value in state.values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        records.extend(v for v in items if isinstance(v, dict))
    totals: dict[str, int] = {}
    for record in records:
        if isinstance(record.get("statistics"), dict):  # Node keeps its counts one level down
            record = record["statistics"]
        for key in ("delivered", "undelivered", "waiting", "pending"):
            if isinstance(record.get(key), int):
                totals[key] = totals.get(key, 0) + int(record[key])
    return totals


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_ileti.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--service", choices=sorted(DEMO_DAGS), default="node", help="which service's DAG to run"
    )
    args = parser.parse_args(argv)
    dag_id = DEMO_DAGS[args.service]
    home = AirflowHome(DEMO_HOME)
    if DEMO_HOME.exists():
        shutil.rmtree(DEMO_HOME)
    DEMO_HOME.mkdir(parents=True)
    log_path = DEMO_HOME / "demo.log"
    print(f"ileti demo: weekly campaign ({args.service}) on the sandbox (Airflow log: {log_path})")
    sandbox = SandboxProcess(DEMO_HOME / "sandbox", speed=DEMO_SPEED, log_path=DEMO_HOME / "sandbox.log")
    try:
        sandbox.start()
        print(f"  sandbox   : {sandbox.url} ({DEMO_SPEED:.0f}x clock)")
        t0 = time.monotonic()
        home.migrate(log_path)
        print(f"  airflow   : metadata db ready in {time.monotonic() - t0:.1f} s ({DEMO_HOME})")
        run = home.dags_test(
            dag_id,
            DEMO_DATE,
            connections=sandbox.env,
            log_path=log_path,
            env={
                "ILETI_EXAMPLE_POKE_SECONDS": "1",
                "ILETI_EXAMPLE_DEFERRABLE": "true",
                "ILETI_EXAMPLE_VALIDITY_MINUTES": "60",
            },
        )
        print(f"  dags test : {dag_id} {'succeeded' if run.ok else 'FAILED'} in {run.seconds:.1f} s")
        if not run.ok:
            tail = "\n".join(run.output.splitlines()[-15:])
            print(f"\n{tail}\n\nFull log: {log_path}")
            return 1
        _print_report(run, sandbox, args.service)
        return 0
    finally:
        sandbox.stop()
        print("  sandbox stopped")


if __name__ == "__main__":
    sys.exit(main())
