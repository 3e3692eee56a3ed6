"""The verdict puts the audit and the engines' answers side by side and computes nothing new."""

from __future__ import annotations

from types import SimpleNamespace

from casusbelli.analysis.audit import Audit, Check, TheoryVerdict
from casusbelli.analysis.cross import CrossSection, PathFit, QcaResult
from casusbelli.analysis.forecasts import ForecastSection
from casusbelli.analysis.within import WithinCase, WithinSection
from casusbelli.verdict import verdict_section

SUMMARY = {"counts": {"codings": 10, "unknown_codings": 3},
           "theories": [{"id": "a", "coded_share": 0.9}, {"id": "b", "coded_share": 0.4}]}


def _case(cid: str, post: dict[str, float], before: dict[str, float] | None = None) -> WithinCase:
    return WithinCase(case=cid, items=1, ach={}, ach_ranking=(), linchpins=(), diagnosticity={},
                      posterior=post, flat_posterior=post, decision_date=None,
                      posterior_before_decision=before, items_before_decision=(),
                      leader_band=(0.0, 1.0), most_influential=())


def _qca(tid: str, path: PathFit) -> QcaResult:
    return QcaResult(theory=tid, conditions=("x",), dropped_conditions={}, cases=("c1", "c2"),
                     left_out=0, expected=path)


SECTIONS = {
    "within": WithinSection(title="w", cases={
        "c1": _case("c1", {"a": 0.7, "b": 0.3}, {"a": 0.4, "b": 0.6}),
        "c2": _case("c2", {"a": 0.1, "b": 0.9})}),
    "cross": CrossSection(title="c", qca=(
        _qca("a", PathFit(expression="x", incl=0.8, cov=0.5, cases=("c1", "c2", "c3"))),
        _qca("b", PathFit(expression="y", incl=None, cov=None, cases=("c1",),
                          error="only interventions")))),
    "forecasts": ForecastSection(title="f", scores=SimpleNamespace(summary=(  # type: ignore[arg-type]
        {"group": "backtest", "forecaster": "a", "brier": 0.3},
        {"group": "backtest", "forecaster": "b", "brier": 0.1},
        {"group": "backtest", "forecaster": "ensemble", "brier": 0.2}))),
}


def _audit(status_a: str = "inconclusive") -> Audit:
    def row(t: str, status: str, diff: float, w: float, lo: float, hi: float) -> TheoryVerdict:
        return TheoryVerdict(theory=t, status=status, elpd=-20.0, elpd_diff_vs_base=diff,
                             se=2.0, elpd_diff_vs_best=0.0, se_vs_best=0.0, weight=w,
                             weight_interval=(lo, hi), top_share=w, placebo_percentile=0.9,
                             predictors=("x",), excluded=("late",) if t == "b" else ())
    return Audit(workspace="w", content_hash="h", cases=("c1", "c2", "c3"), outcome=(1, 0, 1),
                 settings={}, checks=(Check("separation", "pass", "ok"),
                                      Check("placebo", "warn", "low")),
                 verdict=(row("a", status_a, 3.0, 0.7, 0.4, 1.0),
                          row("b", "not supported", -1.0, 0.3, 0.0, 0.6)),
                 base_elpd=-22.0, seconds=1.0)


def test_verdict_rows_follow_the_audit_and_the_sections():
    v = verdict_section(SUMMARY, SECTIONS, ["a", "b"], audit=_audit())
    rows = {r[0]: r for r in v.tables[0].rows}
    assert rows["a"][1] == "inconclusive" and rows["b"][1] == "not supported"
    assert rows["a"][2] == "+3.00 ± 2.00"
    assert rows["a"][3] == "0.70 [0.40–1.00]"  # never a weight without its interval
    assert rows["a"][4] == "c1 (0.70)" and rows["b"][4] == "c2 (0.90)"
    assert rows["b"][5] == "c1 (0.60)"  # the pre-decision leader
    # the path's fit is the cross section's object, shown to 3 significant digits with its n
    assert rows["a"][6] == "inclS 0.8 covS 0.5 (n = 3)" and rows["b"][6] == "untestable (n = 1)"
    assert v.theories["a"].path is SECTIONS["cross"].qca[0].expected
    assert rows["b"][7] == "0.10" and rows["b"][8] == "40%"
    text = " ".join(v.lines)
    assert "1 checks passed, 1 warnings, 0 failed" in text
    assert "No theory is supported across cases" in text
    assert "b: left out of the cross-case test" in text and "late" in text
    assert v.theories["a"].weight_interval == (0.4, 1.0)
    assert v.to_dict()["theories"]["a"]["weight_interval"] == [0.4, 1.0]


def test_a_supported_theory_is_named():
    v = verdict_section(SUMMARY, SECTIONS, ["a", "b"], audit=_audit("supported"))
    assert "Supported across cases (beats the base rate by at least 2 SE and passes the " \
           "checks): a." in " ".join(v.lines)


def test_verdict_without_audit_gives_no_cross_case_status():
    v = verdict_section({"counts": {}, "theories": []}, {}, ["a"])
    assert v.tables[0].rows == (("a", "not audited", "—", "—", "—", "—", "—", "—", "—"),)
    assert v.lines == ("The cross-case audit did not run: no cross-case status is given.",)
