"""The web journal in the store: optimistic locking, audit log immutability, export to YAML."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from casusbelli.errors import CasusError
from casusbelli.store.build import build_store
from casusbelli.store.db import Store
from casusbelli.store.webstate import (
    LoginError,
    StaleEditError,
    TooManyAttemptsError,
    add_user,
    apply_edits,
    audit_entries,
    authenticate,
    export_evidence,
    list_edits,
    save_edit,
)
from casusbelli.workspace import load_workspace
from casusbelli.workspace.models import EvidenceSet

from .conftest import EVIDENCE, PASSWORD


@pytest.fixture
def ws(web_ws):
    return load_workspace(web_ws)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, ws, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'casus.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    build_store(ws, url)
    s = Store(url)
    yield s
    s.dispose()


def _rating(store, ws, value, version, analyst="default", actor="alice"):
    return save_edit(store, ws, case_id="one", item_id="e1", field="rating", hypothesis="beta",
                     analyst=analyst, value=value, version=version, actor=actor)


def test_audit_log_refuses_update_and_delete(store, ws) -> None:
    _rating(store, ws, "II", 0)
    for sql in ("UPDATE audit_log SET new_value = 'CC'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    assert [e.new_value for e in audit_entries(store, workspace=ws.name)] == ["II"]


@pytest.mark.postgres
def test_audit_log_refuses_truncate_on_postgresql(ws, pg_database) -> None:
    build_store(ws, pg_database)
    store = Store(pg_database)
    _rating(store, ws, "II", 0)
    with pytest.raises(DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    store.dispose()


def test_stale_version_raises_with_current_value_and_writes_nothing(store, ws) -> None:
    _rating(store, ws, "II", 0)
    with pytest.raises(StaleEditError) as err:
        _rating(store, ws, "C", 0, actor="bob")
    assert err.value.current.value == "II" and err.value.current.version == 1
    assert err.value.current.edited_by == "alice" and err.value.attempted == "C"
    assert "changed to 'II' by alice" in str(err.value)
    assert [e.value for e in list_edits(store, "one", workspace=ws.name)] == ["II"]
    assert len(audit_entries(store, workspace=ws.name)) == 1
    with pytest.raises(StaleEditError):
        _rating(store, ws, "C", 5)
    assert _rating(store, ws, "C", 1).version == 2


def test_edits_survive_a_rebuild(store, ws) -> None:
    _rating(store, ws, "II", 0)
    build_store(ws, store.url, force=True)
    store.dispose()
    again = Store(store.url)
    assert [e.value for e in list_edits(again, "one", workspace=ws.name)] == ["II"]
    again.dispose()


def test_apply_edits_leaves_the_workspace_untouched(store, ws) -> None:
    _rating(store, ws, "II", 0)
    _rating(store, ws, "CC", 0, analyst="bob", actor="bob")
    edited = apply_edits(ws, list_edits(store, workspace=ws.name))
    item = edited.evidence["one"].items[0]
    assert item.ratings["beta"] == "II"
    assert item.analysts == {"bob": {"alpha": "C", "beta": "CC"}}
    assert ws.evidence["one"].items[0].ratings["beta"] == "I"  # the loaded files are unchanged


def test_export_writes_edits_back_keeping_comments(store, ws) -> None:
    _rating(store, ws, "II", 0)
    save_edit(store, ws, case_id="one", item_id="e2", field="relevance", value="high",
              version=0, actor="alice")
    out = export_evidence(ws, store, "one")
    assert "# evidence for case one (comments survive the export)" in out
    assert "# keep this comment" in out
    assert "<script>alert('xss')</script>" in out  # verbatim
    from ruamel.yaml import YAML

    doc = EvidenceSet.model_validate(YAML(typ="safe").load(out))
    assert doc.items[0].ratings == {"alpha": "C", "beta": "II"}
    assert doc.items[1].relevance == "high"
    assert doc.items[2].ratings == {"alpha": "I", "beta": "C"}
    unchanged = [ln for ln in EVIDENCE.splitlines() if "e3" in ln or "A third" in ln]
    assert all(ln in out for ln in unchanged)


def test_accounts_hash_passwords_and_rate_limit(store) -> None:
    add_user(store, "alice", PASSWORD, "analyst")
    with store.engine.connect() as conn:
        digest = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    s = authenticate(store, "alice", PASSWORD, ip="1.2.3.4", workspace="mini")
    assert s.user.role == "analyst" and len(s.csrf_token) == 64
    for _ in range(5):
        with pytest.raises(CasusError, match="unknown user or wrong password"):
            authenticate(store, "alice", "bad-password", ip="1.2.3.4", workspace="mini")
    with pytest.raises(TooManyAttemptsError):
        authenticate(store, "alice", PASSWORD, ip="1.2.3.4", workspace="mini")
    again = authenticate(store, "alice", PASSWORD, ip="5.6.7.8", workspace="mini")
    assert again.user.name == "alice"


@pytest.mark.parametrize("name,password,role,msg", [
    ("default", PASSWORD, "analyst", "invalid user name"),
    (" x", PASSWORD, "analyst", "invalid user name"),
    ("carol", "short", "analyst", "too short"),
    ("carol", PASSWORD, "boss", "unknown role 'boss'"),
])
def test_add_user_rejects_bad_input(store, name, password, role, msg) -> None:
    with pytest.raises(CasusError, match=msg):
        add_user(store, name, password, role)


class _CountingHasher:
    """Wraps the (cheap) test hasher and counts the passwords it checks."""

    def __init__(self, inner) -> None:
        self.inner, self.checked = inner, 0
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, digest: str, password: str) -> bool:
        with self._lock:
            self.checked += 1
        return self.inner.verify(digest, password)


def test_parallel_wrong_passwords_check_at_most_the_limit(store, monkeypatch) -> None:
    """F3 of issue #17: 100 parallel wrong passwords, one name and address, limit 5."""
    from casusbelli.store import accounts as webstate

    add_user(store, "alice", PASSWORD, "analyst")
    counting = _CountingHasher(webstate._hasher)
    monkeypatch.setattr(webstate, "_hasher", counting)
    start = threading.Barrier(100)

    def attempt(i: int) -> str:
        start.wait()
        try:
            authenticate(store, "alice", f"wrong-password-{i}", ip="10.0.0.9", max_failures=5,
                         workspace="mini")
        except TooManyAttemptsError:
            return "refused"
        except LoginError:
            return "checked"
        return "accepted"

    with ThreadPoolExecutor(max_workers=100) as pool:
        outcomes = Counter(pool.map(attempt, range(100)))
    assert outcomes == {"checked": 5, "refused": 95}
    assert counting.checked == 5
    with pytest.raises(TooManyAttemptsError):  # even the right password, now
        authenticate(store, "alice", PASSWORD, ip="10.0.0.9", workspace="mini")
