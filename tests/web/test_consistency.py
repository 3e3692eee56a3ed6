"""One Analysis, three renderings: the CLI, the report and the web overview show one verdict."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console

from casusbelli.analysis.audit import Audit, Check, TheoryVerdict
from casusbelli.cli.render import render_analysis
from casusbelli.report import build_report
from casusbelli.verdict import verdict_section


def _audit() -> Audit:
    def row(t: str, status: str, diff: float, w: float, lo: float, hi: float) -> TheoryVerdict:
        return TheoryVerdict(theory=t, status=status, elpd=-9.0, elpd_diff_vs_base=diff,
                             se=1.234, elpd_diff_vs_best=0.0, se_vs_best=0.0, weight=w,
                             weight_interval=(lo, hi), top_share=w, placebo_percentile=0.42,
                             predictors=("a",), excluded=())

    return Audit(workspace="mini", content_hash="h", cases=("one", "two"), outcome=(1, 0),
                 settings={}, checks=(Check("separation", "pass", "ok"),
                                      Check("placebo", "warn", "low"),
                                      Check("qca-skew", "fail", "skewed")),
                 verdict=(row("alpha", "inconclusive", 1.87, 0.613, 0.208, 0.977),
                          row("beta", "suspect", -0.52, 0.387, 0.023, 0.792)),
                 base_elpd=-10.0, seconds=0.1)


def test_cli_report_and_web_show_the_same_verdict(make_app: Callable[..., Any]) -> None:
    app = make_app()
    state = app.state.casus
    audit = _audit()
    analysis = dataclasses.replace(state.analysis, audit=audit)
    analysis.sections = {"verdict": verdict_section(analysis.summary, analysis.sections,
                                                    ["alpha", "beta"], audit=audit),
                         **{k: v for k, v in analysis.sections.items() if k != "verdict"}}
    state.analysis = analysis

    # web: the JSON twin of the overview, and its HTML page
    client = TestClient(app)
    doc = client.get("/api/v1/overview").json()
    web = {r["theory"]: r for r in doc["theory_status"]}
    assert doc["checks"] == {"pass": 1, "warn": 1, "fail": 1}
    html = client.get("/").text
    # CLI
    console = Console(record=True, width=250)
    render_analysis(analysis, console)
    cli = " ".join(console.export_text().split())
    # report
    report = build_report(analysis.ws or state.ws, analysis=analysis, ws=state.ws).html
    report_text = " ".join(re.sub(r"<[^>]+>", " ", report).split())

    for v in audit.verdict:
        assert web[v.theory]["status"] == v.status
        assert web[v.theory]["weight"] == v.weight
        assert tuple(web[v.theory]["weight_interval"]) == v.weight_interval
        assert web[v.theory]["elpd_diff_vs_base"] == v.elpd_diff_vs_base
        elpd = f"{v.elpd_diff_vs_base:+.2f} ± {v.se:.2f}"
        weight = f"{v.weight:.2f} [{v.weight_interval[0]:.2f}–{v.weight_interval[1]:.2f}]"
        assert elpd in cli and elpd in report_text and elpd in " ".join(html.split())
        assert weight in cli and weight in report_text
        assert v.status in cli and v.status in report_text
    counts = "1 checks passed, 1 warnings, 1 failed"
    assert counts in cli and counts in report_text
