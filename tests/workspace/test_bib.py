"""``casus sources import``: BibTeX and CSL-JSON into sources.yaml, all or nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.errors import DuplicateIdError, SchemaError, SourceError
from casusbelli.workspace import load_workspace
from casusbelli.workspace.bib import import_sources, parse_bibtex

BIB = r"""@article{levy1988,
  author = {Levy, Jack S.},
  title = {Domestic Politics and War},
  journal = {The Journal of Interdisciplinary History},
  year = {1988},
  volume = {18},
  number = {4},
  pages = {653--673}
}

@book{vanevera1997,
  author = {Van Evera, Stephen},
  title = {Guide to Methods for Students of Political Science},
  publisher = {Cornell University Press},
  year = {1997}
}
"""

runner = CliRunner()


def test_bibtex_maps_to_csl_fields():
    recs = parse_bibtex(BIB, "refs.bib")
    art = recs[0]
    assert art["type"] == "article-journal"
    assert art["author"] == [{"family": "Levy", "given": "Jack S."}]
    assert art["container-title"] == "The Journal of Interdisciplinary History"
    assert art["page"] == "653-673" and art["issue"] == "4"
    assert art["issued"] == {"date-parts": [[1988]]}
    assert art["_line"] == 1 and recs[1]["_line"] == 11


def test_import_bibtex_then_workspace_loads(make_workspace, tmp_path):
    root = make_workspace()
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    r = runner.invoke(app, ["sources", "import", str(bib), "-w", str(root)])
    assert r.exit_code == 0, r.stderr
    ws = load_workspace(root)
    assert ws.sources["vanevera1997"].publisher == "Cornell University Press"
    assert ws.sources["src1"].title == "A real-looking book"  # existing entries kept


def test_import_csl_json_keeps_hostile_text_verbatim(make_workspace, tmp_path):
    root = make_workspace()
    f = tmp_path / "refs.json"
    title = '<script>alert("x")</script> Title'
    f.write_text(json.dumps([{"id": "x1", "type": "book", "title": title,
                              "author": [{"family": "Doe"}], "issued": {"date-parts": [[2001]]}}]),
                 encoding="utf-8")
    assert import_sources(root, f) == ["x1"]
    assert load_workspace(root).sources["x1"].title == title


def test_duplicate_id_aborts_and_writes_nothing(make_workspace, tmp_path):
    root = make_workspace()
    before = (root / "sources.yaml").read_bytes()
    f = tmp_path / "refs.bib"
    f.write_text(BIB + "\n@book{src1,\n  title = {Clash},\n  year = {2000}\n}\n", encoding="utf-8")
    with pytest.raises(DuplicateIdError) as info:
        import_sources(root, f)
    p = info.value.problems[0]
    assert (p.file, p.line, p.field) == ("refs.bib", 18, "[2].id")
    assert "duplicate source id 'src1' (already in sources.yaml)" in p.message
    assert (root / "sources.yaml").read_bytes() == before


def test_malformed_json_names_line_and_column(make_workspace, tmp_path):
    root = make_workspace()
    f = tmp_path / "refs.json"
    f.write_text('[{"id": "a", "type": "book",\n "title": }]', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        import_sources(root, f)
    assert (info.value.file, info.value.line) == ("refs.json", 2)


def test_wrong_type_and_missing_title_are_schema_errors(make_workspace, tmp_path):
    root = make_workspace()
    f = tmp_path / "refs.json"
    f.write_text(json.dumps([{"id": "a", "type": "book"}, {"id": "b", "type": "book",
                                                             "title": 5}]), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        import_sources(root, f)
    fields = [p.field for p in info.value.problems]
    assert fields == ["[0].title", "[1].title"]
    r = runner.invoke(app, ["sources", "import", str(f), "-w", str(root)])
    assert r.exit_code == 1 and "[0].title" in r.stderr


def test_unknown_format_truncated_and_huge_files(make_workspace, tmp_path):
    root = make_workspace()
    txt = tmp_path / "refs.txt"
    txt.write_text("x", encoding="utf-8")
    with pytest.raises(SourceError, match="unknown bibliography format '.txt'"):
        import_sources(root, txt)
    trunc = tmp_path / "t.json"
    trunc.write_text('[{"id": "a", "type": "bo', encoding="utf-8")
    with pytest.raises(SourceError, match="invalid JSON"):
        import_sources(root, trunc)
    big = tmp_path / "big.bib"
    with big.open("wb") as fh:
        fh.truncate(6 * 1024 * 1024)
    with pytest.raises(SourceError, match="over the limit"):
        import_sources(root, big)
