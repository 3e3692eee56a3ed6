"""The verdict puts the audit and the engines' answers side by side and computes nothing new."""

from __future__ import annotations

from casusbelli.analysis.audit import Audit, Check, TheoryVerdict
from casusbelli.verdict import verdict_section

SUMMARY = {"counts": {"codings": 10, "unknown_codings": 3},
           "theories": [{"id": "a", "coded_share": 0.9}, {"id": "b", "coded_share": 0.4}]}
SECTIONS = {
    "within": {"cases": {"c1": {"posterior": {"a": 0.7, "b": 0.3},
                                "posterior_before_decision": {"a": 0.4, "b": 0.6}},
                         "c2": {"posterior": {"a": 0.1, "b": 0.9}}}},
    "cross": {"qca": [{"theory": "a", "expected": {"inclS": 0.8, "covS": 0.5}},
                      {"theory": "b", "expected": {"error": "only interventions"}}]},
    "forecasts": {"scores": {"summary": [
        {"group": "backtest", "forecaster": "a", "brier": 0.3},
        {"group": "backtest", "forecaster": "b", "brier": 0.1},
        {"group": "backtest", "forecaster": "ensemble", "brier": 0.2}]}},
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
    rows = {r[0]: r for r in v["tables"][0]["rows"]}
    assert rows["a"][1] == "inconclusive" and rows["b"][1] == "not supported"
    assert rows["a"][2] == "+3.00 ± 2.00"
    assert rows["a"][3] == "0.70 [0.40–1.00]"  # never a weight without its interval
    assert rows["a"][4] == "c1 (0.70)" and rows["b"][4] == "c2 (0.90)"
    assert rows["b"][5] == "c1 (0.60)"  # the pre-decision leader
    assert rows["a"][6] == "inclS 0.80 covS 0.50" and rows["b"][6] == "untestable"
    assert rows["b"][7] == "0.10" and rows["b"][8] == "40%"
    text = " ".join(v["lines"])
    assert "1 checks passed, 1 warnings, 0 failed" in text
    assert "No theory is supported across cases" in text
    assert "b: left out of the cross-case test" in text and "late" in text
    assert v["theories"]["a"]["weight_interval"] == [0.4, 1.0]


def test_a_supported_theory_is_named():
    v = verdict_section(SUMMARY, SECTIONS, ["a", "b"], audit=_audit("supported"))
    assert "Supported across cases (beats the base rate by at least 2 SE and passes the " \
           "checks): a." in " ".join(v["lines"])


def test_verdict_without_audit_gives_no_cross_case_status():
    v = verdict_section({"counts": {}, "theories": []}, {}, ["a"])
    assert v["tables"][0]["rows"] == [["a", "not audited", "—", "—", "—", "—", "—", "—", "—"]]
    assert v["lines"] == ["The cross-case audit did not run: no cross-case status is given."]
