"""Agreement between the built-in workspace's coding and a blind second coding.

Reads ``docs/intercoder/second-coding.yaml`` (cells sampled at random from the predictor
codings with the seed in ``docs/intercoder/README.md``) and prints, per theory, the number of
cells, how many both coders could code, exact agreement, and Krippendorff's alpha (interval
and ordinal metrics; Krippendorff, *Content Analysis*, 2nd ed., Sage, 2004), computed
with the ``krippendorff`` package. Unknown (null) is missing data for alpha.

Usage: python scripts/intercoder.py [--json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import krippendorff
import numpy as np
from ruamel.yaml import YAML

from casusbelli.analysis.measured import load_workspace

HERE = Path(__file__).resolve().parents[1] / "docs" / "intercoder"


def first_coding(path: Path = HERE / "first-coding.json") -> dict[tuple[str, str], float | None]:
    """The first coding of the sampled cells as it stood when the second coder coded them.

    Agreement is measured between the two independent codings; the workspace's current values
    (which may since have been re-coded, some of them in the light of the disagreements) would
    overstate it.
    """
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {(r["case"], r["indicator"]): r["value"] for r in rows}


def agreement(path: Path = HERE / "second-coding.yaml") -> list[dict[str, object]]:
    """One row per theory (and ``all``) with the counts and alphas."""
    ws = load_workspace()
    frozen = first_coding()
    rows = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    by: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        first = frozen[(r["case"], r["indicator"])]
        pair = (np.nan if first is None else float(first),
                np.nan if r["value"] is None else float(r["value"]))
        by.setdefault(ws.indicators[r["indicator"]].theory, []).append(pair)
        by.setdefault("all", []).append(pair)
    out = []
    for theory, pairs in sorted(by.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        a = np.array(pairs, dtype=float).T
        both = ~np.isnan(a).any(axis=0)
        row: dict[str, object] = {"theory": theory, "cells": len(pairs),
                                  "both_known": int(both.sum()),
                                  "first_unknown": int(np.isnan(a[0]).sum()),
                                  "second_unknown": int(np.isnan(a[1]).sum())}
        if both.sum() >= 2 and np.unique(a[:, both]).size > 1:
            row["exact_agreement"] = float(np.mean(np.abs(a[0, both] - a[1, both]) < 0.01))
            row["alpha_interval"] = float(krippendorff.alpha(
                reliability_data=a, level_of_measurement="interval"))
            row["alpha_ordinal"] = float(krippendorff.alpha(
                reliability_data=a, level_of_measurement="ordinal"))
        out.append(row)
    return out


if __name__ == "__main__":
    table = agreement()
    if "--json" in sys.argv:
        print(json.dumps(table, indent=2))
    else:
        for r in table:
            print(r)
