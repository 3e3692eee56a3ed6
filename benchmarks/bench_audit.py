"""Benchmark: the audit of the built-in workspace, and its fast fits against NUTS, same run.

Rows:

1. one direction-free fit of the opportunism model by Laplace + PSIS importance sampling
   (2,000 draws) against the NUTS fit of the same model (PyMC, 2 chains x 500 draws after 500
   tuning steps, compile included);
2. the whole audit, cold (every model fitted; placebo, permutation and bootstrap counts in the
   row), against the same single NUTS fit: the ratio says how many NUTS fits the whole audit
   costs;
3. the audit read back from the store's cache (warm) against the cold audit.

Run: ``python benchmarks/bench_audit.py [--quick]`` or through ``benchmarks/run.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Time the audit and its fits (see the module notes)."""
    from casusbelli.analysis.audit import AuditSettings, _inputs, audit_workspace
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.cross.laplace import fit_fast
    from casusbelli.cross.models import ModelSettings, fit_logistic
    from casusbelli.store.build import build_store

    warnings.simplefilter("ignore")
    ws = load_workspace()
    inp = _inputs(ws, ws.theory_ids)
    t = "opportunism"
    x, y, names = inp.x[t], inp.y, list(inp.predictors[t])
    fit_fast(x, y, indicators=names, name=t, rng=np.random.default_rng(0))  # warm-up
    t0 = time.perf_counter()
    fast = fit_fast(x, y, indicators=names, name=t, rng=np.random.default_rng(1))
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    nuts, _ = fit_logistic(x, y, indicators=names, name=t, settings=ModelSettings())
    t_nuts = time.perf_counter() - t0
    rows = [{
        "case": f"fit opportunism model ({len(y)} cases); elpd fast {fast.fit.elpd_loo:.2f}, "
                f"NUTS {nuts.elpd_loo:.2f}",
        "n": len(y), "seconds": t_fast, "baseline": "NUTS fit of the same model",
        "baseline_seconds": t_nuts, "ratio": t_nuts / t_fast,
    }]
    st = (AuditSettings(placebos=10, permutations=100, bootstrap=50) if quick
          else AuditSettings())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'casus.db'}"
        build_store(ws, url)
        t0 = time.perf_counter()
        audit_workspace(ws, url, settings=st)
        t_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = audit_workspace(ws, url, settings=st)
        t_warm = time.perf_counter() - t0
        assert warm.cached
    rows.append({
        "case": f"casus audit, built-in workspace, cold ({st.placebos} placebos per theory, "
                f"{st.permutations} QCA permutations, {st.bootstrap} bootstrap replicates)",
        "n": len(y), "seconds": t_cold, "baseline": "one NUTS fit (row above)",
        "baseline_seconds": t_nuts, "ratio": t_nuts / t_cold,
    })
    rows.append({
        "case": "casus audit, warm (read from the store's cache)", "n": len(y),
        "seconds": t_warm, "baseline": "cold audit", "baseline_seconds": t_cold,
        "ratio": t_cold / t_warm,
    })
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)  # noqa: T201
