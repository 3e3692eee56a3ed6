"""The verdict puts the engines' answers side by side and computes nothing new."""

from __future__ import annotations

from casusbelli.verdict import verdict_section

SUMMARY = {"counts": {"codings": 10, "unknown_codings": 3},
           "theories": [{"id": "a", "coded_share": 0.9}, {"id": "b", "coded_share": 0.4}]}
SECTIONS = {
    "within": {"cases": {"c1": {"posterior": {"a": 0.7, "b": 0.3}},
                         "c2": {"posterior": {"a": 0.1, "b": 0.9}}}},
    "cross": {"weights": {"a": 0.25, "b": 0.75},
              "qca": [{"theory": "a", "expected": {"inclS": 0.8, "covS": 0.5}},
                      {"theory": "b", "expected": {"error": "only interventions"}}]},
    "forecasts": {"scores": {"summary": [
        {"group": "backtest", "forecaster": "a", "brier": 0.3},
        {"group": "backtest", "forecaster": "b", "brier": 0.1},
        {"group": "backtest", "forecaster": "ensemble", "brier": 0.2}]}},
}


def test_verdict_rows_follow_the_sections():
    v = verdict_section(SUMMARY, SECTIONS, ["a", "b"])
    rows = {r[0]: r for r in v["tables"][0]["rows"]}
    assert rows["a"][1] == "c1 (0.70)" and rows["b"][1] == "c2 (0.90)"
    assert rows["a"][2] == "0.25" and rows["b"][2] == "0.75"
    assert rows["a"][3] == "inclS 0.80 covS 0.50" and rows["b"][3] == "untestable"
    assert rows["b"][4] == "0.10" and rows["b"][5] == "40%"
    assert "lowest Brier score is b's (0.100" in " ".join(v["lines"])
    assert "3 of 10 codings are unknown" in " ".join(v["lines"])


def test_verdict_with_missing_sections_says_nothing_it_does_not_know():
    v = verdict_section({"counts": {}, "theories": []}, {}, ["a"])
    assert v["tables"][0]["rows"] == [["a", "—", "—", "—", "—", "—"]]
    assert v["lines"] == []
