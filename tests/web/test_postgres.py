"""The team server on PostgreSQL: the same editor, locking, roles and audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .conftest import login

pytestmark = pytest.mark.postgres


def test_team_server_on_postgresql(make_app, pg_database) -> None:
    app = make_app(team=True, db=pg_database)
    a, b, v = login(app, "alice"), login(app, "bob"), login(app, "vera")
    body = {"item": "e1", "field": "relevance", "value": "high", "version": 0}
    assert a.post("/api/v1/cases/one/ach/edits", json=body).status_code == 200
    stale = b.post("/api/v1/cases/one/ach/edits", json={**body, "value": "low"})
    assert stale.status_code == 409 and stale.json()["current"]["value"] == "high"
    assert v.post("/api/v1/cases/one/ach/edits", json={**body, "version": 1}).status_code == 403
    r = a.post("/cases/one/ach", headers={"HX-Request": "true"},
               data={"item": "e2", "field": "rating", "hypothesis": "alpha", "value": "II",
                     "version": "0", "analyst": "alice"})
    assert r.status_code == 200 and 'data-score="alpha"' in r.text
    assert "Saved rating of e2 / alpha = II" in r.text
    store = app.state.casus.store
    assert store.engine.dialect.name == "postgresql"
    with pytest.raises(DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    assert "<td>alice</td>" in login(app, "ada").get("/audit").text
