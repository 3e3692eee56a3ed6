"""Research-design warnings: what the cross-case engines leave out, and coding from the outcome."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.workspace.design import argues_from_outcome, design_warnings
from casusbelli.workspace.load import load_workspace
from tests.conftest import MINI_FILES

AFTER = MINI_FILES["indicators.yaml"].replace(
    "    theory: beta\n", "    theory: beta\n    timing: after\n")
ARGUED = MINI_FILES["cases/two.yaml"].replace(
    "a: {value: 0.33, rationale: Less so.,",
    "a: {value: 0, rationale: \"No intervention, so no opening.\",")


def test_outcome_arguing_rationales_are_recognised():
    assert argues_from_outcome("No intervention, so no cost or risk was accepted.")
    assert argues_from_outcome("An intervention would have aimed to keep the ruling party.")
    assert not argues_from_outcome("A Polish army that might fight would have imposed costs.")
    assert not argues_from_outcome("Mass protests forced the prime minister out.")


def test_after_indicator_is_left_out_and_named(make_workspace):
    ws = load_workspace(make_workspace({"indicators.yaml": AFTER}))
    assert ws.predictors_of("beta") == []
    assert ws.excluded_of("beta") == ["b"]
    msgs = [p.message for p in design_warnings(ws)]
    assert any("theory 'beta': b describe the intervention" in m for m in msgs)
    assert any("theory 'beta' has no cross-case predictor" in m for m in msgs)


def test_predictor_argued_from_the_outcome_is_located(make_workspace):
    ws = load_workspace(make_workspace({"cases/two.yaml": ARGUED}))
    (w,) = [p for p in design_warnings(ws) if "argues from the outcome" in p.message]
    assert w.file == "cases/two.yaml" and w.field == "codings.a.rationale"
    assert w.kind == "warning"


def test_na_is_distinct_from_unknown_and_round_trips(make_workspace):
    two = MINI_FILES["cases/two.yaml"].replace(
        "b: {value: 1, rationale: Fully.,", "b: {value: n/a, rationale: Not applicable here.,")
    ws = load_workspace(make_workspace({"cases/two.yaml": two}))
    b = ws.cases["two"].codings["b"]
    assert b.value is None and not b.applicable and not b.known
    assert ws.cases["one"].codings["b"].applicable  # null stays unknown, not n/a
    assert ws.cases["two"].to_doc()["codings"]["b"]["value"] == "n/a"
    msgs = [p.message for p in design_warnings(ws)]
    assert any("b is a predictor (applies to every case) but is coded n/a" in m for m in msgs)


def test_validate_prints_warnings_and_strict_fails(make_workspace):
    root = str(make_workspace({"cases/two.yaml": ARGUED}))
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", root, "--json"])
    assert ok.exit_code == 0
    doc = json.loads(ok.stdout)
    assert any("argues from the outcome" in w["message"] for w in doc["warnings"])
    strict = runner.invoke(app, ["validate", root, "--strict"])
    assert strict.exit_code == 1
    assert "argues from the outcome" in strict.stderr
