"""Agreement between two independent elicitations of the ukraine-2022 likelihoods, and their pool.

The first elicitation (``docs/intercoder/ukraine-2022-first-elicitation.json``, frozen before the
second was made) and the blind second one (``ukraine-2022-second-elicitation.yaml``, made from
``ukraine-2022-packet.md``, which shows the items and hypotheses but no likelihood) give
P(E | H) for every item and hypothesis.

Agreement: Krippendorff's alpha (interval metric) over the item x hypothesis cells, on the
log-odds of the likelihoods (Krippendorff, *Content Analysis*, 2nd ed., Sage, 2004), computed
with the ``krippendorff`` package; also the share of cells whose two values lean the same way
(both above, both below or both at 0.5).

Pool: the logarithmic opinion pool with equal weights, i.e. the geometric mean of the two
likelihoods per cell (Genest and Zidek, "Combining probability distributions: a critique and an
annotated bibliography", *Statistical Science* 1(1), 1986). For likelihoods it averages the two
analysts' weights of evidence, so a Bayes update with the pooled values is the mean of the two
updates in log space.

Usage: python scripts/elicitation.py [--json] [--write]   (--write puts the pooled values into
the built-in workspace's evidence/ukraine-2022.yaml, keeping its comments and layout)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import krippendorff
import numpy as np
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "docs" / "intercoder"
EVIDENCE = ROOT / "src/casusbelli/workspace/builtin/russia/evidence/ukraine-2022.yaml"
THEORIES = ("opportunism", "insecurity", "legacy", "influence")


def load() -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """(first, second): item id -> hypothesis -> likelihood."""
    first = {r["id"]: r["likelihoods"]
             for r in json.loads((HERE / "ukraine-2022-first-elicitation.json").read_text("utf-8"))}
    rows = YAML(typ="safe").load((HERE / "ukraine-2022-second-elicitation.yaml").read_text("utf-8"))
    second = {r["id"]: r["likelihoods"] for r in rows}
    if set(first) != set(second):
        raise SystemExit(f"items differ: {sorted(set(first) ^ set(second))}")
    return first, second


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def agreement(first, second) -> dict[str, object]:
    """Alpha on log-odds, overall and per hypothesis, and the same-direction share."""
    ids = sorted(first)
    out: dict[str, object] = {"items": len(ids)}

    def alpha(cells: list[tuple[float, float]]) -> float:
        data = np.array([[logit(a) for a, _ in cells], [logit(b) for _, b in cells]])
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))

    cells = [(first[i][h], second[i][h]) for i in ids for h in THEORIES]
    out["alpha_logodds"] = alpha(cells)
    out["same_direction"] = float(np.mean([np.sign(a - 0.5) == np.sign(b - 0.5) for a, b in cells]))
    out["mean_abs_difference"] = float(np.mean([abs(a - b) for a, b in cells]))
    out["by_hypothesis"] = {
        h: {"alpha_logodds": alpha([(first[i][h], second[i][h]) for i in ids]),
            "same_direction": float(np.mean([np.sign(first[i][h] - 0.5)
                                             == np.sign(second[i][h] - 0.5) for i in ids]))}
        for h in THEORIES}
    return out


def pooled(first, second) -> dict[str, dict[str, float]]:
    """Geometric mean per cell, rounded to 3 decimals (the evidence files' precision)."""
    return {i: {h: round(math.sqrt(first[i][h] * second[i][h]), 3) for h in THEORIES}
            for i in first}


def write(pool: dict[str, dict[str, float]]) -> None:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc = yaml.load(EVIDENCE.read_text("utf-8"))
    for item in doc["items"]:
        lk = item["likelihoods"]
        for h in THEORIES:
            lk[h] = pool[item["id"]][h]
    with EVIDENCE.open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)


if __name__ == "__main__":
    a, b = load()
    result = agreement(a, b)
    if "--write" in sys.argv:
        write(pooled(a, b))
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['items']} items; alpha (log-odds, interval) {result['alpha_logodds']:.2f}; "
              f"same direction {result['same_direction']:.0%}; mean |difference| "
              f"{result['mean_abs_difference']:.2f}")
        for h, r in result["by_hypothesis"].items():
            print(f"  {h:12} alpha {r['alpha_logodds']:.2f}, same direction {r['same_direction']:.0%}")
