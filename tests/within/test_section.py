"""Workspace evidence -> ACH and process tracing, and the ``casus ach`` / ``casus trace`` CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from casusbelli.analysis.within import (
    analyst_matrix,
    case_ach,
    case_trace,
    evidence_matrix,
    within_section,
)
from casusbelli.cli import app
from casusbelli.errors import AnalysisError
from casusbelli.workspace import load_workspace

EVIDENCE = """case: one
items:
  - id: e1
    text: "<script>alert(1)</script> A thing happened."
    sources: [{source: src1, locator: p. 2}]
    credibility: high
    ratings: {alpha: C, beta: II}
    likelihoods: {alpha: 0.8, beta: 0.1}
    analysts:
      bob: {alpha: C, beta: I}
  - id: e2
    text: Another thing.
    sources: [{source: src2}]
    ratings: {alpha: N, beta: N}
    likelihoods: {alpha: 0.5, beta: 0.5}
"""

runner = CliRunner()


@pytest.fixture
def ws(make_workspace):
    return load_workspace(make_workspace({"evidence/one.yaml": EVIDENCE}))


def test_evidence_matrix_keeps_order_text_and_analysts(ws):
    m = evidence_matrix(ws, "one")
    assert m.item_ids == ("e1", "e2") and m.hypotheses == ("alpha", "beta")
    assert m.analysts == ("default", "bob")
    assert m.evidence[0].startswith("<script>")  # verbatim: escaping is the renderer's job
    # bob did not rate e2: NA for him
    assert m.ratings.shape == (2, 2, 2)


def test_case_ach_ranks_alpha_first(ws):
    # default: alpha C, N -> inconsistency 0; beta II, N -> -2. Bob: beta I. Pooled median of
    # (II, I) for beta rounds toward N -> I (-1); alpha stays 0.
    r = case_ach(ws, "one", analyst="default")
    scores = {h.hypothesis: h.inconsistency for h in r.hypotheses}
    assert scores == {"alpha": 0, "beta": -2}
    assert r.top == ("alpha",)


def test_case_trace_uses_given_likelihoods(ws):
    # flat prior; e1 LR alpha:beta = 8, e2 = 1 -> posterior alpha = 8/9
    tr = case_trace(ws, "one", prior="flat")
    assert tr.to_dict()["posterior"]["alpha"] == pytest.approx(8 / 9)


def test_unknown_case_and_analyst_are_clear_errors(ws):
    with pytest.raises(AnalysisError, match="no evidence for case 'two'"):
        evidence_matrix(ws, "two")
    with pytest.raises(AnalysisError, match="unknown analyst 'eve'"):
        evidence_matrix(ws, "one", analyst="eve")


def test_within_section_rows(ws):
    sec = within_section(ws, "", None)
    assert sec.cases["one"].ach_ranking == ("alpha", "beta")
    assert sec.tables[0].rows[0][0] == "one"


def test_analyst_matrix_is_that_analysts_evidence_matrix(ws):
    everyone = evidence_matrix(ws, "one")
    for name in everyone.analysts:
        own, direct = analyst_matrix(everyone, name), evidence_matrix(ws, "one", name)
        assert own.analysts == direct.analysts == (name,)
        assert (own.ratings == direct.ratings).all() and own.ratings.shape == direct.ratings.shape
        assert case_ach(ws, "one", name, matrix=everyone) == case_ach(ws, "one", name)
    with pytest.raises(AnalysisError, match="unknown analyst 'carol' for case 'one'"):
        analyst_matrix(everyone, "carol")


def test_within_section_builds_each_case_matrix_once(ws, spy):
    built = spy(evidence_matrix)
    sec = within_section(ws)
    assert sorted(c.args[1] for c in built.call_args_list) == sorted(sec.cases)


def test_cli_ach_and_trace_json(make_workspace):
    root = make_workspace({"evidence/one.yaml": EVIDENCE})
    r = runner.invoke(app, ["ach", "one", "-w", str(root), "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["top"] == ["alpha"]
    assert {h["hypothesis"] for h in doc["hypotheses"]} == {"alpha", "beta"}
    assert all("diagnosticity" in i and "linchpin" in i for i in doc["items"])
    r = runner.invoke(app, ["trace", "one", "-w", str(root), "--prior", "flat", "--json"])
    doc = json.loads(r.stdout)
    assert doc["posterior"]["alpha"] == pytest.approx(8 / 9)
    assert set(doc["items"][0]) >= {"decibans", "test_type", "kind", "cluster", "knowable"}
    assert set(doc["clusters"][0]) >= {"id", "items", "log_likelihood", "posterior_after"}
    assert set(doc) >= {"posterior_before_decision", "clusters", "sensitivity"}
    r = runner.invoke(app, ["trace", "one", "-w", str(root), "--prior", "weird"])
    assert r.exit_code == 1 and "unknown prior 'weird'" in r.stderr


def test_cli_ach_on_own_csv_matrix(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("id,evidence,credibility,relevance,H1,H2\n"
                 "e1,First,high,,C,I\n"
                 "e2,Second,,low,N,II\n", encoding="utf-8")
    r = runner.invoke(app, ["ach", "--matrix", str(f), "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["top"] == ["H1"]
    r = runner.invoke(app, ["ach", "--matrix", str(f)])
    assert "ACH" in r.stdout and "H2" in r.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("id,evidence,credibility,relevance,H1\ne1,x,,,Q\n", encoding="utf-8")
    r = runner.invoke(app, ["ach", "--matrix", str(bad)])
    assert r.exit_code == 1 and "bad.csv:2" in r.stderr
