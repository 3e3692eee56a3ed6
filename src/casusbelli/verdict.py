"""The verdict: which theory wins where, and how sure we are — read off the engines' results.

Pure: takes the summary, the section dictionaries that :func:`casusbelli.pipeline.analyze`
collected and the typed :class:`~casusbelli.analysis.audit.Audit`, and returns a section of the
same shape (``lines`` and ``tables``). It computes nothing new: the cross-case status, elpd
difference, weight and interval are the audit's (so ``casus analyze`` and ``casus audit --json``
print the same numbers), put beside the within-case posteriors (all evidence and what was
knowable before the decision) and the caveats that bound them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casusbelli.analysis.audit import Audit

__all__ = ["verdict_section"]


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.2f}"


def _within_wins(within: dict[str, Any], key: str) -> dict[str, list[str]]:
    wins: dict[str, list[str]] = {}
    for cid, case in (within.get("cases") or {}).items():
        post = case.get(key) or {}
        if post:
            best = max(post, key=lambda t: post[t])
            wins.setdefault(best, []).append(f"{cid} ({post[best]:.2f})")
    return wins


def verdict_section(summary: dict[str, Any], sections: dict[str, dict[str, Any]],
                    theories: list[str], audit: Audit | None = None) -> dict[str, Any]:
    """One row per theory: its audited cross-case status, and where within-case evidence puts it."""
    within = sections.get("within") or {}
    cross = sections.get("cross") or {}
    forecasts = sections.get("forecasts") or {}
    wins = _within_wins(within, "posterior")
    wins_before = _within_wins(within, "posterior_before_decision")
    qca = {r.get("theory"): r for r in cross.get("qca") or [] if isinstance(r, dict)}
    brier: dict[str, float] = {}
    for row in (forecasts.get("scores") or {}).get("summary") or []:
        if row.get("group") == "backtest" and row.get("brier") is not None:
            brier[row["forecaster"]] = row["brier"]
    audited = {v.theory: v for v in audit.verdict} if audit is not None else {}

    coded = {t["id"]: t.get("coded_share") for t in summary.get("theories", [])}
    rows = []
    theory_doc: dict[str, Any] = {}
    for t in theories:
        q = qca.get(t) or {}
        exp = q.get("expected") or {}
        path = "untestable" if exp.get("error") else (
            f"inclS {exp['inclS']:.2f} covS {exp['covS']:.2f}" if "inclS" in exp else "—")
        v = audited.get(t)
        if v is not None and v.se == v.se:  # a fitted theory (se is not NaN)
            status = v.status
            elpd = f"{v.elpd_diff_vs_base:+.2f} ± {v.se:.2f}"
            weight = f"{v.weight:.2f} [{v.weight_interval[0]:.2f}–{v.weight_interval[1]:.2f}]"
        else:
            status = v.status if v is not None else "not audited"
            elpd, weight = "—", "—"
        rows.append([
            t, status, elpd, weight,
            ", ".join(wins.get(t, [])) or "—",
            ", ".join(wins_before.get(t, [])) or "—",
            path,
            _fmt(brier.get(t)),
            "—" if coded.get(t) is None else f"{coded[t]:.0%}",
        ])
        theory_doc[t] = {
            "status": status,
            "elpd_diff_vs_base": v.elpd_diff_vs_base if v is not None else None,
            "se": v.se if v is not None else None,
            "weight": v.weight if v is not None else None,
            "weight_interval": list(v.weight_interval) if v is not None else None,
            "flags": list(v.flags) if v is not None else [],
            "within_wins": wins.get(t, []),
            "within_wins_before_decision": wins_before.get(t, []),
            "backtest_brier": brier.get(t),
        }

    lines = []
    if audit is not None:
        c = audit.counts
        lines.append(
            f"Cross-case audit: {c['pass']} checks passed, {c['warn']} warnings, {c['fail']} "
            f"failed, on {len(audit.cases)} cases ({sum(audit.outcome)} interventions); "
            "`casus audit` lists them.")
        supported = [v.theory for v in audit.verdict if v.status == "supported"]
        suspect = [v.theory for v in audit.verdict if v.status == "suspect"]
        if supported:
            lines.append("Supported across cases (beats the base rate by at least 2 SE and "
                         "passes the checks): " + ", ".join(supported) + ".")
        else:
            lines.append("No theory is supported across cases: none beats the base rate by "
                         "2 SE and passes the checks. The fair cross-case result is "
                         "inconclusive.")
        if suspect:
            lines.append("Suspect (a check failed): " + ", ".join(suspect) + ".")
        for v in audit.verdict:
            if v.excluded:
                lines.append(f"{v.theory}: left out of the cross-case test as describing the "
                             f"intervention, not what preceded it: {', '.join(v.excluded)}.")
    else:
        lines.append("The cross-case audit did not run: no cross-case status is given.")
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
        "title": "Verdict: which theory wins where, and how sure we are",
        "theories": theory_doc,
        "lines": lines,
        "tables": [{
            "title": "Each theory: audited cross-case status, and within-case leaders",
            "columns": ["theory", "cross-case status", "elpd − base ± SE",
                        "weight [90% interval]", "most probable in (all evidence)",
                        "most probable in (before the decision)", "expected path (QCA)",
                        "backtest Brier", "indicators coded"],
            "rows": rows,
        }],
    }
