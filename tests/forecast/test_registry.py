"""The journal is append-only: the database refuses UPDATE and DELETE, on SQLite and PostgreSQL,
and the registry API has no path to change a row. Journal rows survive builds."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from casusbelli.store import build_store
from casusbelli.store import journal as j
from casusbelli.store import registry as reg
from casusbelli.workspace import load_workspace


def _row(question: str = "q1", value: float = 0.3) -> reg.IssuedForecast:
    return reg.IssuedForecast(question, "alpha", "base", value, "2026-01-02T00:00:00+00:00",
                              "mini", "h" * 64, "issue")


def _check_append_only(url: str) -> None:
    store = reg.journal_store(url)
    try:
        first = reg.append_forecasts(store, [_row(), _row("q2", 0.6)])
        assert [f.id for f in first] == [1, 2]
        reg.append_resolution(store, reg.Resolution("q1", True, "2026-02-01", "src1", "",
                                                    "2026-02-01T00:00:00+00:00", "mini", "h"))
        for table in (j.forecasts, j.resolutions):
            for stmt in (update(table).values(question="other"), delete(table)):
                with pytest.raises(DBAPIError, match="append-only"):
                    with store.engine.begin() as conn:
                        conn.execute(stmt)
        with pytest.raises(DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text("UPDATE forecasts SET value = '0.99' WHERE id = 1"))
        # nothing changed; re-issuing adds a row
        reg.append_forecasts(store, [_row(value=0.35)])
        rows = reg.read_forecasts(store, "q1")
        assert [(f.id, f.value) for f in rows] == [(1, 0.3), (3, 0.35)]
        assert reg.read_resolutions(store)["q1"].outcome is True
    finally:
        store.dispose()


def test_sqlite_refuses_update_and_delete(tmp_path):
    _check_append_only(f"sqlite:///{tmp_path / 'casus.db'}")


def test_postgresql_refuses_update_and_delete(pg_database):
    _check_append_only(pg_database)
    store = reg.journal_store(pg_database)
    try:
        with pytest.raises(DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text("TRUNCATE forecasts"))
    finally:
        store.dispose()


def test_the_registry_api_has_no_update_or_delete_path():
    public = [n for n in dir(reg) if not n.startswith("_")]
    assert not [n for n in public if any(w in n.lower() for w in ("update", "delete", "edit",
                                                                  "remove", "replace"))]
    with pytest.raises(AttributeError):
        _row().value = 0.9  # type: ignore[misc]  # rows are frozen


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_journal_survives_rebuilds(backend, make_workspace, tmp_path, request):
    url = (f"sqlite:///{tmp_path / 'casus.db'}" if backend == "sqlite"
           else request.getfixturevalue("pg_database"))
    ws = load_workspace(make_workspace())
    build_store(ws, url)
    store = reg.journal_store(url)
    reg.append_forecasts(store, [_row()])
    store.dispose()
    build_store(ws, url, force=True)
    build_store(ws, url, force=True)
    store = reg.existing_journal(url)
    assert store is not None
    assert [f.value for f in reg.read_forecasts(store)] == [0.3]
    store.dispose()


def test_reading_a_missing_store_gives_none(tmp_path):
    assert reg.existing_journal(f"sqlite:///{tmp_path / 'absent.db'}") is None
    assert not (tmp_path / "absent.db").exists()
