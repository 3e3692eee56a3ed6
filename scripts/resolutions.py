"""Check the log of resolved intercoder disagreements and count its outcomes.

A sampled cell (``docs/intercoder/second-coding.yaml``) is a disagreement when the second
coder's value differs from the built-in workspace's value (unknown against known counts).
Every such cell needs an entry in ``docs/intercoder/resolutions.yaml`` giving the value the
sources support, and every entry's ``resolved`` value must be the workspace's value now (the
resolution was applied to the case file). Entries whose resolution adopted the second coder's
value no longer disagree with the workspace but stay in the log.

Outcomes are counted as: ``left unknown`` (resolved is null), ``kept current`` (resolved is
the value the workspace had), ``adopted second`` (resolved is the second coder's value),
``other`` (neither).

Usage: python scripts/resolutions.py [--json]   (exit status 1 when a disagreement has no entry
or an entry does not match the workspace)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ruamel.yaml import YAML

from casusbelli.workspace.load import load_workspace

HERE = Path(__file__).resolve().parents[1] / "docs" / "intercoder"
TOL = 0.01


def same(a: float | None, b: float | None) -> bool:
    """Two codings are the same value (both unknown, or within rounding of the anchors)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < TOL


def workspace_values(ws=None) -> dict[tuple[str, str], float | None]:
    """The workspace's value of every coded cell, keyed by (case, indicator)."""
    ws = ws if ws is not None else load_workspace()
    out: dict[tuple[str, str], float | None] = {}
    for cid, case in ws.cases.items():
        for ind, coding in case.codings.items():
            out[(cid, ind)] = coding.value
    return out


def outcome(entry: dict) -> str:
    """Which way a resolution went."""
    if entry["resolved"] is None:
        return "left unknown"
    if same(entry["resolved"], entry["current"]):
        return "kept current"
    if same(entry["resolved"], entry["second"]):
        return "adopted second"
    return "other"


def check(ws=None, second_path: Path = HERE / "second-coding.yaml",
          log_path: Path = HERE / "resolutions.yaml") -> dict[str, object]:
    """Unresolved disagreements, entries that do not match the workspace, and the counts."""
    y = YAML(typ="safe")
    second = y.load(second_path.read_text(encoding="utf-8"))
    log = y.load(log_path.read_text(encoding="utf-8")) if log_path.exists() else []
    log = log or []
    values = workspace_values(ws)
    by_n = {e["n"]: e for e in log}
    unresolved, mismatched = [], []
    for r in second:
        now = values.get((r["case"], r["indicator"]))
        entry = by_n.get(r["n"])
        if entry is None:
            if not same(now, r["value"]):
                unresolved.append(r["n"])
            continue
        if (entry["case"], entry["indicator"]) != (r["case"], r["indicator"]) \
                or not same(entry["second"], r["value"]) or not same(entry["resolved"], now):
            mismatched.append(r["n"])
    counts = {k: 0 for k in ("kept current", "adopted second", "other", "left unknown")}
    for e in log:
        counts[outcome(e)] += 1
    return {"entries": len(log), "counts": counts, "unresolved": unresolved,
            "mismatched": mismatched}


if __name__ == "__main__":
    report = check()
    if "--json" in sys.argv:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['entries']} resolutions: " + ", ".join(
            f"{k} {v}" for k, v in report["counts"].items()))
        print(f"unresolved disagreements: {report['unresolved'] or 'none'}")
        print(f"entries not matching the workspace: {report['mismatched'] or 'none'}")
    sys.exit(1 if report["unresolved"] or report["mismatched"] else 0)
