"""Rule-based forecasts of a workspace: loading checks a rule's form and ids (no engine runs),
the analysis computes the values from the measured codings, and every problem is located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from casusbelli.analysis.forecast_ops import forecast_view
from casusbelli.analysis.forecast_rules import apply_rule, apply_rules, rule_inputs
from casusbelli.analysis.measured import load_workspace, validate_workspace
from casusbelli.errors import ForecastError, WorkspaceError
from casusbelli.store.build import build_store
from casusbelli.workspace import builtin_path
from casusbelli.workspace import load_workspace as load_files
from casusbelli.workspace import validate_workspace as validate_files
from tests.forecast.conftest import FORECAST_FILES

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


@pytest.fixture
def forecast_ws(make_workspace):
    def make(overrides: dict[str, str | None] | None = None, name: str = "ws"):
        return make_workspace({**FORECAST_FILES, **(overrides or {})}, name=name)

    return make


def test_loading_runs_no_rule_and_the_analysis_computes_the_values(forecast_ws):
    root = forecast_ws({"questions/ruled.yaml": _ruled()})
    loaded = load_files(root)
    assert loaded.questions["ruled"].forecasts["beta"].value is None  # nothing computed yet
    ws = load_workspace(root)
    q = ws.questions["ruled"]
    assert q.forecasts["alpha"].value == 0.5  # 0.1 + 0.8 * min(0.67, 1 - 0.5)
    assert q.forecasts["beta"].value == 0.25  # computed; no value typed
    assert (q.forecasts["alpha"].basis, q.forecasts["beta"].basis) == ("rule", "rule")
    assert ws.questions["live"].forecasts["alpha"].basis == "judgement"
    assert ws.measured


def test_a_typed_value_contradicting_its_rule_is_a_located_error(forecast_ws):
    root = forecast_ws({"questions/ruled.yaml": _ruled("0.6")})
    assert validate_files(root)[1] == []  # the form is right: only the analysis sees it
    ws, problems = validate_workspace(root)
    assert ws is None
    (p,) = [p for p in problems if "disagrees with its rule" in p.message]
    assert p.file == "questions/ruled.yaml" and p.field == "forecasts.alpha.value"
    text = (Path(root) / "questions/ruled.yaml").read_text().splitlines()
    assert text[p.line - 1].strip() == "value: 0.6"
    assert "gives 0.5" in p.message


def test_a_rule_that_cannot_be_evaluated_is_located_at_the_rule(forecast_ws):
    root = forecast_ws({"questions/ruled.yaml": _ruled().replace(",\n           unknown: 0.5", "")})
    ws, problems = validate_workspace(root)
    assert ws is None
    (p,) = problems
    assert (p.file, p.field) == ("questions/ruled.yaml", "forecasts.alpha.rule")
    assert p.message == "rule reads 'b', which case 'one' codes unknown"
    text = (Path(root) / "questions/ruled.yaml").read_text().splitlines()
    assert text[p.line - 1].strip().startswith("rule: {kind: linear")


def test_a_rule_naming_an_unknown_case_or_indicator_is_located_at_load(forecast_ws):
    bad = _ruled().replace("case: one", "case: three")
    _, problems = validate_files(forecast_ws({"questions/ruled.yaml": bad}))
    assert any(p.field == "forecasts.alpha.rule.case" and "three" in p.message for p in problems)
    bad = _ruled().replace("'a*~b'", "'a*~zz'")
    _, problems = validate_files(forecast_ws({"questions/ruled.yaml": bad}))
    assert any(p.field == "forecasts.alpha.rule.path" and "zz" in p.message for p in problems)


def test_a_malformed_path_is_located_at_load(forecast_ws):
    bad = _ruled().replace("'a*~b'", "'a*(~b'")
    root = forecast_ws({"questions/ruled.yaml": bad})
    _, problems = validate_files(root)
    (p,) = problems
    assert (p.file, p.field) == ("questions/ruled.yaml", "forecasts.alpha.rule.path")
    assert p.message == "path 'a*(~b' ends too early"
    assert "a*(~b" in (Path(root) / p.file).read_text().splitlines()[p.line - 1]


def test_apply_rule_reads_the_case_codings_and_reports_its_inputs(forecast_ws):
    ws = load_files(forecast_ws({"questions/ruled.yaml": _ruled()}))
    rule = ws.questions["ruled"].forecasts["alpha"].rule
    doc = rule_inputs(rule, apply_rule(rule, ws.cases))
    assert (doc["value"], doc["membership"], doc["case"]) == (0.5, 0.5, "one")
    assert [(i["indicator"], i["status"]) for i in doc["inputs"]] == [
        ("a", "coded"), ("b", "unknown")]
    with pytest.raises(ForecastError, match="lacks"):
        apply_rule(rule, {})


def test_apply_rules_leaves_a_workspace_without_rules_as_it_is(forecast_ws):
    ws = load_files(forecast_ws())
    assert apply_rules(ws) == (ws, [])


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
                assert apply_rule(f.rule, ws.cases).value == f.value, (qid, t)
                checked += 1
            if not q.retrospective:
                assert f.basis == "judgement", (qid, t)
    assert checked == 58  # 15 questions x 4 theories, less two legacy forecasts kept as judgement
    assert ws.questions["bt-ukraine-2022"].forecasts["legacy"].basis == "judgement"


def test_build_store_refuses_rule_forecasts_never_computed(forecast_ws, tmp_path):
    root = forecast_ws({"questions/ruled.yaml": _ruled()})
    with pytest.raises(WorkspaceError, match="not computed") as info:
        build_store(load_files(root), f"sqlite:///{tmp_path / 'x.db'}")
    assert (info.value.file, info.value.field) == ("questions/ruled.yaml", "forecasts.beta.value")
    assert not (tmp_path / "x.db").exists()
    assert not build_store(load_workspace(root), f"sqlite:///{tmp_path / 'y.db'}").skipped
