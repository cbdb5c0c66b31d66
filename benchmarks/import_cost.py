"""Import cost of what a DAG file imports from us, against Airflow's http provider's operator module.

Airflow's DAG processor imports every DAG file again and again, so what our modules add on top of the SDK is
paid on every parse. In a fresh interpreter that has already imported ``airflow.sdk`` and
``airflow.providers.common.compat.sdk`` (what any DAG file and any provider pulls in), the import of

- ours: ``airflow_provider_ileti.operators.send`` and ``airflow_provider_ileti.sensors.delivery`` together,
- the baseline: ``airflow.providers.http.operators.http`` (``HttpOperator``: a small, common operator module),

is timed, ``REPEATS`` times each, interleaved, median. Goal: ours at most 0.1x the baseline.

Bytecode is cached as it is on a real scheduler (pip compiles it at install, the DAG processor keeps it): the
measured interpreters write and read it under a temporary ``PYTHONPYCACHEPREFIX``, after one warm-up import
each, so neither side pays for compiling its source (this environment sets ``PYTHONDONTWRITEBYTECODE``,
under which every import would compile from source and the figure would be about the compiler).

Below the table, for each module a DAG file may import: what it adds on top of the SDK (ms, modules) and the
heavy libraries (requests, zeep, lxml, httpx, phonenumbers) it pulls in, which should be none.

    python benchmarks/import_cost.py [--repeats 7]     # or: python -m benchmarks import_cost
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._table import Row, print_table  # noqa: E402

SDK = ("airflow.sdk", "airflow.providers.common.compat.sdk")
BASELINE = ("airflow.providers.http.operators.http",)
OURS = ("airflow_provider_ileti.operators.send", "airflow_provider_ileti.sensors.delivery")
DETAILS = (
    "airflow_provider_ileti.operators.send",
    "airflow_provider_ileti.sensors.delivery",
    "airflow_provider_ileti.operators.cancel",
    "airflow_provider_ileti.triggers.delivery",
)
HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers", "aiohttp")
GOAL = 0.1
#: Fresh interpreters per side (env ILETI_BENCH_REPEATS); the median smooths out the machine's noise.
REPEATS = int(os.environ.get("ILETI_BENCH_REPEATS", "7"))


def environment() -> dict[str, str]:
    env = {
        **os.environ,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PYTHONWARNINGS": "ignore",
        "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "ileti-bench-pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(modules: tuple[str, ...], env: dict[str, str]) -> dict[str, object]:
    """Seconds and modules added by importing ``modules`` in a fresh interpreter that has the SDK."""
    code = textwrap.dedent(
        f"""
        import importlib, json, sys, time
        for name in {SDK!r}:
            importlib.import_module(name)
        before = set(sys.modules)
        t0 = time.perf_counter()
        for name in {modules!r}:
            importlib.import_module(name)
        seconds = time.perf_counter() - t0
        added = set(sys.modules) - before
        print(json.dumps({{"seconds": seconds, "modules": len(added),
                          "heavy": sorted({{m.split(".")[0] for m in added}} & set({HEAVY!r}))}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"import {', '.join(modules)} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="fresh interpreters per side")
    args = parser.parse_args(argv)
    env = environment()
    for modules in (BASELINE, OURS, *((m,) for m in DETAILS)):  # warm-up: bytecode written, not measured
        measure(modules, env)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(args.repeats):
        base.append(float(measure(BASELINE, env)["seconds"]))  # type: ignore[arg-type]
        ours.append(float(measure(OURS, env)["seconds"]))  # type: ignore[arg-type]
    row = Row(
        "import send + delivery sensor after the SDK",
        statistics.median(ours) * 1000,
        statistics.median(base) * 1000,
        "ms",
        goal=GOAL,
    )
    met = print_table([row])
    print(
        f"\nbaseline: {', '.join(BASELINE)}; ours: {', '.join(OURS)}; both after {', '.join(SDK)}; "
        f"median of {args.repeats}, bytecode cached"
    )
    print(f"\n{'module (alone, after the SDK)':45} {'+ms':>7} {'+modules':>9}  heavy added")
    for module in DETAILS:
        got = measure((module,), env)
        heavy = ", ".join(got["heavy"]) or "-"  # type: ignore[arg-type]
        print(f"{module:45} {float(got['seconds']) * 1000:7.1f} {got['modules']:>9}  {heavy}")  # type: ignore[arg-type]
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
