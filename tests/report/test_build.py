"""The HTML report: renders, escapes hostile text, self-contained, says what is missing."""

from __future__ import annotations

import re

import pytest

from casusbelli.pipeline import Analysis
from casusbelli.report import build_report
from casusbelli.report.build import SECTION_TITLES
from casusbelli.report.charts import validate_spec
from tests.report.conftest import IMG, SCRIPT

SCRIPT_SRC = re.compile(r"<script[^>]*\bsrc\s*=", re.IGNORECASE)
REMOTE = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""",
                    re.IGNORECASE)


def _assert_self_contained(html: str) -> None:
    assert not SCRIPT_SRC.search(html), "no <script src=...>: the JS is inlined"
    assert not REMOTE.search(html), "no remote script, stylesheet, image or frame"
    assert "vegaEmbed" in html


def test_hostile_text_is_escaped_everywhere(hostile_ws, faked_analysis):
    rep = build_report(hostile_ws, analysis=faked_analysis)
    html = rep.html
    assert SCRIPT not in html
    assert IMG not in html
    assert "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html  # case summary, evidence
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the only <script> elements are the chart specs, the vendored JS and the loader
    tags = re.findall(r"<script[^>]*>", html)
    assert all(t in ('<script>', '<script type="application/json" id="spec-chart-%d">' % i)
               or t.startswith('<script type="application/json" id="spec-chart-')
               for i, t in enumerate(tags))
    # specs embed hostile labels with <, > escaped as \u003c, \u003e
    assert "gpw \\u003cscript\\u003e" in html


def test_faked_sections_give_every_chart_kind(hostile_ws, faked_analysis):
    rep = build_report(hostile_ws, analysis=faked_analysis)
    titles = [c.title for c in rep.charts]
    assert any(t.startswith("Posterior: Case one") for t in titles)
    assert "Leave one indicator out" in titles  # the robustness page of the audit
    assert any(t.startswith("alpha: placebo theories") for t in titles)
    assert any(t.startswith("alpha: z vs base") for t in titles)
    assert any(t.startswith("Frames over time") for t in titles)
    assert "Forecasts by theory" in titles
    assert "Calibration" in titles
    assert any(t.startswith("Solution a") for t in titles)  # XY plot of the QCA solution
    assert any(t.startswith("Alpha: a") for t in titles)  # XY plot of the theory's path
    xy = next(c for c in rep.charts if c.title.startswith("Solution a"))
    labels = [v["label"] for layer in xy.spec["layer"] for v in
              (layer.get("data") or {}).get("values", []) if "label" in v]
    assert sorted(set(labels)) == ["one", "two"]
    text = [layer for layer in xy.spec["layer"] if (layer.get("mark") or {}).get("type") == "text"]
    assert text and text[0]["encoding"]["text"]["field"] == "label"  # each case is labelled
    assert rep.unavailable == {}
    for c in rep.charts:
        validate_spec(c.spec)
    html = rep.html
    assert "<td>0.9</td><td>0.85</td><td>0.8</td>" in html  # inclS, PRI, covS of the solution
    assert "Scored 1 case." in html  # a section's own lines
    assert "ACH ranks" in html  # and its own tables
    assert "<td>0.09</td>" in html  # Brier score of alpha
    _assert_self_contained(html)


def test_missing_and_failed_sections_are_named(hostile_ws, mini_analysis):
    import dataclasses

    from casusbelli.analysis.sections import FailedSection

    a: Analysis = dataclasses.replace(
        mini_analysis, sections={"cross": FailedSection(title="cross",
                                                        error="cross: too few cases")})
    rep = build_report(hostile_ws, analysis=a)
    assert set(rep.unavailable) == set(SECTION_TITLES)
    assert "the engine could not run: cross: too few cases" in rep.unavailable["cross"]
    assert "not part of this installation" in rep.unavailable["within"]
    assert "Not available in this report" in rep.html
    assert "cross: too few cases" in rep.html
    # what the workspace itself holds still renders: ACH matrix, case base, bibliography
    assert 'class="rating" style="background: #d73027">II<' in rep.html
    assert "Doe, Jane. 2020. <i>A real-looking book</i>." in rep.html
    _assert_self_contained(rep.html)


def test_mini_report_contents(hostile_ws, mini_analysis):
    rep = build_report(hostile_ws, analysis=mini_analysis)
    html = rep.html
    for heading in ("The question and the theories", "The case base", "Within-case results",
                    "Cross-case results", "Frames over time", "Forecasts", "Methods appendix",
                    "Bibliography", "Reproducibility"):
        assert heading in html
    assert rep.content_hash and rep.content_hash in html
    assert re.search(r"<td>altair</td><td>\d", html)
    assert 'href="#src-src1"' in html and 'id="src-src1"' in html  # footnote -> bibliography
    for c in rep.charts:
        validate_spec(c.spec)
    _assert_self_contained(html)


@pytest.mark.slow  # runs the full analysis of the built-in workspace (~45 s, mostly cross)
def test_builtin_report_renders(builtin_report):
    html = builtin_report.html
    assert builtin_report.charts, "the built-in workspace gives at least one chart"
    for c in builtin_report.charts:
        validate_spec(c.spec)
    _assert_self_contained(html)
    assert "Hungary" in html
    assert html.count('<li id="src-') >= 10
    for name in builtin_report.unavailable:
        assert SECTION_TITLES[name] in html


def test_static_render_embeds_svg_and_no_script(hostile_ws, faked_analysis):
    from casusbelli.report import render_html

    rep = build_report(hostile_ws, analysis=faked_analysis)
    static = render_html(rep.context, static=True)
    assert "<script" not in static
    assert static.count('src="data:image/svg+xml;base64,') == len(rep.charts)


def test_a_registered_plain_section_is_shown_with_its_lines_and_tables(hostile_ws,
                                                                      mini_analysis):
    import dataclasses

    from casusbelli.analysis.sections import as_section

    extra = as_section("extra", {"title": "Extra", "lines": ["hello"],
                                 "tables": [{"title": "T", "columns": ["x"],
                                             "rows": [[1.23456789]]}],
                                 "nested": {"deep": [1.23456789]}})
    rep = build_report(hostile_ws, analysis=dataclasses.replace(mini_analysis,
                                                                sections={"extra": extra}))
    assert "Other analysis sections" in rep.html and "hello" in rep.html
    assert "<td>1.23</td>" in rep.html and "1.23456789" not in rep.html


def test_report_opens_with_the_verdict_and_rounds_numbers(hostile_ws, faked_analysis):
    import dataclasses

    from casusbelli.verdict import verdict_section

    a = faked_analysis
    verdict = verdict_section(a.summary, a.sections, ["alpha", "beta"], audit=a.audit)
    a = dataclasses.replace(a, sections={"verdict": verdict, **a.sections})
    html = build_report(hostile_ws, analysis=a).html
    first = html[:html.index('<nav class="toc">')]
    assert a.workspace["name"] in first and a.workspace["content_hash"] in first
    assert "Cross-case audit: 0 checks passed, 1 warnings, 0 failed" in first
    assert "inclS 0.9 covS 0.8 (n = 2)" in first  # alpha's path, the cross section's numbers
    assert "+1.00 ± 1.50" in first
