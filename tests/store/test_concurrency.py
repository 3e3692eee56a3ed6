"""The store under concurrent use (issue #17 F1/F6, issue #15 item 1): builds lose no write.

Builds run in place, in one transaction, under a lock (:mod:`casusbelli.store.build`); these
tests run real processes against one store: ``casus issue`` and ACH edits while the store is
rebuilt again and again, two builders of one workspace at once, a reader holding a snapshot
across a build, and builds that fail half-way.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from casusbelli.analysis.measured import load_workspace
from casusbelli.store import build_store, open_store, read_workspace
from casusbelli.store.db import Store
from casusbelli.store.registry import (
    IssuedForecast,
    append_forecasts,
    journal_store,
    list_registry,
)
from casusbelli.workspace.load import resolve_workspace
from tests.conftest import REPO

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
           COLUMNS="200", NO_COLOR="1")

#: The numbers of the issue's "done when": builds against issue runs against web edits.
BUILDS, ISSUE_RUNS, EDITS = 30, 30, 100
CLI_ISSUE_RUNS = 6
WORKER_ISSUE_RUNS = (ISSUE_RUNS - CLI_ISSUE_RUNS) // 2


def _workspaces(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the built-in workspace that differ in content hash (not in data)."""
    a = tmp_path / "ws-a"
    shutil.copytree(resolve_workspace("russia"), a, ignore=shutil.ignore_patterns(".casus"))
    b = tmp_path / "ws-b"
    shutil.copytree(a, b)
    case = sorted((b / "cases").glob("*.yaml"))[0]
    case.write_text(case.read_text(encoding="utf-8") + "# edited for a rebuild\n",
                    encoding="utf-8")
    return a, b


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.store.concurrency_worker", *args],
                            cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _casus(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "casusbelli", *args], cwd=REPO, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str], timeout: float = 600) -> list[Any]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"{proc.args} exited {proc.returncode}:\n{err[-3000:]}"
    try:
        return [json.loads(out)]  # the CLI's --json: one indented document
    except json.JSONDecodeError:
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _edit_journal(url: str) -> tuple[int, int]:
    """(saved version of the edited cell, audit-log rows of ACH edits)."""
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            version = conn.execute(text("SELECT max(version) FROM ach_edits")).scalar()
            audits = conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'ach_edit'")).scalar()
    finally:
        store.dispose()
    return int(version or 0), int(audits or 0)


def _hammer(url: str, tmp_path: Path) -> dict[str, int]:
    """Rebuild the store over and over while forecasts are issued and ACH edits saved.

    Processes, all at once: a builder rebuilding (``force``) in a loop from two workspaces;
    two workers each issuing :data:`WORKER_ISSUE_RUNS` times (the library call behind ``casus
    issue``); :data:`CLI_ISSUE_RUNS` ``python -m casusbelli issue --json`` processes and two
    ``casus build --force`` processes, two at a time; an editor saving :data:`EDITS` ACH edits.
    (Every issue run a CLI process would cost ~6 s of imports each on a busy 2-core machine.)
    Returns what was measured.
    """
    a, b = _workspaces(tmp_path)
    build_store(load_workspace(a), url)
    stop = tmp_path / "stop"
    started = tmp_path / "stop.started"
    builder = _worker("build", url, str(BUILDS), str(stop), str(a), str(b))
    editor = _worker("edit", url, str(EDITS), str(a))
    deadline = time.time() + 300
    while not started.exists() and time.time() < deadline and builder.poll() is None:
        time.sleep(0.05)
    assert started.exists(), "the builder never built"
    issuers = [_worker("issue", url, str(WORKER_ISSUE_RUNS), str(a)) for _ in range(2)]
    pending: list[tuple[str, ...]] = []
    for i in range(CLI_ISSUE_RUNS):
        pending.append(("issue", str(a), "--db", url, "--json"))
        if i % 3 == 1:
            pending.append(("build", str(b), "--db", url, "--force", "--json"))
    runs: list[list[dict[str, Any]]] = []
    cli_builds = 0
    running: list[tuple[str, subprocess.Popen[str]]] = []
    while pending or running:
        while pending and len(running) < 2:
            cmd = pending.pop(0)
            running.append((cmd[0], _casus(*cmd)))
        kind, proc = running.pop(0)
        docs = _finish(proc)
        if kind == "issue":
            runs.append(docs[0]["issued"])
        else:
            assert docs[0]["skipped"] is False
            cli_builds += 1
    for proc in issuers:
        runs += [d["issued"] for d in _finish(proc)]
    stop.touch()
    builds = _finish(builder)
    edit = _finish(editor)[0]
    issued = [f for run in runs for f in run]
    reported = collections.Counter(f["id"] for f in issued)
    stored = {f.id: f for f in list_registry(url)}
    for f in issued:  # the row under each reported id is the one that was reported
        row = stored.get(f["id"])
        if row is not None:
            assert (row.question, row.forecaster, row.scenario, row.issued_at) == (
                f["question"], f["forecaster"], f["scenario"], f["issued_at"])
    version, audits = _edit_journal(url)
    return dict(
        builds=len(builds) + cli_builds,
        builds_skipped=sum(d["skipped"] for d in builds),
        issue_runs=len(runs),
        ids_issued=len(issued),
        ids_found=sum(1 for i in reported if i in stored),
        lost=sum(1 for i in reported if i not in stored),
        duplicated=sum(n - 1 for n in reported.values()),
        unreported_rows=len(set(stored) - set(reported)),
        edits=edit["version"],
        edit_version=version,
        edit_audits=audits,
    )


def _check(m: dict[str, int]) -> None:
    print("measured:", json.dumps(m))
    assert m["builds"] >= BUILDS and m["builds_skipped"] == 0
    assert m["issue_runs"] >= ISSUE_RUNS and m["ids_issued"] > 0
    assert m["lost"] == 0 and m["duplicated"] == 0 and m["unreported_rows"] == 0
    assert m["ids_found"] == m["ids_issued"]
    assert m["edits"] == m["edit_version"] == m["edit_audits"] == EDITS


@pytest.mark.slow
def test_no_issued_forecast_or_edit_is_lost_to_rebuilds_sqlite(tmp_path):
    """F1: ``casus issue`` processes beside ``casus build --force`` and a build loop."""
    _check(_hammer(f"sqlite:///{tmp_path / 'store' / 'casus.db'}", tmp_path))


@pytest.mark.slow
@pytest.mark.postgres
def test_no_issued_forecast_or_edit_is_lost_to_rebuilds_postgres(tmp_path, pg_database):
    _check(_hammer(pg_database, tmp_path))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL on each backend (PostgreSQL: a fresh database on the test server)."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_database"))
    return f"sqlite:///{tmp_path / 'store' / 'casus.db'}"


def test_two_builders_of_one_workspace_build_once(make_workspace, tmp_path, store_url):
    """Issue #15: two runs at once on a fresh store both succeed; one builds, one skips."""
    root = make_workspace()
    go = tmp_path / "go"
    procs = [_worker("build-once", store_url, str(go), str(root)) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    skipped = sorted(_finish(p, timeout=300)[0]["skipped"] for p in procs)
    assert skipped == [False, True]
    ws = load_workspace(root)
    stored = read_workspace(open_store(store_url))
    assert stored.cases == ws.cases and stored.meta["content_hash"] == ws.content_hash


def _forecast(question: str) -> IssuedForecast:
    return IssuedForecast(question, "alpha", "base", 0.5, "2026-01-01T00:00:00+00:00", "ws",
                          "h" * 64, "test")


def _append(url: str, question: str) -> int:
    store = journal_store(url)
    try:
        (row,) = append_forecasts(store, [_forecast(question)])
    finally:
        store.dispose()
    assert row.id is not None
    return row.id


def test_a_reader_open_across_a_build_reads_and_then_writes(make_workspace, tmp_path):
    """F6: a connection opened before a build keeps working (no swapped file, no read-only
    database): it reads its snapshot during the build, the new tables after, and can write."""
    path = tmp_path / "store" / "casus.db"
    url = f"sqlite:///{path}"
    old = load_workspace(make_workspace())
    new = load_workspace(make_workspace({"cases/two.yaml": None}, name="new"))
    build_store(old, url)
    app_store = open_store(url)  # as the web app holds it
    assert sorted(read_workspace(app_store).cases) == ["one", "two"]
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM cases").fetchone() == (2,)
    build_store(new, url)  # commits while the reader holds its snapshot
    assert reader.execute("SELECT count(*) FROM cases").fetchone() == (2,)
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM cases").fetchone() == (1,)
    reader.execute(
        "INSERT INTO forecasts (question, forecaster, scenario, value, issued_at, workspace, "
        "content_hash, source) VALUES ('r', 'alpha', 'base', '0.5', 'now', 'ws', 'h', 'test')")
    reader.close()
    assert sorted(read_workspace(app_store).cases) == ["one"]
    (row,) = append_forecasts(app_store, [_forecast("app")])
    app_store.dispose()
    assert sorted((f.id, f.question) for f in list_registry(url)) == [(1, "r"), (2, "app")]
    assert row.id == 2


def test_a_build_failing_half_way_keeps_old_rows_and_journal(make_workspace, store_url):
    """A build that has deleted the compiled tables and inserted some rows, then fails, leaves
    the old compiled rows and every journal row."""
    old = load_workspace(make_workspace())
    new = load_workspace(make_workspace({"cases/two.yaml": None}, name="new"))
    build_store(old, store_url)
    kept = _append(store_url, "kept")
    tables: list[str] = []

    def fail_after_three(_advance: int, _total: int | None, label: str) -> None:
        tables.append(label)
        if len(tables) == 3:
            raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        build_store(new, store_url, progress=fail_after_three)
    assert len(tables) == 3
    stored = read_workspace(open_store(store_url))
    assert sorted(stored.cases) == ["one", "two"]
    assert stored.meta["content_hash"] == old.content_hash
    assert [f.id for f in list_registry(store_url)] == [kept]
    # nothing is left locked: a write and the next build go through
    assert _append(store_url, "after") > kept
    assert not build_store(new, store_url).skipped
    assert sorted(read_workspace(open_store(store_url)).cases) == ["one"]
    assert [f.question for f in list_registry(store_url)] == ["kept", "after"]


def test_every_sqlite_connection_waits_for_writers_in_wal_mode(make_workspace, tmp_path):
    url = f"sqlite:///{tmp_path / 'casus.db'}"
    build_store(load_workspace(make_workspace()), url)
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        with store.write_transaction() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        store.dispose()


_EVIDENCE = """case: one
items:
  - id: e1
    text: Troops crossed the border.
    sources: [{source: src1}]
    credibility: high
    ratings: {alpha: C, beta: I}
"""


def test_the_web_app_answers_and_keeps_every_edit_while_the_store_is_rebuilt(
        make_workspace, tmp_path, store_url):
    """Issue #15: 200 on every request and no ACH edit lost while the store is rebuilt 10
    times by another process."""
    from fastapi.testclient import TestClient

    from casusbelli.web import WebSettings, create_app

    a = make_workspace({"evidence/one.yaml": _EVIDENCE}, name="a")
    b = make_workspace({"evidence/one.yaml": _EVIDENCE + "# changed\n"}, name="b")
    app = create_app(WebSettings(workspace=str(a), db=store_url, analyze=False,
                                 allowed_hosts=["testserver"]))  # the TestClient's Host
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = client.get("/api/v1/session").json()["csrf_token"]
    stop = tmp_path / "stop"
    stop.touch()  # the builder stops after its minimum
    builder = _worker("build", store_url, "10", str(stop), str(a), str(b))
    statuses: collections.Counter[int] = collections.Counter()
    version = 0
    while builder.poll() is None:
        r = client.get("/api/v1/cases/one/ach")
        statuses[r.status_code] += 1
        r = client.post("/api/v1/cases/one/ach/edits",
                        json={"item": "e1", "field": "credibility",
                              "value": ("low", "high")[version % 2], "version": version})
        statuses[r.status_code] += 1
        if r.status_code == 200:
            version = r.json()["edit"]["version"]
        time.sleep(0.02)
    builds = _finish(builder)
    assert len(builds) >= 10 and not any(d["skipped"] for d in builds)
    assert set(statuses) == {200}, statuses
    cell = client.get("/api/v1/cases/one/ach").json()["items"][0]
    assert cell["credibility"] == ("low", "high")[(version - 1) % 2]
    assert _edit_journal(store_url) == (version, version)
    assert version >= 10
    print(f"measured: {len(builds)} builds, {sum(statuses.values())} requests, "
          f"{version} edits saved")
    client.close()
    app.state.casus.store.dispose()


def test_reads_of_several_tables_see_one_moment_across_a_build(make_workspace, store_url):
    """``casus export`` and the other readers read the compiled tables in one snapshot: a build
    committing between two of their reads is not seen half-way."""
    from sqlalchemy import func, select

    from casusbelli.store import schema as s

    old = load_workspace(make_workspace())
    new = load_workspace(make_workspace({"cases/two.yaml": None}, name="new"))
    build_store(old, store_url)
    store = open_store(store_url)
    try:
        with store.snapshot() as session:
            assert session.scalar(select(func.count()).select_from(s.CaseRow)) == 2
            build_store(new, store_url)
            assert session.scalar(select(func.count()).select_from(s.CodingRow)) == 6
            assert session.scalar(select(s.Meta.value).where(s.Meta.key == "content_hash")) \
                == old.content_hash
        assert sorted(read_workspace(store).cases) == ["one"]
    finally:
        store.dispose()
