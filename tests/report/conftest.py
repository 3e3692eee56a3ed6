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


def fake_sections() -> dict[str, Any]:
    """Typed sections as the engines return them (posteriors, a QCA solution, rates, scores)."""
    from types import SimpleNamespace

    from casusbelli.analysis.cross import (
        CasePoint,
        CrossSection,
        PathFit,
        QcaResult,
        QcaSolution,
        QcaTerm,
    )
    from casusbelli.analysis.discourse import DiscourseSection, FrameRate
    from casusbelli.analysis.forecasts import ForecastSection
    from casusbelli.analysis.sections import Table
    from casusbelli.analysis.within import AchScore, WithinCase, WithinSection

    one = WithinCase(case="one", items=2,
                     ach={"alpha": AchScore(0, 0.0, 1), "beta": AchScore(-2, -2.0, 2)},
                     ach_ranking=("alpha", "beta"), linchpins=("e1",),
                     diagnosticity={"e1": 1.5}, posterior={"alpha": 0.9, "beta": 0.1},
                     flat_posterior={"alpha": 0.8, "beta": 0.2}, decision_date=None,
                     posterior_before_decision=None, items_before_decision=(),
                     leader_band=(0.8, 0.95), most_influential=("e1",))
    points = (CasePoint("one", 0.67, 1.0), CasePoint("two", 0.2, 0.0))
    qca = QcaResult(theory="alpha", conditions=("a",), dropped_conditions={},
                    cases=("one", "two"), left_out=0,
                    solution=QcaSolution(type="parsimonious", expression="a", incl=0.9,
                                         pri=0.85, cov=0.8, models=1,
                                         terms=(QcaTerm("a", 0.9, 0.85, 0.8, 0.8, ("one",)),),
                                         points=points),
                    expected=PathFit(expression="a", incl=0.9, cov=0.8, cases=("one", "two"),
                                     points=points))
    rates = tuple(FrameRate(window=w, frame=f, hits=1, tokens=50_000, n_docs=3, rate=r)
                  for w, f, r in [("2000", "fascism", 1.5), ("2001", "fascism", 2.5),
                                  ("2000", f"gpw {SCRIPT}", 0.5),
                                  ("2001", f"gpw {SCRIPT}", 0.7)])
    view = SimpleNamespace(rows=(SimpleNamespace(question="q1", scenario="base",
                                                 ensemble=0.55),),
                           to_dict=lambda: {"forecasts": [{"question": "q1", "ensemble": 0.55}]})
    scores = SimpleNamespace(
        summary=({"group": "backtest", "sample": "in-sample", "forecaster": "alpha", "n": 1,
                  "brier": 0.09, "log": -0.36, "crps": None},
                 {"group": "backtest", "sample": "in-sample", "forecaster": "ensemble",
                  "n": 1, "brier": 0.2, "log": -0.6, "crps": None}),
        calibration={"alpha": [{"lower": 0.0, "upper": 0.2, "n": 3, "mean_forecast": 0.2,
                                "observed_rate": 0.0},
                               {"lower": 0.6, "upper": 0.8, "n": 2, "mean_forecast": 0.7,
                                "observed_rate": 1.0}]},
        to_dict=lambda: {"summary": []})
    return {
        "within": WithinSection(title="Within-case", cases={"one": one},
                                lines=("Scored 1 case.",),
                                tables=(Table.of("ACH ranks", ["case", "top"],
                                                 [["one", "alpha"]]),)),
        "cross": CrossSection(title="Cross-case", qca=(qca,), qca_settings={"incl_cut": 0.8}),
        "discourse": DiscourseSection(title="Discourse", corpora={"speeches": rates}),
        "forecasts": ForecastSection(title="Forecasts", view=view, scores=scores),  # type: ignore[arg-type]
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


