"""Bad frame files, read by the one frame loader (the workspace's): each error names the file,
the line and the field (moved from tests/discourse/test_lexicon_bad.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.errors import DuplicateIdError, SchemaError, UnknownIdError, WorkspaceError
from casusbelli.workspace import load_file, validate_workspace
from casusbelli.workspace.validate.frames import read_frames

GOOD = """\
id: {id}
label: Fascism
description: The adversary as Nazi.
terms:
  en: [nazism, neo-nazi]
  ru: [нацизм]
"""


@pytest.fixture
def frames(tmp_path: Path) -> Path:
    d = tmp_path / "frames"
    d.mkdir()
    return d


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(frames: Path) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism"))
    assert list(read_frames(frames)) == ["fascism"]
    assert read_frames(frames)["fascism"].terms == {"en": ["nazism", "neo-nazi"], "ru": ["нацизм"]}


def test_unknown_field_names_file_line_field(frames: Path) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism") + "colour: red\n")
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    e = err.value
    assert (e.file, e.line, e.field) == ("frames/fascism.yaml", 7, "colour")
    assert e.message == "unknown field 'colour'"


def test_id_is_the_file_stem_and_a_stated_one_must_match(frames: Path) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="x").replace("id: x\n", ""))
    assert list(read_frames(frames)) == ["fascism"]
    write(frames, "fascism.yaml", GOOD.format(id="nazism"))
    with pytest.raises(SchemaError, match="differs from the file name 'fascism'") as err:
        read_frames(frames)
    assert (err.value.line, err.value.field) == (1, "id")


def test_duplicate_term_names_its_item(frames: Path) -> None:
    text = GOOD.format(id="fascism").replace(
        "en: [nazism, neo-nazi]", "en:\n    - nazism\n    - Nazism\n"
    )
    write(frames, "fascism.yaml", text)
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    e = err.value
    assert (e.file, e.line, e.field) == ("frames/fascism.yaml", 7, "terms.en[1]")
    assert e.message == "term 'Nazism' repeats item 0 after normalisation"


@pytest.mark.parametrize("term", ["'  '", "'='", "'\u00a0'"])
def test_a_term_empty_once_normalised_is_refused(frames: Path, term: str) -> None:
    text = GOOD.format(id="fascism").replace("en: [nazism, neo-nazi]", f"en: [nazism, {term}]")
    write(frames, "fascism.yaml", text)
    with pytest.raises(SchemaError, match="is empty once normalised") as err:
        read_frames(frames)
    assert (err.value.line, err.value.field) == (5, "terms.en[1]")


def test_duplicate_yaml_key(frames: Path) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism") + "label: again\n")
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    assert (err.value.file, err.value.line) == ("frames/fascism.yaml", 7)
    assert err.value.message.startswith("invalid YAML: duplicate key")


def test_other_language_code_is_accepted_with_listed_forms(frames: Path) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism") + "  de: [faschismus]\n")
    assert read_frames(frames)["fascism"].terms["de"] == ["faschismus"]


@pytest.mark.parametrize("code", ["German", "DE", "d", "de_DE", "e1"])
def test_invalid_language_code_is_located(frames: Path, code: str) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism") + f"  {code}: [faschismus]\n")
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    assert (err.value.line, err.value.field) == (7, f"terms.{code}.[key]")
    assert err.value.message.startswith(f"invalid language code {code!r}: use a lower-case code")


@pytest.mark.parametrize(
    ("replace", "by", "field", "message"),
    [
        ("en: [nazism, neo-nazi]", "en: nazism", "terms.en", "expected a list, got 'nazism'"),
        ("en: [nazism, neo-nazi]", "en: [nazism, 12]", "terms.en[1]", "expected text, got 12"),
        ("label: Fascism", "label: [a, b]", "label", "expected text, got list"),
        ("description: The adversary as Nazi.", "description:", "description",
         "expected text, got None"),
    ],
)
def test_wrong_types(frames: Path, replace: str, by: str, field: str, message: str) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism").replace(replace, by))
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    assert (err.value.field, err.value.message) == (field, message)
    assert err.value.line is not None


def test_terms_missing(frames: Path) -> None:
    write(frames, "fascism.yaml", "id: fascism\nlabel: F\ndescription: D\n")
    with pytest.raises(SchemaError, match="required field is missing") as err:
        read_frames(frames)
    assert err.value.field == "terms"


def test_malformed_and_truncated_yaml(frames: Path) -> None:
    write(frames, "fascism.yaml", 'id: fascism\nlabel: "unterminated\n')
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    assert err.value.file == "frames/fascism.yaml"
    assert err.value.line is not None
    assert err.value.message.startswith("invalid YAML")


def test_not_a_mapping(frames: Path) -> None:
    write(frames, "fascism.yaml", "- a\n- b\n")
    with pytest.raises(SchemaError, match="expected a mapping at the top of a frame file"):
        read_frames(frames)


def test_not_utf8(frames: Path) -> None:
    (frames / "fascism.yaml").write_bytes("id: фашизм".encode("cp1251"))
    with pytest.raises(WorkspaceError, match="UTF-8") as err:
        read_frames(frames)
    assert err.value.file == "frames/fascism.yaml"


def test_huge_file_is_refused(frames: Path) -> None:
    over = "# " + "x" * (6 * 1024 * 1024)  # the workspace's limit is 5 MiB per file
    write(frames, "fascism.yaml", GOOD.format(id="fascism") + over)
    with pytest.raises(WorkspaceError, match="over the limit") as err:
        read_frames(frames)
    assert err.value.file == "frames/fascism.yaml"


def test_duplicate_frame_id_names_both_files(frames: Path) -> None:
    write(frames, "fascism.yaml", GOOD.format(id="fascism"))
    write(frames, "fascism.yml", GOOD.format(id="fascism"))
    with pytest.raises(DuplicateIdError) as err:
        read_frames(frames)
    assert err.value.file == "frames/fascism.yml"
    assert "frames/fascism.yaml:1" in err.value.message


def test_example_fields_and_unknown_source(frames: Path) -> None:
    text = GOOD.format(id="fascism") + (
        "examples:\n"
        "  - text: \"<script>alert('x')</script> neo-Nazis\"\n"
        "    source: nosuchsource\n"
        "    locator: p. 1\n"
    )
    write(frames, "fascism.yaml", text)
    frame = read_frames(frames)["fascism"]  # no known_sources: not checked
    assert frame.examples[0].text == "<script>alert('x')</script> neo-Nazis"  # kept verbatim
    with pytest.raises(UnknownIdError) as err:
        read_frames(frames, known_sources={"putin2022feb24"})
    assert (err.value.line, err.value.field) == (9, "examples[0].source")


def test_example_unknown_field(frames: Path) -> None:
    text = GOOD.format(id="fascism") + (
        "examples:\n  - text: t\n    source: s\n    locator: l\n    page: 3\n"
    )
    write(frames, "fascism.yaml", text)
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    assert (err.value.line, err.value.field) == (11, "examples[0].page")


def test_all_problems_are_listed(frames: Path) -> None:
    write(frames, "a.yaml", "id: a\nlabel: A\n")
    write(frames, "b.yaml", GOOD.format(id="b") + "extra: 1\n")
    with pytest.raises(SchemaError) as err:
        read_frames(frames)
    assert [(p.file, p.field) for p in err.value.problems] == [
        ("frames/a.yaml", "terms"), ("frames/b.yaml", "extra")]


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="frames folder not found"):
        read_frames(tmp_path / "nope")


def test_term_checks_run_in_the_workspace_and_on_one_file(make_workspace) -> None:
    text = "label: Threat\nterms:\n  en: [nazi, Nazi]\n"
    root = make_workspace({"frames/threat.yaml": text})
    ws, problems = validate_workspace(root)
    assert ws is None
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("frames/threat.yaml", 3, "terms.en[1]")]
    with pytest.raises(SchemaError, match="repeats item 0") as err:
        load_file(root / "frames" / "threat.yaml", "frame")
    assert (err.value.line, err.value.field) == (3, "terms.en[1]")
