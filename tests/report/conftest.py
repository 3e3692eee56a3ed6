"""Fixtures for the report tests: a small hostile workspace, fake sections, the built-in report."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from casusbelli.analysis.measured import load_workspace
from casusbelli.pipeline import Analysis, workspace_summary

SCRIPT = "<script>alert('xss')</script>"
IMG = "<img src=x onerror=alert(1)>"

HOSTILE: dict[str, str] = {
    "cases/one.yaml": f"""name: "Case one {IMG}"
actor: X
target: T1
start: 2001-02-03
end: 2001-05
kind: intervention
summary: "First case. {SCRIPT} {IMG}"
sources: [{{source: src1, locator: "p. 1"}}]
codings:
  a: {{value: 0.67, rationale: "Because {SCRIPT}", sources: [{{source: src1, locator: p. 4}}]}}
  b: {{value: null, rationale: "unknown: not settled", sources: [{{source: src2}}]}}
  Y: {{value: 1, rationale: Intervened., sources: [{{source: src1}}]}}
""",
    "evidence/one.yaml": f"""case: one
items:
  - id: e1
    text: "Troops massed at the border {SCRIPT}"
    sources: [{{source: src1, locator: p. 9}}]
    ratings: {{alpha: C, beta: II}}
  - id: e2
    text: "A statement {IMG}"
    credibility: high
    sources: [{{source: src2}}]
    ratings: {{alpha: CC, beta: N}}
""",
    "questions/q1.yaml": """title: Will it happen?
criteria: It happens before the close date.
opens: 2024-01-01
closes: 2025-01-01
resolves: 2025-02-01
forecasts:
  alpha: {value: 0.7, rationale: Alpha says so.}
  beta: {value: 0.2, rationale: Beta disagrees.}
""",
}


def fake_sections() -> dict[str, dict[str, Any]]:
    """Sections shaped like the engines' output (posteriors, QCA models, rates, scores)."""
    return {
        "within": {
            "title": "Within-case",
            "cases": {"one": {
                "ach": {"hypotheses": [
                    {"hypothesis": "alpha", "inconsistency": 0, "weighted_inconsistency": 0.0,
                     "consistency": 2, "rank": 1},
                    {"hypothesis": "beta", "inconsistency": -2, "weighted_inconsistency": -2.0,
                     "consistency": 0, "rank": 2}],
                    "items": [{"id": "e1", "diagnosticity": 1.5, "linchpin": True, "changes": []}]},
                "trace": {"prior": {"alpha": 0.5, "beta": 0.5},
                          "posterior": {"alpha": 0.9, "beta": 0.1}},
            }},
            "lines": ["Scored 1 case."],
            "tables": [{"title": "ACH ranks", "columns": ["case", "top"], "rows": [["one", "alpha"]]}],
        },
        "cross": {
            "title": "Cross-case",
            "qca": {"solutions": {"parsimonious": [
                {"model": "M1", "terms": ["a"], "inclS": 0.9, "PRI": 0.85, "covS": 0.8,
                 "terms_detail": [{"term": "a", "inclS": 0.9, "PRI": 0.85, "covS": 0.8,
                                   "covU": 0.8, "cases": ["one"]}]}]}},
            "theory_weights": {"alpha": 0.7, "beta": 0.3},
        },
        "discourse": {
            "title": "Discourse",
            "corpora": {"speeches": [
                {"window": "2000", "frame": "fascism", "rate": 1.5},
                {"window": "2001", "frame": "fascism", "rate": 2.5},
                {"window": "2000", "frame": f"gpw {SCRIPT}", "rate": 0.5},
                {"window": "2001", "frame": f"gpw {SCRIPT}", "rate": 0.7}]},
        },
        "forecasts": {
            "title": "Forecasts",
            "questions": {"q1": {"ensemble": 0.55}},
            "scores": {"alpha": {"brier": 0.09, "log": -0.36, "n": 1},
                       "ensemble": {"brier": 0.2, "log": -0.6, "n": 1}},
            "calibration": [{"forecast": 0.2, "observed": 0.0, "n": 3},
                            {"forecast": 0.7, "observed": 1.0, "n": 2}],
        },
    }


@pytest.fixture
def hostile_ws(make_workspace) -> Path:
    """The small test workspace with <script>/onerror payloads in case, coding and evidence text."""
    return make_workspace(HOSTILE)


@pytest.fixture
def mini_analysis(hostile_ws: Path) -> Analysis:
    """An analysis of the hostile workspace with no engine sections (no store is built)."""
    ws = load_workspace(hostile_ws)
    return Analysis(
        workspace=dict(name=ws.name, description=ws.config.description,
                       placeholder=ws.config.placeholder, content_hash=ws.content_hash,
                       path=str(hostile_ws)),
        store="", build={}, summary=workspace_summary(ws), sections={},
    )


@pytest.fixture
def faked_analysis(mini_analysis: Analysis) -> Analysis:
    """The same analysis with every section replaced by engine-shaped fake output."""
    return dataclasses.replace(mini_analysis, sections=fake_sections(), audit=fake_audit())


def fake_audit():
    """An audit of two theories with every kind of robustness data."""
    from casusbelli.analysis.audit import Audit, Check, TheoryVerdict

    def row(t: str) -> TheoryVerdict:
        return TheoryVerdict(theory=t, status="inconclusive", elpd=-10.0, elpd_diff_vs_base=1.0,
                             se=1.5, elpd_diff_vs_best=0.0, se_vs_best=0.0, weight=0.5,
                             weight_interval=(0.1, 0.9), top_share=0.5, placebo_percentile=0.8,
                             predictors=("a",), excluded=())

    return Audit(workspace="hostile", content_hash="h", cases=("one", "two"), outcome=(1, 0),
                 settings={}, checks=(Check("placebo", "warn", f"low {SCRIPT}", theory="alpha"),),
                 verdict=(row("alpha"), row("beta")), base_elpd=-11.0, seconds=0.1,
                 robustness={"alpha": {"loio": {"a": [0.5, 1.0]},
                                       "placebo_gains": [-1.0, 0.2, 0.4], "gain": 1.0,
                                       "sensitivity": [[0.0, 0.0, 0.7], [0.3, -0.3, -0.2]]}})


@pytest.fixture(scope="session")
def builtin_report(tmp_path_factory: pytest.TempPathFactory):
    """The report of the built-in ``russia`` workspace (built once per session)."""
    from casusbelli.report import build_report

    db = tmp_path_factory.mktemp("builtin") / "casus.db"
    return build_report(None, db=f"sqlite:///{db}")


@pytest.fixture(scope="session")
def builtin_report_file(builtin_report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("builtin-html") / "report.html"
    path.write_text(builtin_report.html, encoding="utf-8")
    return path


