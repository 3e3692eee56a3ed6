"""``casus frames thread:ID`` and ``casus kwic FRAME thread:ID`` on an ingested thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casusbelli.cli import app

runner = CliRunner()
PAGE = Path(__file__).parents[1] / "sources" / "data" / "threadreader" / "page.txt"


@pytest.fixture(autouse=True)
def _ingested(tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASUS_DB", raising=False)
    r = runner.invoke(app, ["ingest", "thread", str(PAGE), "--source-id", "tr"])
    assert r.exit_code == 0, r.stderr


def test_frames_per_post_count_the_posts_that_use_them():
    r = runner.invoke(
        app,
        ["frames", "thread:tr", "--frames", "western_expansion,gpw", "--by", "document",
         "--json"],
    )
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    hits = {(row["document"], row["frame"]): row["hits"] for row in rows}
    assert hits[("post 2", "western_expansion")] == 1  # "NATO expansion"
    assert hits[("post 4", "gpw")] == 1  # "the Great Patriotic War"
    assert sum(v for (d, f), v in hits.items() if d not in ("post 2", "post 4")) == 0
    assert {row["date"] for row in rows} == {"2022-02-24"}


def test_frames_by_year_pool_the_thread():
    r = runner.invoke(app, ["frames", "thread:tr", "--frames", "gpw", "--json"])
    assert r.exit_code == 0, r.stderr
    (row,) = json.loads(r.stdout)
    assert row["window"] == "2022" and row["hits"] == 1


def test_kwic_on_a_thread_names_the_post():
    r = runner.invoke(app, ["kwic", "gpw", "thread:tr", "--json"])
    assert r.exit_code == 0, r.stderr
    (line,) = json.loads(r.stdout)
    assert line["doc_id"] == "post 4"
    assert line["match"].lower() == "great patriotic war"


def test_unknown_thread_is_an_error():
    r = runner.invoke(app, ["frames", "thread:nope"])
    assert r.exit_code == 1
    assert "no ingested thread 'nope'" in r.stderr
