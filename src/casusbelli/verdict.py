"""The verdict: which theory wins where, and how sure we are — read off the engines' results.

Pure: takes the summary, the typed sections that :func:`casusbelli.pipeline.analyze` collected
and the typed :class:`~casusbelli.analysis.audit.Audit`, and returns a :class:`VerdictSection`.
It computes nothing new: the cross-case status, elpd difference, weight and interval are the
audit's (so ``casus analyze`` and ``casus audit --json`` print the same numbers), the expected
path's fit is the cross section's :class:`~casusbelli.analysis.cross.PathFit`; they are put
beside the within-case posteriors (all evidence and what was knowable before the decision)
and the caveats that bound them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casusbelli.analysis.cross import CrossSection, PathFit
from casusbelli.analysis.forecasts import ForecastSection
from casusbelli.analysis.sections import Section, Table, sig3
from casusbelli.analysis.within import WithinSection

if TYPE_CHECKING:
    from casusbelli.analysis.audit import Audit

__all__ = ["TheoryRow", "VerdictSection", "verdict_section"]


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.2f}"


TITLE = "Verdict: which theory wins where, and how sure we are"


@dataclass(frozen=True)
class TheoryRow:
    """One theory in the verdict: the audit's status and numbers (exact), where the within-case
    evidence puts it first, its expected path's fit (the cross section's :class:`PathFit`, the
    same object), its backtest Brier score and the share of its indicators coded."""

    theory: str
    status: str
    elpd_diff_vs_base: float | None
    se: float | None
    weight: float | None
    weight_interval: tuple[float, float] | None
    flags: tuple[str, ...]
    within_wins: tuple[str, ...]
    within_wins_before_decision: tuple[str, ...]
    path: PathFit | None
    backtest_brier: float | None
    coded_share: float | None

    @property
    def fitted(self) -> bool:
        """Whether the audit fitted the theory (its standard error is a number)."""
        return self.se is not None and self.se == self.se

    def elpd_text(self) -> str:
        """``+1.87 ± 1.23`` (the verdict's reading precision), or ``—``."""
        if not self.fitted or self.elpd_diff_vs_base is None:
            return "—"
        return f"{self.elpd_diff_vs_base:+.2f} ± {self.se:.2f}"

    def weight_text(self) -> str:
        """``0.61 [0.21–0.98]``, or ``—``."""
        if not self.fitted or self.weight is None or self.weight_interval is None:
            return "—"
        lo, hi = self.weight_interval
        return f"{self.weight:.2f} [{lo:.2f}–{hi:.2f}]"

    def path_text(self) -> str:
        """The expected path's fit for reading: ``inclS 0.778 covS 0.5 (n = 21)``."""
        p = self.path
        if p is None:
            return "—"
        if p.error:
            return f"untestable (n = {p.n})" if p.cases else "untestable"
        return f"inclS {sig3(p.incl)} covS {sig3(p.cov)} (n = {p.n})"

    def to_dict(self) -> dict[str, Any]:
        """JSON (exact numbers)."""
        return {
            "status": self.status, "elpd_diff_vs_base": self.elpd_diff_vs_base, "se": self.se,
            "weight": self.weight,
            "weight_interval": None if self.weight_interval is None else list(
                self.weight_interval),
            "flags": list(self.flags),
            "within_wins": list(self.within_wins),
            "within_wins_before_decision": list(self.within_wins_before_decision),
            "path": None if self.path is None else {
                "expression": self.path.expression, "inclS": self.path.incl,
                "covS": self.path.cov, "n": self.path.n, "error": self.path.error},
            "backtest_brier": self.backtest_brier, "coded_share": self.coded_share,
        }


@dataclass(frozen=True, kw_only=True)
class VerdictSection(Section):
    """The verdict: one :class:`TheoryRow` per theory, plus the audit's summary lines."""

    theories: Mapping[str, TheoryRow] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {"theories": {t: r.to_dict() for t, r in self.theories.items()}}


def _wins_text(within: WithinSection | None, tid: str, before: bool) -> tuple[str, ...]:
    if within is None:
        return ()
    out = []
    for cid in within.wins(before).get(tid, []):
        c = within.cases[cid]
        post = c.posterior_before_decision if before else c.posterior
        out.append(f"{cid} ({post[tid]:.2f})" if post else cid)
    return tuple(out)


def _theory_row(t: str, audit: Audit | None, within: WithinSection | None,
                cross: CrossSection | None, brier: dict[str, float],
                coded: dict[str, float | None]) -> TheoryRow:
    v = next((x for x in audit.verdict if x.theory == t), None) if audit is not None else None
    q = cross.theory(t) if cross is not None else None
    return TheoryRow(
        theory=t, status=v.status if v is not None else "not audited",
        elpd_diff_vs_base=v.elpd_diff_vs_base if v is not None else None,
        se=v.se if v is not None else None, weight=v.weight if v is not None else None,
        weight_interval=tuple(v.weight_interval) if v is not None else None,  # type: ignore[arg-type]
        flags=tuple(v.flags) if v is not None else (),
        within_wins=_wins_text(within, t, False),
        within_wins_before_decision=_wins_text(within, t, True),
        path=q.expected if q is not None else None,
        backtest_brier=brier.get(t), coded_share=coded.get(t))


def _audit_lines(audit: Audit | None) -> list[str]:
    if audit is None:
        return ["The cross-case audit did not run: no cross-case status is given."]
    c = audit.counts
    lines = [f"Cross-case audit: {c['pass']} checks passed, {c['warn']} warnings, {c['fail']} "
             f"failed, on {len(audit.cases)} cases ({sum(audit.outcome)} interventions); "
             "`casus audit` lists them."]
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
    return lines


def verdict_section(summary: dict[str, Any], sections: Mapping[str, Section],
                    theories: list[str], audit: Audit | None = None) -> VerdictSection:
    """One row per theory: its audited cross-case status, and where within-case evidence puts it.

    Reads the typed sections (``within``, ``cross``, ``forecasts``) and the audit; computes
    nothing new.
    """
    within = sections.get("within")
    cross = sections.get("cross")
    forecasts = sections.get("forecasts")
    within = within if isinstance(within, WithinSection) else None
    cross = cross if isinstance(cross, CrossSection) else None
    brier = forecasts.mean_brier() if isinstance(forecasts, ForecastSection) else {}
    coded = {t["id"]: t.get("coded_share") for t in summary.get("theories", [])}
    rows = {t: _theory_row(t, audit, within, cross, brier, coded) for t in theories}
    lines = _audit_lines(audit)
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
    table = Table.of(
        "Each theory: audited cross-case status, and within-case leaders",
        ["theory", "cross-case status", "elpd − base ± SE", "weight [90% interval]",
         "most probable in (all evidence)", "most probable in (before the decision)",
         "expected path (QCA)", "backtest Brier", "indicators coded"],
        [[r.theory, r.status, r.elpd_text(), r.weight_text(), ", ".join(r.within_wins) or "—",
          ", ".join(r.within_wins_before_decision) or "—", r.path_text(),
          _fmt(r.backtest_brier), "—" if r.coded_share is None else f"{r.coded_share:.0%}"]
         for r in rows.values()])
    return VerdictSection(title=TITLE, theories=rows, lines=tuple(lines), tables=(table,))
