"""One Analysis, three renderings: the CLI, the report and the web app show one verdict, one
path fit per theory (inclS and n) and one set of weights, because they render the same typed
objects and compute nothing."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from casusbelli.analysis.audit import Audit, Check, TheoryVerdict
from casusbelli.analysis.sections import sig3
from casusbelli.cli.render import render_analysis
from casusbelli.pipeline import Analysis, analyze
from casusbelli.report import build_report
from casusbelli.verdict import verdict_section
from casusbelli.web import WebSettings, create_app

TEST_HOSTS = ["testserver", "localhost", "127.0.0.1", "::1"]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _renderings(app: Any, analysis: Analysis) -> dict[str, Any]:
    """The CLI text, the report text, and the web app's JSON twins and pages, of ``analysis``."""
    state = app.state.casus
    state.analysis = analysis
    client = TestClient(app)
    console = Console(record=True, width=600)  # wide enough that no table cell wraps
    render_analysis(analysis, console)
    report = build_report(analysis=analysis, ws=analysis.ws or state.ws).html
    return {
        "cli": " ".join(re.sub("[│┃]", " ", console.export_text()).split()),
        "report": _text(report),
        "overview": client.get("/api/v1/overview").json(),
        "overview_html": _text(client.get("/").text),
        "qca": client.get("/api/v1/qca").json(),
        "qca_html": _text(client.get("/qca").text),
    }


def _assert_same_answers(analysis: Analysis, r: dict[str, Any]) -> None:
    """Verdict, path inclS / n of every theory, and the weights agree across the three."""
    verdict = analysis.verdict
    assert verdict is not None
    web_status = {row["theory"]: row for row in r["overview"]["theory_status"]}
    for t, row in verdict.theories.items():
        # the verdict: the status everywhere; the audit's exact numbers in the JSON twin
        assert f"{t} {row.status}" in r["cli"] and f"{t} {row.status}" in r["report"]
        if row.weight is not None:
            web = web_status[t]
            assert web["status"] == row.status
            assert web["weight"] == row.weight
            assert tuple(web["weight_interval"]) == row.weight_interval
            # the weights as read: the same text in the CLI, the report and the web page
            assert row.weight_text() in r["cli"]
            assert row.weight_text() in r["report"]
            assert row.weight_text() in r["overview_html"]
            assert row.elpd_text() in r["overview_html"]
        # the expected path: one fit, shown with its n by all three
        assert row.path_text() in r["cli"] and row.path_text() in r["report"]
    # the pages show numbers rounded for reading (no 0.8935828877005346)
    for page in ("qca_html", "overview_html"):
        assert not re.search(r"\d\.\d{5,}", r[page]), page
    cross = analysis.cross
    assert cross is not None
    table = next(t for t in r["qca"]["section"]["tables"] if t["title"].startswith("QCA per"))
    cols = table["columns"]
    web_rows = {row[0]: dict(zip(cols, row, strict=True)) for row in table["rows"]}
    for q in cross.qca:
        p = q.expected
        if p is None:
            continue
        web = web_rows[q.theory]
        assert web["path inclS"] == p.incl  # exact in the JSON twin
        assert web["path cases"] == (p.n if p.error is None else None)
        if p.error is None:
            assert f"n = {p.n} cases · consistency (inclS) {sig3(p.incl)}" in r["report"]
            cells = f"{q.theory} {q.n} {q.left_out}"
            assert cells in r["qca_html"] and f"{p.n} {sig3(p.incl)} {sig3(p.cov)}" in \
                r["qca_html"]
        else:
            assert p.error in r["cli"] and p.error in r["report"]


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
    report_text = _text(report)

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


CASE = """name: {name}
actor: Acme
target: {target}
start: {year}-01-01
kind: {kind}
summary: A made-up case for the consistency test.
sources: [{{source: example2020}}]
codings:
"""


def _coding(indicator: str, value: float) -> str:
    return (f"  {indicator}: {{value: {value}, rationale: Coded for the test., "
            "sources: [{source: example2020}]}\n")


def _init_workspace(tmp_path: Path) -> Path:
    """A workspace made by ``casus init``, with six more cases so its paths can be tested."""
    from typer.testing import CliRunner

    from casusbelli.cli import app

    root = tmp_path / "mine"
    r = CliRunner().invoke(app, ["init", str(root)])
    assert r.exit_code == 0, r.output
    template = (root / "cases" / "example-case.yaml").read_text(encoding="utf-8")
    source = re.search(r"source: ([\w-]+)", template)
    rows = [("a", 1.0, 0.67, 1, "intervention"), ("b", 0.67, 1.0, 1, "intervention"),
            ("c", 0.33, 0.0, 0, "negative"), ("d", 0.0, 0.33, 0, "negative"),
            ("e", 0.67, 0.0, 1, "intervention"), ("f", 0.33, 0.67, 0, "negative")]
    for i, (cid, opening, revolution, y, kind) in enumerate(rows):
        text = CASE.format(name=f"Case {cid}", target=f"T{cid}", year=2000 + i, kind=kind)
        text += (_coding("opening", opening) + _coding("neighbour_revolution", revolution)
                 + _coding("INTERVENTION", y))
        if source is not None:
            text = text.replace("example2020", source.group(1))
        (root / "cases" / f"case-{cid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def init_analysis(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Any]:
    tmp = tmp_path_factory.mktemp("init-ws")
    root = _init_workspace(tmp)
    db = f"sqlite:///{tmp / 'casus.db'}"
    analysis = analyze(root, db=db)
    app = create_app(WebSettings(workspace=str(root), db=db, sections=["within"],
                                 allowed_hosts=TEST_HOSTS))
    return analysis, app


def test_a_casus_init_workspace_gives_one_answer_everywhere(init_analysis) -> None:
    analysis, app = init_analysis
    cross = analysis.cross
    assert cross is not None and all(q.expected is not None for q in cross.qca)
    assert any(q.expected.error is None for q in cross.qca), "a testable path"
    assert any(q.solution is not None for q in cross.qca), "a QCA solution to plot"
    r = _renderings(app, analysis)
    _assert_same_answers(analysis, r)
    assert "The cross-case section has no QCA solutions" not in r["report"]


@pytest.mark.slow  # the full analysis of the built-in workspace
def test_the_builtin_workspace_gives_one_answer_everywhere(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'casus.db'}"
    analysis = analyze(None, db=db)
    app = create_app(WebSettings(workspace="russia", db=db, sections=["within"],
                                 allowed_hosts=TEST_HOSTS))
    _assert_same_answers(analysis, _renderings(app, analysis))
