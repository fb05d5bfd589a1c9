"""Run every benchmark script in bench/ and print their numbers. `make bench` calls this."""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
# Run only when named (`make bench BENCH=load`): the load test seeds its own databases and serves them for
# minutes.
ON_REQUEST = {"load", "national"}


def main() -> int:
    scripts = sorted(
        p for p in HERE.glob("*.py") if p.name not in {"run.py", "__init__.py", "_django.py", "locustfile.py"}
    )
    only = set(sys.argv[1:])
    for script in scripts:
        if only and script.stem not in only:
            continue
        if not only and script.stem in ON_REQUEST:
            continue
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        runpy.run_path(str(script), run_name="__main__")
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
