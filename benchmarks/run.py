"""Run every benchmark and print one table (case, n, seconds, baseline, baseline seconds, ratio).

Usage: python benchmarks/run.py [--quick] [--only qca,ach,...] [--json FILE]

Each ``benchmarks/bench_<name>.py`` exposes ``run(quick: bool) -> list[dict]``; the baseline of
every row is timed in the same run, on the same machine, so the ratio is meaningful even when
the machine is busy. Timing never goes in tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="casusbelli benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", help="comma-separated names (qca, ach, discourse, ...)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 180)
    wanted = set(args.only.split(",")) if args.only else None
    rows: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        t0 = time.perf_counter()
        console.print(f"[bold]{name}[/] ...")
        for row in _load(path).run(quick=args.quick):
            rows.append({"bench": name, **row})
        console.print(f"  done in {time.perf_counter() - t0:.1f}s")
    t = Table(title=f"casusbelli benchmarks ({'quick' if args.quick else 'full'}; "
                    f"{platform.processor() or platform.machine()}, Python "
                    f"{platform.python_version()})", title_justify="left")
    for col in ("bench", "case", "n", "seconds", "baseline", "baseline s", "ratio"):
        t.add_column(col, justify="right" if col in ("n", "seconds", "baseline s", "ratio")
                     else "left")

    def num(v, fmt):
        return "" if v is None or v == "" else (fmt.format(v) if isinstance(v, int | float) else str(v))

    for r in rows:
        t.add_row(r["bench"], str(r.get("case", "")), num(r.get("n"), "{:,}"),
                  num(r.get("seconds"), "{:.3f}"), str(r.get("baseline", "")),
                  num(r.get("baseline_seconds"), "{:.3f}"), num(r.get("ratio"), "{:.1f}×"))
    console.print(t)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
