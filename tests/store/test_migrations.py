"""Schema migrations keep what is in the store: 0005 -> 0006 gives the web journal a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from casusbelli.store.build import build_store
from casusbelli.store.db import Store, _alembic_config
from casusbelli.store.webstate import (
    _token_hash,
    audit_entries,
    list_edits,
    session_user,
)
from casusbelli.workspace import load_workspace


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_database"))
    return f"sqlite:///{tmp_path / 'store' / 'casus.db'}"


def _store_at_0005(url: str, *, built_for: str | None) -> None:
    """A store at revision 0005 holding one ACH edit, one session and two audit rows."""
    store = Store(url)
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        if built_for is not None:
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('workspace', :w)"),
                         {"w": built_for})
        conn.execute(text(
            "INSERT INTO ach_edits VALUES ('one', 'e1', 'rating', 'beta', 'default', 'II', 1, "
            "'alice', '2026-12-01T00:00:00')"))
        conn.execute(text(
            "INSERT INTO users VALUES ('alice', 'x', 'analyst', '2026-12-01T00:00:00')"))
        conn.execute(text("INSERT INTO sessions VALUES (:h, 'alice', 'csrf', 0, 1e12)"),
                     {"h": _token_hash("tok")})
        conn.execute(text(
            "INSERT INTO audit_log (at, actor, action) VALUES ('2026-12-01', 'alice', 'login'), "
            "('2026-12-01', 'alice', 'ach_edit')"))
    assert store.current_revision() == "0005"
    store.dispose()


def test_upgrading_a_0005_store_keeps_its_edits_for_its_workspace(make_workspace, store_url):
    ws = load_workspace(make_workspace())  # casus.toml name "mini"
    _store_at_0005(store_url, built_for="mini")
    build_store(ws, store_url)  # migrates to the newest revision, then builds
    store = Store(store_url)
    assert store.current_revision() == store.head_revision()
    [edit] = list_edits(store, workspace="mini")
    assert (edit.case_id, edit.item_id, edit.hypothesis, edit.value, edit.version) == (
        "one", "e1", "beta", "II", 1)
    assert list_edits(store, workspace="other") == []
    assert session_user(store, "tok", workspace="mini") is not None
    assert session_user(store, "tok", workspace="other") is None
    assert [e.action for e in audit_entries(store, workspace="mini")] == ["ach_edit", "login"]
    assert audit_entries(store, workspace="other") == []
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):  # the triggers survived
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    store.dispose()


def test_rows_of_a_never_built_store_belong_to_no_workspace(store_url):
    _store_at_0005(store_url, built_for=None)
    store = Store(store_url)
    store.migrate()
    assert list_edits(store, workspace="mini") == []
    assert session_user(store, "tok", workspace="mini") is None
    with store.engine.connect() as conn:  # kept, under the server default ''
        rows = conn.execute(text("SELECT workspace, value FROM ach_edits")).all()
    assert [tuple(r) for r in rows] == [("", "II")]
    store.dispose()


def test_downgrade_to_0005_keeps_the_edits(store_url):
    _store_at_0005(store_url, built_for="mini")
    store = Store(store_url)
    store.migrate()
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    assert store.current_revision() == "0005"
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM ach_edits")).scalar_one() == "II"
    with pytest.raises(DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    store.dispose()


def test_head_revision_read_from_the_files_agrees_with_alembic():
    """store.db reads the head from the migration files (no Alembic import on a current
    store); it must be the head Alembic computes."""
    from alembic.script import ScriptDirectory

    from casusbelli.store.db import _alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(_alembic_config()).get_current_head()
