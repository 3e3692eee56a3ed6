"""Two workspaces served by two apps on ONE store keep their journals apart (issue #17, F9).

Each test makes two workspaces that differ only in their ``casus.toml`` name, serves each with
its own team app on the same store (SQLite, and PostgreSQL under the ``postgres`` marker) and
checks that ACH edits, sessions and audit-log rows of one never reach the other.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from casusbelli.store.webstate import add_user
from casusbelli.web import WebSettings, create_app
from casusbelli.web.auth import SESSION_COOKIE

from .conftest import EVIDENCE, PASSWORD, TEST_HOSTS, login

TOML = """[workspace]
name = "{name}"
theories = ["alpha", "beta"]
outcome = "Y"
"""

EDIT = {"item": "e1", "field": "rating", "hypothesis": "beta", "analyst": "default",
        "value": "CC", "version": 0}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared' / 'casus.db'}"
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
def apps(make_workspace, store_url) -> tuple[Any, Any]:
    """Team apps of workspaces ``north`` and ``south``, both on the store at ``store_url``."""
    made = []
    for name in ("north", "south"):
        root = make_workspace({"casus.toml": TOML.format(name=name),
                               "evidence/one.yaml": EVIDENCE}, name=name)
        app = create_app(WebSettings(workspace=str(root), db=store_url, team=True, analyze=False,
                                     allowed_hosts=TEST_HOSTS))
        made.append(app)
    store = made[0].state.casus.store
    for user, role in (("ada", "admin"), ("alice", "analyst")):
        add_user(store, user, PASSWORD, role)  # accounts are shared by the store's workspaces
    yield made[0], made[1]
    for app in made:
        app.state.casus.store.dispose()


def _ach(client: TestClient) -> dict[str, Any]:
    r = client.get("/api/v1/cases/one/ach", params={"analyst": "default"})
    assert r.status_code == 200, r.text
    return r.json()


def _cell(ach: dict[str, Any], item: str, hypothesis: str) -> tuple[str, int]:
    row = next(i for i in ach["items"] if i["id"] == item)
    cell = next(c for c in row["ratings"] if c["hypothesis"] == hypothesis)
    return cell["value"], cell["version"]


def test_an_edit_in_one_workspace_is_neither_listed_nor_applied_in_the_other(apps) -> None:
    north, south = apps
    n, s = login(north, "ada"), login(south, "ada")
    before = _ach(s)
    r = n.post("/api/v1/cases/one/ach/edits", json=EDIT)
    assert r.status_code == 200, r.text
    assert [e.value for e in north.state.casus.edits()] == ["CC"]
    assert south.state.casus.edits() == []
    after = _ach(s)
    assert after["scores"] == before["scores"]
    assert after["items"] == before["items"]
    assert _ach(n)["scores"] != before["scores"]  # the edit does move north's scores
    # the same cell, still at version 0 in south, saves there without a conflict
    r = s.post("/api/v1/cases/one/ach/edits", json={**EDIT, "value": "II"})
    assert r.status_code == 200, r.text
    assert [e.value for e in north.state.casus.edits()] == ["CC"]
    assert [e.value for e in south.state.casus.edits()] == ["II"]


def test_each_workspace_sees_its_own_cell_version(apps) -> None:
    north, south = apps
    n, s = login(north, "ada"), login(south, "ada")
    assert n.post("/api/v1/cases/one/ach/edits", json=EDIT).status_code == 200
    assert _cell(_ach(n), "e1", "beta") == ("CC", 1)
    assert _cell(_ach(s), "e1", "beta") == ("I", 0)  # the file's value, never edited here


def test_a_session_of_one_workspace_is_refused_by_the_other(apps) -> None:
    north, south = apps
    n = login(north, "alice")
    token = n.cookies.get(SESSION_COOKIE)
    assert token
    assert n.get("/api/v1/session").status_code == 200
    s = TestClient(south)
    s.cookies.set(SESSION_COOKIE, token)
    assert s.get("/api/v1/session").status_code == 401
    r = s.post("/api/v1/cases/one/ach/edits", json={**EDIT, "analyst": "alice"},
               headers={"X-CSRF-Token": n.headers["X-CSRF-Token"]})
    assert r.status_code == 401
    assert south.state.casus.edits() == []
    # logging out of south with north's cookie does not end the north session
    s.post("/logout", headers={"X-CSRF-Token": n.headers["X-CSRF-Token"]})
    assert n.get("/api/v1/session").status_code == 200


def test_audit_log_rows_belong_to_their_workspace(apps) -> None:
    north, south = apps
    n, s = login(north, "ada"), login(south, "ada")
    assert n.post("/api/v1/cases/one/ach/edits", json=EDIT).status_code == 200
    north_log = n.get("/api/v1/audit").json()["entries"]
    south_log = s.get("/api/v1/audit").json()["entries"]
    assert [e["action"] for e in north_log] == ["ach_edit", "login"]
    assert [e["action"] for e in south_log] == ["login"]
    assert not {e["id"] for e in north_log} & {e["id"] for e in south_log}
