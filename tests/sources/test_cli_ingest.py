"""``casus ingest thread|tweets|corpus`` on real and hand-made files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from casusbelli.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASUS_DB", raising=False)


def test_seed_thread_dry_run_json_gives_twelve_posts(shared_data, tmp_path):
    f = shared_data / "seed-thread" / "thread.txt"
    r = runner.invoke(app, ["ingest", "thread", str(f), "--dry-run", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["author"] == "SamRamani2"
    assert [p["n"] for p in doc["posts"]] == list(range(1, 13))
    assert doc["posts"][11]["text"].startswith("Given this calculus, sanctions are unlikely")
    assert doc["stored"] is None
    assert not (tmp_path / "data").exists()


def test_thread_is_stored_with_provenance(shared_data, tmp_path):
    f = shared_data / "seed-thread" / "thread.txt"
    r = runner.invoke(app, ["ingest", "thread", str(f), "--source-id", "seedthread"])
    assert r.exit_code == 0, r.stderr
    stored = tmp_path / "data" / "builtin-russia" / "threads" / "seedthread.json"
    doc = json.loads(stored.read_text())
    assert len(doc["posts"]) == 12 and doc["source"] == "seedthread"
    assert len(doc["provenance"]["sha256"]) == 64
    assert "Latest Threads Unrolled:" in doc["footer_removed"]


def test_unknown_layout_names_the_line(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("first post /1\nsecond post /3\n", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "thread", str(f), "--dry-run"])
    assert r.exit_code == 1
    assert "t.txt:2" in r.stderr


def test_corpus_ingest_is_idempotent_and_reports_bad_rows(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("id,date,text\n1,2020-01-02,Hello NATO\n2,,no date here\n3,2021-05-06,Bye\n",
                 encoding="utf-8")
    args = ["ingest", "corpus", str(f), "--name", "demo", "--text-col", "text", "--date-col",
            "date", "--id-col", "id", "--json"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["rows_added"] == 2
    r = runner.invoke(app, args)
    assert json.loads(r.stdout)["already_ingested"] is True
    r = runner.invoke(app, args[:-1] + ["--on-error", "fail", "--name", "strict"])
    assert r.exit_code == 1 and "row" in r.stderr
    r = runner.invoke(app, args[:-1] + ["--on-error", "maybe"])
    assert r.exit_code == 1 and "unknown --on-error 'maybe'" in r.stderr


def test_missing_column_is_named(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("id,date,body\n1,2020-01-02,x\n", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "corpus", str(f), "--name", "d", "--text-col", "text",
                            "--date-col", "date"])
    assert r.exit_code == 1 and "text" in r.stderr


def test_tweets_archive_dry_run(tmp_path):
    from pathlib import Path

    archive = Path(__file__).parent / "data" / "x-archive"
    r = runner.invoke(app, ["ingest", "tweets", str(archive), "--dry-run", "--json"])
    assert r.exit_code == 0, r.stderr
    threads = json.loads(r.stdout)
    assert threads and all(len(t["posts"]) >= 2 for t in threads)
