"""load_matrix on bad input: each error names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.analysis.matrix import load_matrix
from casusbelli.errors import (
    DuplicateIdError,
    SchemaError,
    SourceError,
    UnknownIdError,
    WorkspaceError,
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- CSV


def test_csv_unknown_rating_names_line_and_column(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,A,B\ne1,x,C,I\ne2,y,C,maybe\n")
    with pytest.raises(SchemaError) as info:
        load_matrix(p)
    e = info.value
    assert (e.file, e.line, e.field) == (str(p), 3, "B")
    assert str(e) == f"{p}:3: B: unknown rating 'maybe'; expected one of CC, C, N, I, II, NA"


def test_csv_line_counts_multiline_quoted_evidence(tmp_path):
    p = _write(tmp_path, "m.csv", 'id,evidence,A\ne1,"two\nlines",C\ne2,z,Q\n')
    with pytest.raises(SchemaError) as info:
        load_matrix(p)
    assert info.value.line == 4


def test_csv_missing_id_column(tmp_path):
    p = _write(tmp_path, "m.csv", "evidence,A,B\nx,C,I\n")
    with pytest.raises(SchemaError, match="missing column 'id'") as info:
        load_matrix(p)
    assert (info.value.line, info.value.field) == (1, "id")


def test_csv_duplicate_item_id_names_both_lines(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,A\ne1,x,C\ne2,y,C\ne1,z,I\n")
    with pytest.raises(DuplicateIdError) as info:
        load_matrix(p)
    e = info.value
    assert (e.line, e.field) == (4, "id")
    assert "duplicate item id 'e1' (first on line 2)" in str(e)


def test_csv_bad_credibility(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,credibility,relevance,A\ne1,x,very high,,C\n")
    with pytest.raises(SchemaError) as info:
        load_matrix(p)
    assert (info.value.line, info.value.field) == (2, "credibility")
    assert "unknown credibility 'very high'; expected one of low, medium, high" in str(info.value)


@pytest.mark.parametrize("bad", ["0", "1.5", "-0.2", "abc", "nan"])
def test_csv_likelihood_outside_unit_interval(tmp_path, bad):
    p = _write(tmp_path, "m.csv", f"id,evidence,A,likelihood:A\ne1,x,C,0.5\ne2,y,I,{bad}\n")
    with pytest.raises(SchemaError) as info:
        load_matrix(p)
    assert (info.value.line, info.value.field) == (3, "likelihood:A")
    assert "(0, 1]" in str(info.value)


def test_csv_likelihood_for_unknown_hypothesis(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,A,likelihood:Z\ne1,x,C,0.5\n")
    with pytest.raises(UnknownIdError, match="unknown hypothesis 'Z'"):
        load_matrix(p)


def test_csv_row_with_wrong_field_count(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,A,B\ne1,x,C\n")
    with pytest.raises(SchemaError, match="expected 4 fields, got 3") as info:
        load_matrix(p)
    assert info.value.line == 2


def test_csv_truncated_inside_quotes(tmp_path):
    p = _write(tmp_path, "m.csv", 'id,evidence,A\ne1,"an open quote that never ends,C\n')
    with pytest.raises(SourceError, match="malformed CSV") as info:
        load_matrix(p)
    assert info.value.file == str(p)
    assert info.value.line == 2


def test_csv_several_problems_are_all_listed(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,A\ne1,x,Q\ne2,y,R\n")
    with pytest.raises(SchemaError) as info:
        load_matrix(p)
    assert [pr.line for pr in info.value.problems] == [2, 3]
    assert str(info.value).startswith("2 problems:")


def test_non_utf8_file_names_line(tmp_path):
    p = tmp_path / "m.csv"
    p.write_bytes(b"id,evidence,A\ne1,caf\xe9,C\n")
    with pytest.raises(SourceError, match="not valid UTF-8") as info:
        load_matrix(p)
    assert info.value.line == 2


def test_huge_file_is_refused_before_reading(tmp_path):
    p = _write(tmp_path, "m.csv", "id,evidence,A\n" + "e,x,C\n" * 50)
    with pytest.raises(SourceError, match="over the limit of 100 bytes"):
        load_matrix(p, max_bytes=100)


def test_huge_file_default_limit_is_20_mib(tmp_path):
    p = tmp_path / "big.csv"
    with p.open("wb") as f:
        f.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(SourceError, match="20,971,520"):
        load_matrix(p)


def test_empty_and_unsupported_files(tmp_path):
    with pytest.raises(SourceError, match="empty"):
        load_matrix(_write(tmp_path, "m.csv", "\n"))
    with pytest.raises(SourceError, match="unsupported matrix format '.xlsx'"):
        load_matrix(_write(tmp_path, "m.xlsx", "x"))
    with pytest.raises(SourceError, match="cannot read"):
        load_matrix(tmp_path / "absent.csv")


# --------------------------------------------------------------------------- YAML


def test_yaml_unknown_rating_names_line_and_field(tmp_path):
    text = (
        "items:\n  - id: e1\n    evidence: x\n    ratings: {A: C, B: I}\n"
        "  - id: e2\n    evidence: y\n    ratings:\n      A: C\n      B: XX\n"
    )
    p = _write(tmp_path, "m.yaml", text)
    with pytest.raises(SchemaError) as info:
        load_matrix(p)
    e = info.value
    assert (e.file, e.line, e.field) == (str(p), 9, "items[1].ratings.B")
    assert "unknown rating 'XX'" in str(e)


def test_yaml_rating_for_unknown_hypothesis(tmp_path):
    text = "hypotheses: [A, B]\nitems:\n  - id: e1\n    evidence: x\n    ratings: {A: C, Z: I}\n"
    with pytest.raises(UnknownIdError, match="rating for unknown hypothesis 'Z'") as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    assert (info.value.line, info.value.field) == (5, "items[0].ratings.Z")


def test_yaml_hypotheses_inferred_from_first_item_catch_typos(tmp_path):
    text = (
        "items:\n  - id: e1\n    ratings: {opportunism: C, insecurity: I}\n"
        "  - id: e2\n    ratings: {oportunism: C, insecurity: I}\n"
    )
    with pytest.raises(UnknownIdError, match="taken from the first item") as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    assert info.value.line == 5


def test_yaml_duplicate_item_id(tmp_path):
    text = "items:\n  - id: e1\n    ratings: {A: C}\n  - id: e1\n    ratings: {A: I}\n"
    with pytest.raises(DuplicateIdError, match="first on line 2") as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    assert (info.value.line, info.value.field) == (4, "items[1].id")


def test_yaml_bad_credibility_and_wrong_types(tmp_path):
    text = "items:\n  - id: e1\n    credibility: 3\n    ratings: {A: 1}\n"
    with pytest.raises(SchemaError) as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    fields = [p.field for p in info.value.problems]
    assert fields == ["items[0].credibility", "items[0].ratings.A"]
    assert [p.line for p in info.value.problems] == [3, 4]


def test_yaml_likelihood_outside_unit_interval(tmp_path):
    text = "items:\n  - id: e1\n    ratings: {A: C, B: I}\n    likelihoods: {A: 0.7, B: 1.2}\n"
    with pytest.raises(SchemaError, match=r"outside \(0, 1\]") as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    assert (info.value.line, info.value.field) == (4, "items[0].likelihoods.B")


def test_yaml_likelihoods_all_or_none(tmp_path):
    text = (
        "items:\n  - id: e1\n    ratings: {A: C}\n    likelihoods: {A: 0.7}\n"
        "  - id: e2\n    ratings: {A: I}\n"
    )
    with pytest.raises(SchemaError, match="lacks likelihoods for A") as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    assert info.value.line == 5


def test_yaml_unknown_analyst(tmp_path):
    text = "analysts: [ann]\nitems:\n  - id: e1\n    ratings:\n      bob: {A: C}\n"
    with pytest.raises(UnknownIdError, match="unknown analyst 'bob'") as info:
        load_matrix(_write(tmp_path, "m.yaml", text))
    assert info.value.line == 5


def test_yaml_malformed_and_truncated(tmp_path):
    with pytest.raises(SourceError, match="invalid YAML") as info:
        load_matrix(_write(tmp_path, "m.yaml", "items:\n  - id: e1\n    ratings: {A: C\n"))
    assert info.value.line is not None
    with pytest.raises(SourceError, match="invalid YAML"):
        load_matrix(_write(tmp_path, "t.yaml", 'items:\n  - id: e1\n    evidence: "cut off'))
    with pytest.raises(SourceError, match="duplicate key"):
        load_matrix(_write(tmp_path, "d.yaml", "items: []\nitems: []\n"))


def test_yaml_wrong_top_level_type(tmp_path):
    with pytest.raises(SchemaError, match="expected a mapping"):
        load_matrix(_write(tmp_path, "m.yaml", "- a\n- b\n"))
    with pytest.raises(SchemaError, match="expected a list of items") as info:
        load_matrix(_write(tmp_path, "n.yaml", "items: 3\n"))
    assert info.value.field == "items"
    with pytest.raises(SchemaError, match="no items"):
        load_matrix(_write(tmp_path, "o.yaml", "items: []\n"))


def test_all_content_errors_are_workspace_errors(tmp_path):
    # the CLI can catch one family for content problems
    assert issubclass(DuplicateIdError, WorkspaceError)
    assert issubclass(UnknownIdError, WorkspaceError)
