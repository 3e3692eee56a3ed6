"""The verdict: which theory wins where, and how sure we are — read off the engines' sections.

Pure: takes the summary and the section dictionaries that :func:`casusbelli.pipeline.analyze`
collected, and returns a section of the same shape (``lines`` and ``tables``). It computes
nothing new; it puts the engines' answers side by side with the caveats that bound them
(unknown codings, cases the engines had to leave out, backtests that are not track records).
"""

from __future__ import annotations

from typing import Any

__all__ = ["verdict_section"]


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.2f}"


def verdict_section(summary: dict[str, Any], sections: dict[str, dict[str, Any]],
                    theories: list[str]) -> dict[str, Any]:
    """One row per theory: where the within-case, cross-case and forecast evidence puts it."""
    within = sections.get("within") or {}
    cross = sections.get("cross") or {}
    forecasts = sections.get("forecasts") or {}

    wins: dict[str, list[str]] = {t: [] for t in theories}
    for cid, case in (within.get("cases") or {}).items():
        post = case.get("posterior") or {}
        if post:
            best = max(post, key=lambda t: post[t])
            wins.setdefault(best, []).append(f"{cid} ({post[best]:.2f})")

    weights = cross.get("weights") or {}
    qca = {r.get("theory"): r for r in cross.get("qca") or [] if isinstance(r, dict)}
    brier: dict[str, float] = {}
    for row in (forecasts.get("scores") or {}).get("summary") or []:
        if row.get("group") == "backtest" and row.get("brier") is not None:
            brier[row["forecaster"]] = row["brier"]

    coded = {t["id"]: t.get("coded_share") for t in summary.get("theories", [])}
    rows = []
    for t in theories:
        q = qca.get(t) or {}
        exp = q.get("expected") or {}
        path = "untestable" if exp.get("error") else (
            f"inclS {exp['inclS']:.2f} covS {exp['covS']:.2f}" if "inclS" in exp else "—")
        rows.append([
            t,
            ", ".join(wins.get(t, [])) or "—",
            _fmt(weights.get(t)),
            path,
            _fmt(brier.get(t)),
            "—" if coded.get(t) is None else f"{coded[t]:.0%}",
        ])

    lines = []
    ranked = sorted(weights, key=lambda t: -weights[t])
    if ranked:
        lines.append("Across cases the per-theory models weight " + ", ".join(
            f"{t} {weights[t]:.2f}" for t in ranked) + " (stacking on PSIS-LOO).")
    if brier:
        best = min(brier, key=lambda t: brier[t])
        lines.append(f"On the backtest questions the lowest Brier score is {best}'s "
                     f"({brier[best]:.3f}; ensemble {_fmt(brier.get('ensemble'))}). A backtest "
                     "is written after the outcomes: it is not a track record.")
    c = summary.get("counts", {})
    if c.get("codings"):
        lines.append(f"Caveat: {c['unknown_codings']} of {c['codings']} codings are unknown; a "
                     "theory whose indicators are rarely coded is tested on fewer cases (coded "
                     "share in the table).")
    return {
        "title": "Verdict: which theory wins where",
        "theories": {r[0]: {"within_wins": wins.get(r[0], []), "weight": weights.get(r[0]),
                            "backtest_brier": brier.get(r[0])} for r in rows},
        "lines": lines,
        "tables": [{
            "title": "Each theory across the engines",
            "columns": ["theory", "most probable in (posterior)", "cross-case weight",
                        "expected path (QCA)", "backtest Brier", "indicators coded"],
            "rows": rows,
        }],
    }
