"""``python -m benchmarks`` (``make bench``): run every benchmark script in this folder, one after another.

Each script runs in its own interpreter (so one benchmark's imports never warm up the next) and prints its
own table; this runner prints a header per script and exits non-zero if any script failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    wanted = set(argv if argv is not None else sys.argv[1:])
    unknown = wanted - {script.stem for script in scripts()}
    if unknown:
        names = ", ".join(script.stem for script in scripts())
        print(f"no such benchmark: {', '.join(sorted(unknown))} (there are: {names})", file=sys.stderr)
        return 2
    failed: list[str] = []
    for script in scripts():
        if wanted and script.stem not in wanted:
            continue
        print(f"=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        print(
            f"--- {script.stem}: {'ok' if done.returncode == 0 else 'FAILED'} "
            f"in {time.perf_counter() - started:.1f} s\n",
            flush=True,
        )
        if done.returncode != 0:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
