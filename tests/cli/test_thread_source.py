"""``casus ingest thread`` makes a thread a citable source; ``casus validate`` checks
``post N`` locators against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.workspace.load import load_workspace, validate_workspace

runner = CliRunner()
PAGE = Path(__file__).parents[1] / "sources" / "data" / "threadreader" / "page.txt"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASUS_DB", raising=False)


def _ingest(ws: Path, *extra: str) -> dict:
    r = runner.invoke(
        app, ["ingest", "thread", str(PAGE), "--source-id", "tr2022", "-w", str(ws), *extra,
              "--json"]
    )
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def _cite(ws: Path, locator: str) -> None:
    case = ws / "cases" / "one.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(
        text.replace(
            "b: {value: null, rationale: \"unknown: not settled\", sources: [{source: src2}]}",
            "b: {value: null, rationale: \"unknown: not settled\", sources: [{source: src2}, "
            f"{{source: tr2022, locator: \"{locator}\"}}]}}",
        ),
        encoding="utf-8",
    )


def test_ingest_adds_a_post_source_with_page_metadata(make_workspace):
    ws = make_workspace()
    out = _ingest(ws)
    assert out["sources_file"] == str(ws / "sources" / "threads.yaml")
    entry = YAML(typ="safe").load((ws / "sources" / "threads.yaml").read_text())[0]
    assert entry["id"] == "tr2022" and entry["type"] == "post"
    assert entry["author"] == [{"literal": "@example_analyst"}]
    assert entry["issued"] == {"date-parts": [[2022, 2, 24]]}
    assert entry["URL"] == "https://threadreaderapp.com/thread/1496729411536080896.html"
    assert entry["posts"] == 5
    assert entry["title"].startswith("This is a hand-made test fixture")
    src = load_workspace(ws).sources["tr2022"]
    assert src.type == "post" and src.posts == 5 and src.year() == 2022


def test_ingest_twice_is_idempotent_and_keeps_hand_edits(make_workspace):
    ws = make_workspace()
    _ingest(ws)
    path = ws / "sources" / "threads.yaml"
    path.write_text(path.read_text() + "  note: checked by hand\n", encoding="utf-8")
    before = path.read_text()
    _ingest(ws)
    assert path.read_text() == before
    _ingest(ws, "--title", "A better title")
    entries = YAML(typ="safe").load(path.read_text())
    assert len(entries) == 1
    assert entries[0]["title"] == "A better title" and entries[0]["note"] == "checked by hand"


def test_ingest_updates_an_entry_already_in_sources_yaml(make_workspace):
    ws = make_workspace()
    with (ws / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write("- id: tr2022\n  type: post\n  title: Old title\n  topics: [thesis]\n")
    _ingest(ws, "--date", "2022-02")
    assert not (ws / "sources" / "threads.yaml").exists()
    src = load_workspace(ws).sources["tr2022"]
    assert src.posts == 5 and src.topics == ["thesis"]
    assert src.issued is not None and src.issued.date_parts == [[2022, 2]]


def test_coding_citing_an_existing_post_validates(make_workspace):
    ws = make_workspace()
    _ingest(ws)
    _cite(ws, "post 5")
    r = runner.invoke(app, ["validate", "-w", str(ws)])
    assert r.exit_code == 0, r.stdout + r.stderr


@pytest.mark.parametrize(
    ("locator", "words"),
    [
        ("post 7", "no post 7 in source 'tr2022': the thread has 5 posts"),
        ("posts 2-9", "no post 9 in source 'tr2022'"),
        ("post 0", "no post 0 in source 'tr2022'"),
        ("posts 4-2", "post range '4-2' runs backwards"),
    ],
)
def test_locator_naming_a_missing_post_is_located(make_workspace, locator, words):
    ws = make_workspace()
    _ingest(ws)
    _cite(ws, locator)
    _, problems = validate_workspace(ws)
    assert len(problems) == 1
    p = problems[0]
    assert p.file == "cases/one.yaml"
    assert p.field == "codings.b.sources[1].locator"
    lines = (ws / "cases" / "one.yaml").read_text(encoding="utf-8").split("\n")
    assert p.line == next(i for i, ln in enumerate(lines, 1) if "tr2022" in ln)
    assert words in p.message
    r = runner.invoke(app, ["validate", "-w", str(ws)])
    assert r.exit_code == 1
    assert f"cases/one.yaml:{p.line}" in r.stdout + r.stderr


def test_other_locators_on_a_thread_are_not_checked(make_workspace):
    ws = make_workspace()
    _ingest(ws)
    _cite(ws, "the closing post")
    assert validate_workspace(ws)[1] == []


def test_bad_date_option_is_a_located_error(make_workspace):
    ws = make_workspace()
    r = runner.invoke(app, ["ingest", "thread", str(PAGE), "-w", str(ws), "--date", "24.02.2022"])
    assert r.exit_code == 1
    assert "--date" in r.stderr and "YYYY" in r.stderr
