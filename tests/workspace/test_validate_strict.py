"""Validation strictness (issue #15): every known predictor value is sourced, a case that leaves
indicators out is a warning, and an evidence file reports every problem in one run."""

from __future__ import annotations

from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.errors import WorkspaceError
from casusbelli.workspace import load_workspace, validate_workspace
from tests.conftest import MINI_FILES

runner = CliRunner()
ONE = MINI_FILES["cases/one.yaml"]
CODED_A = "  a: {value: 0.67, rationale: Because., sources: [{source: src1, locator: p. 4}]}\n"
SOURCE_HINT = ("cite where the value comes from (sources: [{source: ID, locator: ...}]), or code "
               "it null when unknown")


def problems_of(make_workspace, overrides):
    ws, problems = validate_workspace(make_workspace(overrides))
    assert ws is None, "a broken workspace must not load"
    return [str(p) for p in problems]


def case_warnings(ws):
    return [str(w) for w in ws.warnings if (w.file or "").startswith("cases/")]


def test_predictor_coded_with_empty_sources_is_an_error(make_workspace):
    text = ONE.replace(CODED_A, "  a: {value: 0.67, rationale: Because., sources: []}\n")
    assert problems_of(make_workspace, {"cases/one.yaml": text}) == [
        f"cases/one.yaml:9:41: codings.a.sources: predictor 'a' is coded 0.67 with sources: []; "
        f"{SOURCE_HINT}"
    ]


def test_predictor_coded_without_a_sources_key_is_an_error(make_workspace):
    text = ONE.replace(CODED_A, "  a: {value: 0.67, rationale: Because.}\n")
    root = make_workspace({"cases/one.yaml": text})
    try:
        load_workspace(root)
    except WorkspaceError as exc:
        err = exc
    else:
        raise AssertionError("a predictor value without a source must not load")
    assert (err.file, err.line, err.column, err.field) == ("cases/one.yaml", 9, 3,
                                                           "codings.a.sources")
    assert err.message == f"predictor 'a' is coded 0.67 with no sources; {SOURCE_HINT}"


def test_every_unsourced_predictor_of_every_case_is_reported(make_workspace):
    one = ONE.replace(CODED_A, "  a: {value: 0.67, rationale: Because.}\n")
    two = MINI_FILES["cases/two.yaml"].replace("b: {value: 1, rationale: Fully., sources: "
                                               "[{source: src2}]}", "b: {value: 1, rationale: "
                                               "Fully., sources: []}")
    found = problems_of(make_workspace, {"cases/one.yaml": one, "cases/two.yaml": two})
    assert [p.split(": ")[0:2] for p in found] == [["cases/one.yaml:9:3", "codings.a.sources"],
                                                   ["cases/two.yaml:8:36", "codings.b.sources"]]


def test_explicit_unknown_may_cite_sources_or_none(make_workspace):
    # MINI_FILES' case one codes b as null citing the source read; here case two cites none
    two = MINI_FILES["cases/two.yaml"].replace(
        "b: {value: 1, rationale: Fully., sources: [{source: src2}]}",
        'b: {value: null, rationale: "unknown: no source covers 2005"}')
    ws, problems = validate_workspace(make_workspace({"cases/two.yaml": two}))
    assert problems == [] and ws is not None
    assert ws.cases["two"].codings["b"].value is None and ws.cases["one"].codings["b"].sources
    assert case_warnings(ws) == []


def test_not_applicable_needs_no_source(make_workspace):
    two = MINI_FILES["cases/two.yaml"].replace(
        "b: {value: 1, rationale: Fully., sources: [{source: src2}]}",
        "b: {value: n/a, rationale: The concept does not exist here.}")
    ws, problems = validate_workspace(make_workspace({"cases/two.yaml": two}))
    assert problems == [] and ws is not None and case_warnings(ws) == []


def test_unsourced_outcome_value_is_a_warning(make_workspace):
    text = ONE.replace("Y: {value: 1, rationale: Intervened., sources: [{source: src1}]}",
                       "Y: {value: 1, rationale: Intervened.}")
    ws, problems = validate_workspace(make_workspace({"cases/one.yaml": text}))
    assert problems == [] and ws is not None
    assert case_warnings(ws) == [
        f"cases/one.yaml:11:3: codings.Y.sources: indicator 'Y' is coded 1 with no sources; "
        f"{SOURCE_HINT}"
    ]
    assert ws.warnings[0].kind == "warning"


def test_case_that_leaves_indicators_out_is_a_warning_listing_them(make_workspace):
    two = MINI_FILES["cases/two.yaml"].replace(
        "  a: {value: 0.33, rationale: Less so., sources: [{source: src2}]}\n", "").replace(
        "  b: {value: 1, rationale: Fully., sources: [{source: src2}]}\n", "")
    ws, problems = validate_workspace(make_workspace({"cases/two.yaml": two}))
    assert problems == [] and ws is not None
    assert case_warnings(ws) == [
        "cases/two.yaml:6:1: codings: case 'two' does not code 2 indicator(s): a, b (code each "
        "one, null when unknown, n/a when it does not apply)"
    ]


def test_strict_validate_fails_on_a_missing_indicator(make_workspace):
    two = MINI_FILES["cases/two.yaml"].replace(
        "  b: {value: 1, rationale: Fully., sources: [{source: src2}]}\n", "")
    root = make_workspace({"cases/two.yaml": two})
    line = ("cases/two.yaml:6:1: codings: case 'two' does not code 1 indicator(s): b (code each "
            "one, null when unknown, n/a when it does not apply)")
    r = runner.invoke(app, ["validate", str(root)])
    assert r.exit_code == 0 and f"warning: {line}" in " ".join(r.stderr.split())
    r = runner.invoke(app, ["validate", str(root), "--strict"])
    assert r.exit_code == 1 and line in " ".join(r.stderr.split())


def test_evidence_file_reports_every_problem_in_one_run(make_workspace):
    ev = """case: three
hypotheses: [alpha, gamma]
items:
  - id: e1
    text: Something happened.
    sources: [{source: src1}, {source: nope}]
    depends_on: [e9]
    ratings: {alpha: C, gamma: X, delta: C}
"""
    found = problems_of(make_workspace, {"evidence/one.yaml": ev})
    assert found == [
        "evidence/one.yaml:1:7: case: unknown case id 'three'",
        "evidence/one.yaml:2:21: hypotheses[1]: unknown theory id 'gamma'",
        "evidence/one.yaml:6:40: items[0].sources[1].source: unknown source id 'nope'",
        "evidence/one.yaml:7:18: items[0].depends_on[0]: unknown evidence item id 'e9'",
        "evidence/one.yaml:8:32: items[0].ratings.gamma: expected one of 'CC', 'C', 'N', 'I', "
        "'II' or 'NA', got 'X'",
        "evidence/one.yaml:8:35: items[0].ratings.delta: unknown hypothesis id 'delta'",
    ]


def test_evidence_item_that_fails_its_schema_is_still_checked_for_ratings(make_workspace):
    ev = """case: one
items:
  - id: e1
    sources: [{source: src1}]
    ratings: {alpha: C, gama: C}
  - id: e1
    text: Second.
    sources: [{source: src1}]
    ratings: {alpha: C, beta: N}
"""
    found = problems_of(make_workspace, {"evidence/one.yaml": ev})
    assert found == [
        "evidence/one.yaml:3:5: items[0].text: required field is missing",
        "evidence/one.yaml:5:5: items[0].ratings: not rated against hypothesis 'beta' (use NA "
        "when it does not apply)",
        "evidence/one.yaml:5:25: items[0].ratings.gama: unknown hypothesis id 'gama'",
        "evidence/one.yaml:6:9: items[1].id: duplicate evidence item id 'e1' (first declared "
        "as item 1)",
    ]


def test_builtin_workspace_sources_every_predictor_and_codes_every_indicator():
    from casusbelli.workspace import builtin_path

    ws, problems = validate_workspace(builtin_path("russia"))
    assert problems == [] and ws is not None
    assert case_warnings(ws) == []
