"""Benchmark: vectorized ACH scoring vs a plain-Python loop implementation, same run.

Workload (full): 10,000 items x 50 hypotheses x 20 analysts, seeded random ratings with NA,
random credibility/relevance. Both implementations compute the same things: each analyst's
weighted inconsistency, the pooled matrix (median, Open Synthesis NA rule), per-cell
disagreement, the pooled matrix's inconsistency / weighted inconsistency / consistency / rank,
each item's diagnosticity and its linchpin flag ("top" criterion). Krippendorff's alpha is
left out of both (it is one call to the ``krippendorff`` package either way). Results are
asserted identical (all quantities are exact: integer sums, dyadic weights and square roots of
the same integers). Timing: best of 3 runs for the vectorized code (after a warm-up call),
best of 2 for the loops.

Run: ``python benchmarks/bench_ach.py [--quick]`` or through ``benchmarks/run.py``.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any

import numpy as np

from casusbelli.within.ach import NA_CODE, WEIGHTS, score

_P = {2: 0.10, 1: 0.25, 0: 0.30, -1: 0.20, -2: 0.10, NA_CODE: 0.05}


def _data(
    n_analysts: int, n_items: int, n_hyp: int, seed: int = 19
) -> tuple[np.ndarray, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    codes = np.array(list(_P), dtype=np.int8)
    r = rng.choice(codes, size=(n_analysts, n_items, n_hyp), p=list(_P.values())).astype(np.int8)
    levels = ["low", "medium", "high"]
    cred = [levels[k] for k in rng.integers(0, 3, n_items)]
    rel = [levels[k] for k in rng.integers(0, 3, n_items)]
    return r, cred, rel


# --------------------------------------------------------------------------- baseline


def _contrib(c: int) -> int:
    return c if (c < 0 and c != NA_CODE) else 0


def baseline(ratings: list[list[list[int]]], cred: list[str], rel: list[str]) -> dict[str, Any]:
    """Plain-Python loops over lists: the same quantities as :func:`score`."""
    a_n, n, m = len(ratings), len(ratings[0]), len(ratings[0][0])
    w = [WEIGHTS[c] * WEIGHTS[v] for c, v in zip(cred, rel, strict=True)]
    per_analyst = []
    for a in range(a_n):
        tot = [0.0] * m
        for i in range(n):
            row, wi = ratings[a][i], w[i]
            for h in range(m):
                c = row[h]
                if c < 0 and c != NA_CODE:
                    tot[h] += c * wi
        per_analyst.append(tot)
    pooled = [[0] * m for _ in range(n)]
    dis = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for h in range(m):
            vals = [ratings[a][i][h] for a in range(a_n) if ratings[a][i][h] != NA_CODE]
            k = len(vals)
            n_na = a_n - k
            if k == 0 or n_na > k:
                pooled[i][h] = NA_CODE
            else:
                vals.sort()
                pooled[i][h] = int((vals[(k - 1) // 2] + vals[k // 2]) / 2)
            s1 = sum(vals)
            s2 = sum(v * v for v in vals)
            sd_r = math.sqrt((k * s2 - s1 * s1) / (k * (k - 1.0))) if k >= 2 else 0.0
            sd_na = math.sqrt((a_n * k - k * k) / (a_n * (a_n - 1.0))) if a_n >= 2 else 0.0
            dis[i][h] = max(sd_na, sd_r)
    inc = [0] * m
    winc = [0.0] * m
    cons = [0] * m
    diag = [0.0] * n
    for i in range(n):
        row = pooled[i]
        k = s1 = s2 = 0
        for h in range(m):
            c = row[h]
            if c == NA_CODE:
                continue
            k += 1
            s1 += c
            s2 += c * c
            if c < 0:
                inc[h] += c
                winc[h] += c * w[i]
            elif c >= 1:
                cons[h] += 1
        diag[i] = math.sqrt(k * s2 - s1 * s1) / k if k >= 2 else 0.0
    rank = [1 + sum(1 for k2 in range(m) if winc[k2] > winc[h]) for h in range(m)]
    top_val = max(winc)
    top = [s == top_val for s in winc]
    n_top = sum(top)
    second = sorted(winc)[-2] if m > 1 else -math.inf
    linchpin = [False] * n
    for i in range(n):
        row, wi = pooled[i], w[i]
        new = [winc[h] - _contrib(row[h]) * wi for h in range(m)]
        mx = max(new)
        changed = any((new[h] == mx) != top[h] for h in range(m))
        h = 0
        while not changed and h < m:
            c = row[h]
            if c != NA_CODE:
                for step in (-1, 1):
                    if not -2 <= c + step <= 2:
                        continue
                    d = (_contrib(c + step) - _contrib(c)) * wi
                    if d == 0:
                        continue
                    x = winc[h] + d
                    if top[h]:
                        hit = x <= second if n_top == 1 else True
                    else:
                        hit = x >= top_val
                    if hit:
                        changed = True
                        break
            h += 1
        linchpin[i] = changed
    return {
        "per_analyst": per_analyst,
        "pooled": pooled,
        "disagreement": dis,
        "inconsistency": inc,
        "weighted": winc,
        "consistency": cons,
        "rank": rank,
        "diagnosticity": diag,
        "linchpin": linchpin,
    }


def _check(res: Any, base: dict[str, Any]) -> None:
    ag = res.agreement
    assert ag.pooled.tolist() == base["pooled"], "pooled matrices differ"
    assert ag.disagreement.tolist() == base["disagreement"], "disagreement differs"
    assert [list(t) for t in res.analyst_weighted_inconsistency] == base["per_analyst"]
    assert [h.inconsistency for h in res.hypotheses] == base["inconsistency"]
    assert [h.weighted_inconsistency for h in res.hypotheses] == base["weighted"]
    assert [h.consistency for h in res.hypotheses] == base["consistency"]
    assert [h.rank for h in res.hypotheses] == base["rank"]
    assert [i.diagnosticity for i in res.items] == base["diagnosticity"]
    assert [i.linchpin for i in res.items] == base["linchpin"]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Time :func:`casusbelli.within.ach.score` against :func:`baseline` in the same run."""
    a_n, n, m = (5, 1_000, 20) if quick else (20, 10_000, 50)
    r, cred, rel = _data(a_n, n, m)
    score(r[:, :10], credibility=cred[:10], relevance=rel[:10], alpha=False)  # warm-up
    t_vec = math.inf
    for _ in range(3):  # best of 3 (timeit practice; the machine may be shared)
        t0 = time.perf_counter()
        res = score(r, credibility=cred, relevance=rel, alpha=False, criterion="top")
        t_vec = min(t_vec, time.perf_counter() - t0)
    lists = r.tolist()
    t_py = math.inf
    for _ in range(2):  # best of 2
        t0 = time.perf_counter()
        base = baseline(lists, cred, rel)
        t_py = min(t_py, time.perf_counter() - t0)
    _check(res, base)
    return [
        {
            "case": f"ach score+pool+linchpins {a_n} analysts x {n} items x {m} hyps",
            "n": a_n * n * m,
            "seconds": t_vec,
            "baseline": "plain-Python loops",
            "baseline_seconds": t_py,
            "ratio": t_py / t_vec,
        }
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(
            f"{row['case']}: n={row['n']:,} vectorized {row['seconds']:.3f}s, "
            f"{row['baseline']} {row['baseline_seconds']:.2f}s, ratio {row['ratio']:.1f}x"
        )
