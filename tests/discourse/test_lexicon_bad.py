"""Bad frame files: each error names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.discourse.lexicon import load_frames
from casusbelli.errors import DuplicateIdError, SchemaError, UnknownIdError, WorkspaceError

GOOD = """\
id: {id}
label: Fascism
description: The adversary as Nazi.
terms:
  en: [nazism, neo-nazi]
  ru: [нацизм]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    write(tmp_path, "fascism.yaml", GOOD.format(id="fascism"))
    [frame] = load_frames(tmp_path)
    assert frame.id == "fascism"
    assert frame.terms == {"en": ("nazism", "neo-nazi"), "ru": ("нацизм",)}


def test_unknown_field_names_file_line_field(tmp_path: Path) -> None:
    path = write(tmp_path, "fascism.yaml", GOOD.format(id="fascism") + "colour: red\n")
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    e = err.value
    assert (e.file, e.line, e.field) == (str(path), 7, "colour")
    allowed = "id, label, description, terms, examples"
    assert str(e) == f"{path}:7: colour: unknown field 'colour' (allowed: {allowed})"


def test_missing_id(tmp_path: Path) -> None:
    path = write(tmp_path, "fascism.yaml", GOOD.format(id="x").replace("id: x\n", ""))
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    assert err.value.file == str(path)
    assert err.value.field == "id"
    assert err.value.line == 1
    assert "missing required field 'id'" in str(err.value)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    write(tmp_path, "nazism.yaml", GOOD.format(id="fascism"))
    with pytest.raises(SchemaError, match="differs from the file name 'nazism'") as err:
        load_frames(tmp_path)
    assert (err.value.line, err.value.field) == (1, "id")


def test_duplicate_term_names_its_item(tmp_path: Path) -> None:
    text = GOOD.format(id="fascism").replace(
        "en: [nazism, neo-nazi]", "en:\n    - nazism\n    - Nazism\n"
    )
    path = write(tmp_path, "fascism.yaml", text)
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    e = err.value
    assert (e.file, e.line, e.field) == (str(path), 7, "terms.en[1]")
    assert "duplicate term 'Nazism'" in e.message


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path = write(tmp_path, "fascism.yaml", GOOD.format(id="fascism") + "label: again\n")
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    assert err.value.file == str(path)
    assert err.value.line == 7
    assert "malformed YAML" in err.value.message


def test_other_language_code_is_accepted_with_listed_forms(tmp_path: Path) -> None:
    write(tmp_path, "fascism.yaml", GOOD.format(id="fascism") + "  de: [faschismus]\n")
    (frame,) = load_frames(tmp_path)
    assert frame.terms["de"] == ("faschismus",)


@pytest.mark.parametrize("code", ["German", "DE", "d", "de_DE", "e1"])
def test_invalid_language_code_is_located(tmp_path: Path, code: str) -> None:
    write(tmp_path, "fascism.yaml", GOOD.format(id="fascism") + f"  {code}: [faschismus]\n")
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    assert (err.value.line, err.value.field) == (7, f"terms.{code}")
    assert f"invalid language code {code!r}" in err.value.message


@pytest.mark.parametrize(
    ("replace", "by", "field", "needle"),
    [
        ("en: [nazism, neo-nazi]", "en: nazism", "terms.en", "expected a list of terms"),
        ("en: [nazism, neo-nazi]", "en: [nazism, 12]", "terms.en[1]", "a number (12)"),
        ("en: [nazism, neo-nazi]", "en: [nazism, '  ']", "terms.en[1]", "empty string"),
        ("label: Fascism", "label: [a, b]", "label", "expected a non-empty string"),
        ("description: The adversary as Nazi.", "description:", "description", "nothing"),
    ],
)
def test_wrong_types(tmp_path: Path, replace: str, by: str, field: str, needle: str) -> None:
    write(tmp_path, "fascism.yaml", GOOD.format(id="fascism").replace(replace, by))
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    assert err.value.field == field
    assert needle in err.value.message
    assert err.value.line is not None


def test_terms_missing(tmp_path: Path) -> None:
    text = "id: fascism\nlabel: F\ndescription: D\n"
    write(tmp_path, "fascism.yaml", text)
    with pytest.raises(SchemaError, match="missing required field 'terms'"):
        load_frames(tmp_path)


def test_malformed_and_truncated_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "fascism.yaml", 'id: fascism\nlabel: "unterminated\n')
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    assert err.value.file == str(path)
    assert err.value.line is not None
    assert err.value.message.startswith("malformed YAML")


def test_not_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, "fascism.yaml", "- a\n- b\n")
    with pytest.raises(SchemaError, match="expected a mapping, got a list"):
        load_frames(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "fascism.yaml").write_bytes("id: фашизм".encode("cp1251"))
    with pytest.raises(SchemaError, match="not UTF-8"):
        load_frames(tmp_path)


def test_huge_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "fascism.yaml", GOOD.format(id="fascism") + "# " + "x" * (2 * 1024 * 1024))
    with pytest.raises(SchemaError, match="larger than"):
        load_frames(tmp_path)


def test_duplicate_frame_id_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "fascism.yaml", GOOD.format(id="fascism"))
    write(tmp_path, "fascism.yml", GOOD.format(id="fascism"))
    with pytest.raises(DuplicateIdError) as err:
        load_frames(tmp_path)
    assert "fascism.yaml" in str(err.value) and "fascism.yml" in str(err.value)


def test_example_fields_and_unknown_source(tmp_path: Path) -> None:
    text = GOOD.format(id="fascism") + (
        "examples:\n"
        "  - text: \"<script>alert('x')</script> neo-Nazis\"\n"
        "    source: nosuchsource\n"
        "    locator: p. 1\n"
    )
    write(tmp_path, "fascism.yaml", text)
    [frame] = load_frames(tmp_path)  # no known_sources: not checked
    assert frame.examples[0].text == "<script>alert('x')</script> neo-Nazis"  # kept verbatim
    with pytest.raises(UnknownIdError) as err:
        load_frames(tmp_path, known_sources={"putin2022feb24"})
    assert (err.value.line, err.value.field) == (9, "examples[0].source")


def test_example_unknown_field(tmp_path: Path) -> None:
    text = GOOD.format(id="fascism") + (
        "examples:\n  - text: t\n    source: s\n    locator: l\n    page: 3\n"
    )
    write(tmp_path, "fascism.yaml", text)
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    assert (err.value.line, err.value.field) == (11, "examples[0].page")


def test_all_problems_are_listed(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "id: a\nlabel: A\n")
    write(tmp_path, "b.yaml", GOOD.format(id="b") + "extra: 1\n")
    with pytest.raises(SchemaError) as err:
        load_frames(tmp_path)
    files = {Path(p.file).name for p in err.value.problems if p.file}
    assert files == {"a.yaml", "b.yaml"}
    assert len(err.value.problems) >= 3


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="frames folder not found"):
        load_frames(tmp_path / "nope")
