"""Start-up of the ``casus`` command line vs importing typer alone (issue #15, item 3).

Rows: ``casus --version`` and ``casus --help`` (``python -m casusbelli ...``), each against
``python -c "import typer"`` as the baseline, the floor any typer CLI pays. Each figure is the
best of 5 fresh subprocesses (best, not mean: on a shared machine the minimum is the least
disturbed run), with bytecode caching on as in an installed package. The target is a ratio
<= 1.5.

Run ``python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def _best(argv: list[str], runs: int = RUNS) -> float:
    # as an installed package runs: bytecode cached (the first run writes it)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def run(quick: bool = False) -> list[dict]:
    """Time ``casus --version`` and ``casus --help`` against ``import typer`` (best of 5)."""
    py = sys.executable
    rows = []
    for case in ("--version", "--help"):
        base = _best([py, "-c", "import typer"])
        secs = _best([py, "-m", "casusbelli", case])
        rows.append(dict(case=f"casus {case}", n=RUNS, seconds=secs,
                         baseline='python -c "import typer"', baseline_seconds=base,
                         ratio=secs / base))
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['case']:<16} {row['seconds']:.3f} s   {row['baseline']}: "
              f"{row['baseline_seconds']:.3f} s   ratio {row['ratio']:.2f}")
