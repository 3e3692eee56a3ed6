"""Every defect kind gets a clear error naming file, line, column and field."""

from __future__ import annotations

import pytest

from casusbelli.errors import (
    DuplicateIdError,
    SchemaError,
    UnknownIdError,
    WorkspaceError,
)
from casusbelli.workspace import load_workspace, validate_workspace
from tests.conftest import MINI_FILES


def problems_of(make_workspace, overrides):
    root = make_workspace(overrides)
    ws, problems = validate_workspace(root)
    assert ws is None, "a broken workspace must not load"
    return problems


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_mini_workspace_loads(make_workspace):
    ws = load_workspace(make_workspace())
    assert sorted(ws.cases) == ["one", "two"]
    assert ws.cases["one"].codings["b"].value is None
    assert ws.prior() == {"alpha": 0.5, "beta": 0.5}


def test_yaml_syntax_error_names_line_and_column(make_workspace):
    bad = "name: Case one\nactor: [X\ntarget: T1\n"
    p = only(problems_of(make_workspace, {"cases/one.yaml": bad}))
    assert p.file == "cases/one.yaml"
    assert p.line == 3
    assert p.message.startswith("invalid YAML")


def test_empty_file_is_reported(make_workspace):
    p = only(problems_of(make_workspace, {"cases/one.yaml": "# only a comment\n\n"}))
    assert (p.file, p.line, p.message) == ("cases/one.yaml", 1, "file is empty")


def test_non_utf8_file_names_line_and_offset(make_workspace):
    raw = MINI_FILES["cases/one.yaml"].replace("First case.", "Caf\xe9").encode("latin-1")
    p = only(problems_of(make_workspace, {"cases/one.yaml": raw}))
    assert p.file == "cases/one.yaml"
    assert p.line == 7
    assert "not valid UTF-8" in p.message and "0xe9" in p.message


def test_missing_required_field(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("actor: X\n", "")
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert (p.file, p.field, p.message) == ("cases/one.yaml", "actor", "required field is missing")
    assert p.line == 1  # reported at the mapping that lacks it


def test_unknown_field_suggests_the_right_name(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("summary:", "sumary:")
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert p.field == "sumary"
    assert p.line == 7 and p.column == 1
    assert p.message == "unknown field 'sumary' (did you mean 'summary'?)"
    assert str(p) == "cases/one.yaml:7:1: sumary: unknown field 'sumary' (did you mean 'summary'?)"


def test_wrong_type_value(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("{value: 0.67,", '{value: "high",')
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert p.field == "codings.a.value"
    assert p.line == 9
    assert p.message == "expected a number in [0, 1] or null, got 'high'"


def test_value_outside_unit_interval(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("{value: 0.67,", "{value: 1.5,")
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert (p.field, p.line) == ("codings.a.value", 9)
    assert p.message == "expected a number in [0, 1], got 1.5"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2001-02-30", "2001-05", "invalid day in date '2001-02-30'"),
        ("2001-13", "2002", "invalid month in date '2001-13'"),
        ("yesterday", "2002", "expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got 'yesterday'"),
        ("2001-02-03", "2000-12", "end date 2000-12 is before start date 2001-02-03"),
    ],
)
def test_invalid_dates(make_workspace, start, end, message):
    text = MINI_FILES["cases/one.yaml"].replace("start: 2001-02-03", f"start: {start}")
    text = text.replace("end: 2001-05", f"end: {end}")
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert p.file == "cases/one.yaml"
    assert p.message == message
    if "before" not in message:
        assert (p.field, p.line) == ("start", 4)


def test_unknown_indicator_id(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("  a: {value: 0.67", "  aa: {value: 0.67")
    root = make_workspace({"cases/one.yaml": text})
    with pytest.raises(UnknownIdError) as info:
        load_workspace(root)
    p = only(info.value.problems)
    assert (p.file, p.line, p.field) == ("cases/one.yaml", 9, "codings.aa")
    assert p.message == "unknown indicator id 'aa' (did you mean 'a'?)"


def test_unknown_source_id(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("source: src1, locator", "source: src9, locator")
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert (p.file, p.line, p.field) == ("cases/one.yaml", 9, "codings.a.sources[0].source")
    assert p.message.startswith("unknown source id 'src9'")


def test_unknown_case_id_in_evidence(make_workspace):
    ev = """case: three
items:
  - id: e1
    text: Something happened.
    sources: [{source: src1}]
    ratings: {alpha: C, beta: I}
"""
    root = make_workspace({"evidence/three.yaml": ev})
    with pytest.raises(UnknownIdError) as info:
        load_workspace(root)
    p = only(info.value.problems)
    assert (p.file, p.line, p.field) == ("evidence/three.yaml", 1, "case")
    assert p.message.startswith("unknown case id 'three'")


def test_duplicate_source_id_across_files_names_both(make_workspace):
    extra = """- id: src1
  type: book
  title: Same id again
"""
    root = make_workspace({"sources/more.yaml": extra})
    with pytest.raises(DuplicateIdError) as info:
        load_workspace(root)
    p = only(info.value.problems)
    assert (p.file, p.line, p.field) == ("sources/more.yaml", 1, "[0].id")
    assert p.message == "duplicate source id 'src1' (first declared at sources.yaml:1)"


def test_duplicate_indicator_id_in_one_file(make_workspace):
    text = MINI_FILES["indicators.yaml"] + "  - id: a\n    label: Again\n    theory: beta\n"
    p = only(problems_of(make_workspace, {"indicators.yaml": text}))
    assert (p.file, p.line, p.field) == ("indicators.yaml", 12, "indicators[3].id")
    assert p.message == "duplicate indicator id 'a' (first declared at indicators.yaml:2)"


def test_duplicate_yaml_key_is_an_error(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("kind: intervention", "kind: intervention\nkind: negative")
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert p.file == "cases/one.yaml" and p.line == 7
    assert "duplicate key" in p.message


def test_case_id_must_match_file_name(make_workspace):
    text = "id: other\n" + MINI_FILES["cases/one.yaml"]
    p = only(problems_of(make_workspace, {"cases/one.yaml": text}))
    assert (p.field, p.line) == ("id", 1)
    assert "differs from the file name 'one'" in p.message


def test_file_over_size_limit_is_refused_without_reading(make_workspace):
    big = "# " + "x" * (6 * 1024 * 1024) + "\n"
    p = only(problems_of(make_workspace, {"cases/one.yaml": big}))
    assert p.file == "cases/one.yaml"
    assert "over the limit of 5,242,880 bytes" in p.message


def test_size_limit_is_configurable(make_workspace):
    toml = MINI_FILES["casus.toml"] + "max_file_bytes = 100\n"
    problems = problems_of(make_workspace, {"casus.toml": toml})
    assert any(p.file == "sources.yaml" and "over the limit of 100 bytes" in p.message
               for p in problems)


def test_hostile_text_is_kept_verbatim(make_workspace):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = MINI_FILES["cases/one.yaml"].replace("summary: First case.", f"summary: '{payload}'")
    ws = load_workspace(make_workspace({"cases/one.yaml": text}))
    assert ws.cases["one"].summary == payload


def test_all_problems_are_reported_at_once(make_workspace):
    one = MINI_FILES["cases/one.yaml"].replace("{value: 0.67,", "{value: 7,")
    two = MINI_FILES["cases/two.yaml"].replace("kind: negative", "kind: maybe")
    problems = problems_of(make_workspace, {"cases/one.yaml": one, "cases/two.yaml": two})
    assert [(p.file, p.field) for p in problems] == [
        ("cases/one.yaml", "codings.a.value"),
        ("cases/two.yaml", "kind"),
    ]


def test_load_raises_schema_error_with_every_problem(make_workspace):
    one = MINI_FILES["cases/one.yaml"].replace("{value: 0.67,", "{value: 7,")
    root = make_workspace({"cases/one.yaml": one})
    with pytest.raises(SchemaError) as info:
        load_workspace(root)
    assert str(info.value) == "cases/one.yaml:9:14: codings.a.value: expected a number in [0, 1], got 7"


def test_truncated_file(make_workspace):
    text = MINI_FILES["cases/one.yaml"][:150]
    problems = problems_of(make_workspace, {"cases/one.yaml": text})
    assert problems and all(p.file == "cases/one.yaml" for p in problems)


def test_evidence_item_missing_hypothesis_rating(make_workspace):
    ev = """case: one
items:
  - id: e1
    text: Something happened.
    sources: [{source: src1}]
    ratings: {alpha: C}
"""
    p = only(problems_of(make_workspace, {"evidence/one.yaml": ev}))
    assert (p.file, p.line, p.field) == ("evidence/one.yaml", 6, "items[0].ratings")
    assert "not rated against hypothesis 'beta'" in p.message


def test_evidence_unknown_rating_symbol(make_workspace):
    ev = """case: one
items:
  - id: e1
    text: Something happened.
    sources: [{source: src1}]
    ratings: {alpha: C, beta: X}
"""
    p = only(problems_of(make_workspace, {"evidence/one.yaml": ev}))
    assert (p.field, p.line) == ("items[0].ratings.beta", 6)
    assert p.message.startswith("expected one of 'CC', 'C', 'N', 'I', 'II' or 'NA'")


def test_bad_toml_names_line(make_workspace):
    p = only(problems_of(make_workspace, {"casus.toml": '[workspace]\nname = "x\n'}))
    assert p.file == "casus.toml" and p.line == 2
    assert p.message.startswith("invalid TOML")


def test_missing_workspace_folder(tmp_path):
    with pytest.raises(WorkspaceError, match="workspace folder not found"):
        load_workspace(tmp_path / "nope")


def test_unknown_ids_are_reported_even_when_the_file_fails_its_schema(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("summary:", "sumary:")
    text = text.replace("source: src1, locator", "source: srcX, locator")
    text = text.replace("  b: {value: null", "  bb: {value: null")
    problems = problems_of(make_workspace, {"cases/one.yaml": text})
    got = [(p.field, p.message.split(" (")[0]) for p in problems]
    assert ("sumary", "unknown field 'sumary'") in got
    assert ("codings.a.sources[0].source", "unknown source id 'srcX'") in got
    assert ("codings.bb", "unknown indicator id 'bb'") in got
    assert len(problems) == 3
