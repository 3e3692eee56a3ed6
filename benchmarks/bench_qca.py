"""QCA engine vs a straightforward pure-Python Quine-McCluskey, on the synthetic crisp files.

Data: ``shared/data/qca/synthetic/synthetic_crisp_K{8,12,16}_N2000_noise0.csv`` (2,000 rows,
outcome ``Y = A*B*~C + D*E + F*~G*H``). Steps as in the README there: truth table with
``incl_cut=1``, complex solution, parsimonious solution. R QCA 3.25's own wall times (from that
README, 2-core machine) are quoted in the ``baseline`` text of the ``engine vs R`` rows; the
pure-Python Quine-McCluskey below is timed in the same run.

Run ``python benchmarks/bench_qca.py`` (add ``--quick`` for K=8 only).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from casusbelli.cross import minimize, truth_table  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "qca" / "synthetic"
# R QCA 3.25 wall seconds from synthetic/README.md: truthTable, complex, parsimonious
R_SECONDS = {8: (0.27, 9.2, 7.3), 12: (0.74, None, None), 16: (1.05, None, None)}
R_NOTE = {
    8: "R QCA 3.25: truthTable 0.27 s + complex 9.2 s + parsimonious 7.3 s",
    12: "R QCA 3.25: truthTable 0.74 s; complex errors after 85 s; parsimonious not finished after 150 s",
    16: "R QCA 3.25: truthTable 1.05 s; minimisation not tried",
}
BASELINE_LIMIT = 1 << 9  # rows (minterms + don't cares) the pure-Python baseline is given


def naive_qm(minterms: list[int], dont_cares: list[int], k: int) -> list[str]:
    """Textbook Quine-McCluskey on strings, then essential PIs plus a greedy cover."""
    terms = {format(m, f"0{k}b") for m in [*minterms, *dont_cares]}
    primes: set[str] = set()
    while terms:
        merged: set[str] = set()
        used: set[str] = set()
        tl = sorted(terms)
        for i, a in enumerate(tl):
            for b in tl[i + 1 :]:
                diff = [p for p in range(k) if a[p] != b[p]]
                if len(diff) == 1 and "-" not in (a[diff[0]], b[diff[0]]):
                    merged.add(a[: diff[0]] + "-" + a[diff[0] + 1 :])
                    used.update((a, b))
        primes |= terms - used
        terms = merged
    targets = [format(m, f"0{k}b") for m in minterms]

    def covers(p: str, t: str) -> bool:
        return all(c == "-" or c == d for c, d in zip(p, t))

    chart = {p: {t for t in targets if covers(p, t)} for p in primes}
    chart = {p: s for p, s in chart.items() if s}
    left = set(targets)
    chosen: list[str] = []
    for t in targets:
        ps = [p for p in chart if t in chart[p]]
        if len(ps) == 1 and ps[0] not in chosen:
            chosen.append(ps[0])
            left -= chart[ps[0]]
    while left:
        best = max(chart, key=lambda p: len(chart[p] & left))
        chosen.append(best)
        left -= chart[best]
    return chosen


def _time(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(quick: bool = False) -> list[dict]:
    """Benchmark rows: case, n, seconds, baseline, baseline_seconds, ratio."""
    rows: list[dict] = []
    for k in (8,) if quick else (8, 12, 16):
        path = SHARED / f"synthetic_crisp_K{k}_N2000_noise0.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, index_col=0)
        conds = [c for c in df.columns if c != "Y"]
        tt, t_tt = _time(lambda: truth_table(df, "Y", conds, incl_cut=1))
        comp, t_c = _time(lambda: minimize(tt, max_models=20))
        pars, t_p = _time(lambda: minimize(tt, include="?"))
        pos = tt.codes(["1"]).tolist()
        observed = {r.row_id - 1 for r in tt.observed}
        remainders = [c for c in range(1 << k) if c not in observed]
        n = len(df)
        # complex: engine vs naive QM on the positive rows
        _, t_nc = _time(lambda: naive_qm(pos, [], k))
        rows.append(
            {
                "case": f"qca complex K={k} ({len(comp.models)} model(s){', truncated' if comp.truncated else ''})",
                "n": n,
                "seconds": t_c,
                "baseline": "pure-Python Quine-McCluskey + greedy cover",
                "baseline_seconds": t_nc,
                "ratio": t_nc / t_c if t_c else None,
            }
        )
        expr = pars.models[0].expression
        if len(pos) + len(remainders) <= BASELINE_LIMIT:
            _, t_np = _time(lambda: naive_qm(pos, remainders, k))
        else:
            t_np = None
        rows.append(
            {
                "case": f"qca parsimonious K={k} -> {expr}",
                "n": n,
                "seconds": t_p,
                "baseline": "pure-Python Quine-McCluskey with remainders as don't cares"
                + ("" if t_np is not None else f" (not run: over {BASELINE_LIMIT} rows)"),
                "baseline_seconds": t_np,
                "ratio": (t_np / t_p) if t_np else None,
            }
        )
        r = R_SECONDS[k]
        r_total = sum(r) if all(v is not None for v in r) else None
        total = t_tt + t_c + t_p
        rows.append(
            {
                "case": f"qca truth table + complex + parsimonious K={k}",
                "n": n,
                "seconds": total,
                "baseline": R_NOTE[k],
                "baseline_seconds": r_total,
                "ratio": (r_total / total) if r_total else None,
            }
        )
    return rows


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "-" if v is None else str(v)


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    cols = ["case", "n", "seconds", "baseline_seconds", "ratio", "baseline"]
    print(" | ".join(cols))  # noqa: T201
    for row in result:
        print(" | ".join(_fmt(row[c]) for c in cols))  # noqa: T201
