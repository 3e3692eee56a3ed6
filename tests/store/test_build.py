"""The store: atomic builds, SQLite and PostgreSQL giving the same data, exports."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from casusbelli.analysis.measured import load_workspace
from casusbelli.errors import StoreError
from casusbelli.store import (
    build_store,
    case_matrix,
    export_matrix,
    meta,
    open_store,
    read_workspace,
)
from tests.conftest import REPO


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_build_then_read_back_equals_workspace(make_workspace, tmp_path):
    ws = load_workspace(make_workspace())
    url = _sqlite_url(tmp_path / "db" / "casus.db")
    report = build_store(ws, url)
    assert report.counts["cases"] == 2 and report.counts["codings"] == 6
    stored = read_workspace(open_store(url))
    assert stored.cases == ws.cases
    assert stored.sources == ws.sources
    assert stored.indicators == ws.indicators
    assert stored.theories == ws.theories
    assert stored.config == ws.config
    assert meta(open_store(url))["content_hash"] == ws.content_hash


def test_unbuilt_store_gives_a_hint(tmp_path):
    with pytest.raises(StoreError, match="no store at") as info:
        open_store(_sqlite_url(tmp_path / "missing.db"))
    assert info.value.hint == "run `casus build` first"


def test_matrix_export_formats(make_workspace, tmp_path):
    ws = load_workspace(make_workspace())
    url = _sqlite_url(tmp_path / "casus.db")
    build_store(ws, url)
    m = case_matrix(open_store(url))
    assert m.case_ids == ("one", "two")
    assert m.indicator_ids == ("a", "b", "Y")
    assert m.values == ((0.67, None, 1.0), (0.33, 1.0, 0.0))
    csv = export_matrix(m, "csv", None)
    assert csv.splitlines()[0] == "id,name,kind,start,end,actor,target,a,b,Y"
    assert csv.splitlines()[1].endswith(",0.67,,1.0")  # unknown stays empty, never 0
    records = json.loads(export_matrix(m, "json", None))
    assert records[0]["b"] is None and records[1]["b"] == 1.0
    out = tmp_path / "m.parquet"
    export_matrix(m, "parquet", out)
    df = pd.read_parquet(out)
    assert df["b"].isna().tolist() == [True, False]


def test_rebuild_keeps_tables_that_are_not_compiled(make_workspace, tmp_path):
    ws = load_workspace(make_workspace())
    path = tmp_path / "casus.db"
    build_store(ws, _sqlite_url(path))
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE journal_probe (x TEXT)")
        conn.execute("INSERT INTO journal_probe VALUES ('kept')")
    build_store(ws, _sqlite_url(path), force=True)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT x FROM journal_probe").fetchall() == [("kept",)]


def _add_forecast(url: str, question: str = "q") -> int:
    from casusbelli.store.registry import IssuedForecast, append_forecasts, journal_store

    store = journal_store(url)
    try:
        (row,) = append_forecasts(store, [IssuedForecast(question, "alpha", "base", 0.5,
                                                         "2026-01-01T00:00:00+00:00", "ws",
                                                         "h" * 64, "test")])
    finally:
        store.dispose()
    assert row.id is not None
    return row.id


def _forecast_ids(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM forecasts ORDER BY id")]


def test_failed_build_leaves_old_store_untouched(make_workspace, tmp_path):
    ws = load_workspace(make_workspace())
    path = tmp_path / "casus.db"
    url = _sqlite_url(path)
    build_store(ws, url)
    fid = _add_forecast(url)

    def boom() -> None:
        raise RuntimeError("disk on fire")

    ws2 = load_workspace(make_workspace({"cases/two.yaml": None}, name="ws2"))
    with pytest.raises(RuntimeError):
        build_store(ws2, url, _before_commit=boom)
    stored = read_workspace(open_store(url))
    assert sorted(stored.cases) == ["one", "two"]
    assert stored.meta["content_hash"] == ws.content_hash
    assert _forecast_ids(path) == [fid]
    # the failed build released its locks: the next one runs
    assert not build_store(ws2, url).skipped
    assert sorted(read_workspace(open_store(url)).cases) == ["one"]
    assert _forecast_ids(path) == [fid]


def test_an_unchanged_workspace_is_not_built_again(make_workspace, tmp_path):
    ws = load_workspace(make_workspace())
    url = _sqlite_url(tmp_path / "casus.db")
    assert not build_store(ws, url).skipped
    built_at = meta(open_store(url))["built_at"]
    again = build_store(ws, url)
    assert again.skipped and again.counts["cases"] == 2
    assert meta(open_store(url))["built_at"] == built_at
    assert not build_store(ws, url, force=True).skipped
    changed = load_workspace(make_workspace({"cases/two.yaml": None}, name="changed"))
    assert not build_store(changed, url).skipped
    assert sorted(read_workspace(open_store(url)).cases) == ["one"]


_KILL_SCRIPT = textwrap.dedent(
    """
    import pathlib, sys, time
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.store import build_store
    ws = load_workspace(sys.argv[1])
    pause = float(sys.argv[3])
    marker = pathlib.Path(sys.argv[4])

    def before_commit():
        marker.touch()
        time.sleep(pause)

    while True:
        build_store(ws, sys.argv[2], force=True, _before_commit=before_commit if pause else None)
    """
)


def _hash_of(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT value FROM meta WHERE key='content_hash'").fetchone()[0]


def test_sigkill_during_build_never_leaves_a_broken_store(make_workspace, tmp_path):
    old = load_workspace(make_workspace(name="old"))
    new_root = make_workspace({"cases/two.yaml": None}, name="new")
    new = load_workspace(new_root)
    path = tmp_path / "store" / "casus.db"
    build_store(old, _sqlite_url(path))
    fid = _add_forecast(_sqlite_url(path))
    script = tmp_path / "kill_build.py"
    script.write_text(_KILL_SCRIPT)
    marker = tmp_path / "paused"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    # 1. killed while paused just before its commit (tables replaced, not committed): the old
    #    store is exactly as it was, journal row included
    proc = subprocess.Popen([sys.executable, str(script), str(new_root), _sqlite_url(path), "60",
                             str(marker)], env=env)
    deadline = time.time() + 120
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the build never reached its commit"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _hash_of(path) == old.content_hash
    assert _forecast_ids(path) == [fid]
    # 2. killed at random moments of a build loop, repeatedly: always a valid old or new store
    for delay in (0.3, 0.7, 1.1, 1.6, 2.2):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(new_root), _sqlite_url(path), "0", str(marker)],
            env=env,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _hash_of(path) in (old.content_hash, new.content_hash)
        assert _forecast_ids(path) == [fid]
    # a killed builder leaves no lock behind: the next build runs at once
    report = build_store(old, _sqlite_url(path), lock_timeout=30)
    assert _hash_of(path) == old.content_hash
    assert report.skipped or report.counts["cases"] == 2
    assert _forecast_ids(path) == [fid]


@pytest.mark.postgres
def test_postgres_and_sqlite_hold_the_same_data(make_workspace, tmp_path, pg_database):
    ws = load_workspace(make_workspace())
    sqlite_url = _sqlite_url(tmp_path / "casus.db")
    build_store(ws, sqlite_url)
    build_store(ws, pg_database)
    a = read_workspace(open_store(sqlite_url))
    b = read_workspace(open_store(pg_database))
    for attr in ("config", "sources", "indicators", "theories", "cases", "evidence",
                 "questions", "frames"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert case_matrix(open_store(sqlite_url)) == case_matrix(open_store(pg_database))
    assert a.meta["content_hash"] == b.meta["content_hash"]


@pytest.mark.postgres
def test_postgres_rebuild_is_one_transaction(make_workspace, pg_database):
    ws = load_workspace(make_workspace())
    build_store(ws, pg_database)
    broken = load_workspace(make_workspace({"cases/two.yaml": None}, name="ws2"))
    # a build that fails half-way (violating a constraint) must leave the old rows
    from casusbelli.store import build as build_mod

    original = build_mod.workspace_rows

    def bad_rows(w):
        rows = original(w)
        rows["codings"].append(dict(rows["codings"][0]))  # duplicate primary key
        return rows

    build_mod.workspace_rows = bad_rows
    try:
        with pytest.raises(StoreError):
            build_store(broken, pg_database)
    finally:
        build_mod.workspace_rows = original
    assert sorted(read_workspace(open_store(pg_database)).cases) == ["one", "two"]


def test_schema_revision_mismatch_is_reported(make_workspace, tmp_path):
    ws = load_workspace(make_workspace())
    path = tmp_path / "casus.db"
    build_store(ws, _sqlite_url(path))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999'")
    with pytest.raises(StoreError, match="schema revision 9999"):
        open_store(_sqlite_url(path))


def test_builtin_workspace_builds(tmp_path):
    ws = load_workspace(None)
    report = build_store(ws, _sqlite_url(tmp_path / "r.db"))
    assert report.counts["indicators"] == len(ws.indicators)
    assert report.counts["cases"] == len(ws.cases)
