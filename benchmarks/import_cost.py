"""Import cost of what a DAG file imports, against Airflow's own compat SDK as the baseline.

Airflow's DAG processor imports every DAG file again and again, so what our operator modules add on top of
``airflow.providers.common.compat.sdk`` is paid on every parse. For each target, in a fresh interpreter
(``REPEATS`` times, median): wall time of the import and the modules it adds; then the ratio to the
baseline. Heavy libraries (requests, zeep, lxml, httpx, phonenumbers) our import pulls in are listed.

    python benchmarks/import_cost.py          # or: python -m benchmarks import_cost
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap

BASELINE = "airflow.providers.common.compat.sdk"
TARGETS = (
    "airflow_provider_ileti.operators.send",
    "airflow_provider_ileti.sensors.delivery",
    "airflow_provider_ileti.operators.cancel",
    "airflow_provider_ileti.triggers.delivery",
)
HEAVY = ("requests", "zeep", "lxml", "httpx", "phonenumbers")
#: Fresh interpreters per target (env ILETI_BENCH_REPEATS); the median smooths out disk-cache noise.
REPEATS = int(os.environ.get("ILETI_BENCH_REPEATS", "3"))


def measure(module: str, *, after_baseline: bool) -> dict[str, object]:
    """Seconds and module count of importing ``module`` in a fresh interpreter.

    With ``after_baseline`` the baseline is imported first and only what ``module`` adds is counted.
    """
    code = textwrap.dedent(
        f"""
        import json, sys, time
        if {after_baseline!r}:
            import {BASELINE}
        before = set(sys.modules)
        t0 = time.perf_counter()
        import {module}
        seconds = time.perf_counter() - t0
        added = set(sys.modules) - before
        print(json.dumps({{"seconds": seconds, "modules": len(added),
                          "heavy": sorted({{m.split(".")[0] for m in added}} & set({HEAVY!r}))}}))
        """
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"import {module} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def median_of(module: str, *, after_baseline: bool) -> dict[str, object]:
    runs = [measure(module, after_baseline=after_baseline) for _ in range(REPEATS)]
    return {
        "seconds": statistics.median(float(r["seconds"]) for r in runs),  # type: ignore[arg-type]
        "modules": int(statistics.median(int(r["modules"]) for r in runs)),  # type: ignore[call-overload]
        "heavy": runs[-1]["heavy"],
    }


def main() -> int:
    base = median_of(BASELINE, after_baseline=False)
    base_s, base_m = float(base["seconds"]), int(base["modules"])  # type: ignore[arg-type, call-overload]
    print(f"baseline  import {BASELINE}: {base_s * 1000:7.1f} ms, {base_m} modules (median of {REPEATS})")
    print(f"{'module':45} {'alone ms':>9} {'x base':>7} {'+ms on base':>12} {'+modules':>9}  heavy added")
    for module in TARGETS:
        alone = median_of(module, after_baseline=False)
        extra = median_of(module, after_baseline=True)
        alone_s, extra_s = float(alone["seconds"]), float(extra["seconds"])  # type: ignore[arg-type]
        heavy = ", ".join(extra["heavy"]) or "-"  # type: ignore[arg-type]
        print(
            f"{module:45} {alone_s * 1000:9.1f} {alone_s / base_s:7.2f} {extra_s * 1000:12.1f} "
            f"{extra['modules']:>9}  {heavy}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
