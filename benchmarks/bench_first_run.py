"""Benchmark: `casus analyze` on the built-in workspace, first run vs warm run, same run.

Rows: a cold first run (fresh data directory, so the store is built and every section runs;
the audit comes from the shipped file when its key matches) against the warm run that follows
it; the warm run against `python -c "import numpy, pydantic, sqlalchemy"` (the import floor);
and, on a copy of the workspace with a warm store, `casus analyze` after editing one forecast
question's rationale against `casus analyze` after editing one case coding's value (which
re-runs every section, the audit's model fits included).
Each is a real subprocess; best of 3 for the warm run and the floor.

Run: ``python benchmarks/bench_first_run.py`` or through ``benchmarks/run.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Time the first and the warm `casus analyze` (see the module notes)."""
    exe = [sys.executable, "-m", "casusbelli"]
    floor_cmd = [sys.executable, "-c", "import numpy, pydantic, sqlalchemy"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CASUS_DATA_DIR": str(Path(tmp) / "data"), "HOME": tmp}
        env.pop("CASUS_DB", None)
        cold = _time([*exe, "analyze"], env)
        warm = min(_time([*exe, "analyze"], env) for _ in range(1 if quick else 3))
    floor = min(_time(floor_cmd, dict(os.environ)) for _ in range(3))
    edited_q, edited_case = _edits(exe)
    return [
        {"case": "casus analyze, built-in workspace, first run (fresh data dir)", "n": 1,
         "seconds": cold, "baseline": "the warm run after it", "baseline_seconds": warm,
         "ratio": cold / warm},
        {"case": "casus analyze, warm", "n": 1, "seconds": warm,
         "baseline": "import numpy, pydantic, sqlalchemy", "baseline_seconds": floor,
         "ratio": warm / floor},
        {"case": "casus analyze after editing one question file", "n": 1,
         "seconds": edited_q, "baseline": "after editing one case coding's value (full run)",
         "baseline_seconds": edited_case, "ratio": edited_q / edited_case},
    ]


def _edits(exe: list[str]) -> tuple[float, float]:
    """Seconds of `casus analyze` after a question edit and after a coding edit (warm store)."""
    import re
    import shutil

    from casusbelli.workspace.load import resolve_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(resolve_workspace("russia"), ws, ignore=shutil.ignore_patterns(".casus"))
        env = {**os.environ, "HOME": tmp}
        env.pop("CASUS_DB", None)
        cmd = [*exe, "analyze", "-w", str(ws)]
        _time(cmd, env)  # build the store and fill the caches
        q = sorted((ws / "questions").glob("*.yaml"))[-1]
        # a change of the file's bytes (its content hash), as any edit of its text makes
        q.write_text(q.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        edited_q = _time(cmd, env)
        case = ws / "cases" / "syria-2015.yaml"
        text = case.read_text(encoding="utf-8")
        text = re.sub(r"(  opening:\n    value: )([0-9.]+)", lambda m: m.group(1)
                      + ("0.33" if m.group(2) != "0.33" else "0.67"), text, count=1)
        case.write_text(text, encoding="utf-8")
        edited_case = _time(cmd, env)
    return edited_q, edited_case


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)  # noqa: T201
