"""Forecast rules: computed from the workspace's codings, checked against typed values, and
marked as the forecast's basis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from casusbelli.analysis.forecast_ops import forecast_view
from casusbelli.errors import ForecastError
from casusbelli.forecast.rules import evaluate_linear, parse_path, path_membership, round_to_step
from casusbelli.workspace import builtin_path, load_workspace, validate_workspace

RULED = """title: Will case one's pattern recur by 2030?
criteria: Yes if it recurs by 31 December 2030.
opens: '2026-01-01'
closes: '2030-12-31'
resolves: '2031-06-30'
forecasts:
  alpha:
    value: {alpha_value}
    rationale: From the rule.
    rule: {{kind: linear, case: one, path: 'a*~b', base: 0.1, slope: 0.8, round: 0.05,
           unknown: 0.5}}
  beta:
    rationale: A stated base rate.
    rule: {{kind: base_rate, value: 0.25, sources: [{{source: src1}}]}}
"""


def _ruled(alpha_value: str = "0.5") -> str:
    return RULED.format(alpha_value=alpha_value)


def test_path_precedence_and_fuzzy_semantics():
    e = parse_path("x*(y + z)*~w")
    assert path_membership(e, {"x": 0.67, "y": 0.33, "z": 1.0, "w": 0.0}) == pytest.approx(0.67)
    assert path_membership(e, {"x": 1.0, "y": 0.0, "z": 0.0, "w": 0.0}) == 0.0
    # '~' binds tighter than '*', which binds tighter than '+'
    assert path_membership(parse_path("~x*y + z"), {"x": 0.2, "y": 0.5, "z": 0.1}) == 0.5


def test_round_to_step_takes_the_nearest_multiple():
    assert round_to_step(0.1 + 0.8 * 0.33, 0.05) == 0.35
    assert round_to_step(0.1 + 0.8 * 0.67, 0.05) == 0.65
    assert round_to_step(0.364, None) == 0.364


def test_linear_rule_counts_unknown_as_stated_and_reports_inputs():
    r = evaluate_linear("a*~b", {"a": (0.67, True), "b": (None, True)}, base=0.1, slope=0.8,
                        step=0.05, unknown=0.5, case="one")
    assert (r.value, r.membership) == (0.5, 0.5)
    assert [(i.indicator, i.coded, i.used, i.status) for i in r.inputs] == [
        ("a", 0.67, 0.67, "coded"), ("b", None, 0.5, "unknown")]


def test_linear_rule_without_unknown_refuses_an_unknown_coding():
    with pytest.raises(ForecastError, match="codes unknown"):
        evaluate_linear("a*b", {"a": (0.67, True), "b": (None, True)}, base=0.1, slope=0.8)


@pytest.mark.parametrize("bad", ["a*", "a + (b", "a & b", ""])
def test_a_malformed_path_is_refused(bad):
    with pytest.raises(ForecastError):
        parse_path(bad)


def test_rule_value_is_computed_and_a_typed_value_must_agree(forecast_ws):
    ws = load_workspace(forecast_ws({"questions/ruled.yaml": _ruled()}))
    q = ws.questions["ruled"]
    assert q.forecasts["alpha"].value == 0.5  # 0.1 + 0.8 * min(0.67, 1 - 0.5)
    assert q.forecasts["beta"].value == 0.25  # computed; no value typed
    assert (q.forecasts["alpha"].basis, q.forecasts["beta"].basis) == ("rule", "rule")
    assert ws.questions["live"].forecasts["alpha"].basis == "judgement"


def test_a_typed_value_contradicting_its_rule_is_a_located_error(forecast_ws):
    root = forecast_ws({"questions/ruled.yaml": _ruled("0.6")})
    ws, problems = validate_workspace(root)
    assert ws is None
    (p,) = [p for p in problems if "disagrees with its rule" in p.message]
    assert p.file == "questions/ruled.yaml" and p.field == "forecasts.alpha.value"
    text = (Path(root) / "questions/ruled.yaml").read_text().splitlines()
    assert text[p.line - 1].strip() == "value: 0.6"
    assert "gives 0.5" in p.message


def test_a_rule_naming_an_unknown_case_or_indicator_is_located(forecast_ws):
    bad = _ruled().replace("case: one", "case: three")
    _, problems = validate_workspace(forecast_ws({"questions/ruled.yaml": bad}))
    assert any(p.field == "forecasts.alpha.rule.case" and "three" in p.message for p in problems)
    bad = _ruled().replace("'a*~b'", "'a*~zz'")
    _, problems = validate_workspace(forecast_ws({"questions/ruled.yaml": bad}))
    assert any(p.field == "forecasts.alpha.rule.path" and "zz" in p.message for p in problems)


def test_forecast_json_gives_each_theory_forecast_its_basis_and_rule_inputs(forecast_ws, tmp_path):
    ws = load_workspace(forecast_ws({"questions/ruled.yaml": _ruled()}))
    url = f"sqlite:///{tmp_path / 'casus.db'}"
    doc = json.loads(json.dumps(forecast_view(ws, url, question="ruled").to_dict()))
    basis = doc["forecasts"][0]["basis"]
    assert basis["alpha"]["basis"] == "rule"
    assert basis["alpha"]["rule"]["membership"] == 0.5
    assert [i["indicator"] for i in basis["alpha"]["rule"]["inputs"]] == ["a", "b"]
    assert basis["beta"]["rule"] == {"kind": "base_rate", "sources": ["src1"], "value": 0.25,
                                     "membership": None, "raw": 0.25, "inputs": []}
    live = forecast_view(ws, url, question="live").to_dict()["forecasts"]
    assert {r["scenario"]: r["basis"]["alpha"]["basis"] for r in live} == {
        "base": "judgement", "shock": "judgement"}


def test_builtin_backtest_rules_reproduce_the_typed_values():
    root = builtin_path("russia")
    ws = load_workspace(root)
    checked = 0
    for qid, q in ws.questions.items():
        raw = yaml.safe_load((Path(root) / "questions" / f"{qid}.yaml").read_text())
        for t, f in q.forecasts.items():
            if f.rule is not None:
                assert raw["forecasts"][t]["value"] == f.value, (qid, t)
                checked += 1
            if not q.retrospective:
                assert f.basis == "judgement", (qid, t)
    assert checked == 58  # 15 questions x 4 theories, less two legacy forecasts kept as judgement
    assert ws.questions["bt-ukraine-2022"].forecasts["legacy"].basis == "judgement"
