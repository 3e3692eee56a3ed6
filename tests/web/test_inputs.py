"""No 500 from input (F5 of issue #17): non-finite numbers, lone surrogates and NUL characters.

Bodies are sent as raw bytes: ``1e400``, ``NaN`` and ``"\\ud800"`` are what a hostile client
writes, not what a JSON encoder produces.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casusbelli.web.inputs import ECHO_CHARS

from .conftest import PASSWORD

JSON = {"Content-Type": "application/json"}

SESSION_CASES = [
    (b'{"name": 1e400, "password": "x"}', "name"),
    (b'{"name": -1e400, "password": "x"}', "name"),
    (b'{"name": NaN, "password": "x"}', "name"),
    (b'{"name": Infinity, "password": "x"}', "name"),
    (b'{"name": "\\ud800", "password": "x"}', "name"),
    (b'{"name": "ali\\u0000ce", "password": "x"}', "name"),
    (b'{"name": "alice", "password": "pass\\u0000word"}', "password"),
    (b'{"name": "alice", "password": "\\udfff"}', "password"),
    (b'{"name": 5, "password": "x"}', "name"),
]

EDIT_CASES = [
    (b'{"item": "e1\\u0000", "field": "relevance", "value": "high", "version": 0}', "item"),
    (b'{"item": "e1", "field": "relevance", "value": "\\ud800", "version": 0}', "value"),
    (b'{"item": "e1", "field": "relevance", "value": "high", "version": 1e400}', "version"),
    (b'{"item": "e1", "field": "relevance", "value": "high", "version": NaN}', "version"),
    (b'{"item": "e1", "field": "rating", "hypothesis": "alpha\\u0000", "value": "C",'
     b' "version": 0}', "hypothesis"),
    (b'{"item": "e1", "field": "relevance", "value": "high", "version": 0,'
     b' "analyst": "\\udbff"}', "analyst"),
]


def _check_422(r, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "InvalidInputError" and body["field"] == field
    assert body["detail"] and body["detail"][0]["loc"][-1] == field
    r.content.decode("utf-8")  # the body itself is valid UTF-8


@pytest.mark.parametrize("raw,field", SESSION_CASES, ids=lambda v: repr(v)[:40])
def test_bad_login_input_is_422_naming_the_field(make_app, raw: bytes, field: str) -> None:
    app = make_app(team=True)
    c = TestClient(app)  # a 500 raises the server's exception here
    _check_422(c.post("/api/v1/session", content=raw, headers=JSON), field)
    assert c.post("/api/v1/session",
                  json={"name": "alice", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("raw,field", EDIT_CASES, ids=lambda v: repr(v)[:40])
def test_bad_edit_input_is_422_naming_the_field(client, raw: bytes, field: str) -> None:
    _check_422(client.post("/api/v1/cases/one/ach/edits", content=raw,
                           headers={**JSON, "X-CSRF-Token": client.headers["X-CSRF-Token"]}),
               field)
    assert client.app.state.casus.edits() == []


def test_nul_in_a_form_path_or_query_is_422(client) -> None:
    r = client.post("/cases/one/ach", data={"item": "e1\x00", "field": "relevance",
                                             "value": "high", "version": "0"})
    assert r.status_code == 422 and "NUL" in r.text
    r = client.get("/api/v1/cases?kind=%00")
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = client.get("/api/v1/cases/one%00")
    assert r.status_code == 422 and r.json()["field"] == "case_id"


def test_422_echoes_only_a_short_prefix_of_the_input(make_app) -> None:
    c = TestClient(make_app(team=True))
    huge = "N" * 5_000_000
    r = c.post("/api/v1/session", json={"name": huge, "password": "x"})
    assert r.status_code == 422 and r.json()["field"] == "name"
    assert len(r.content) < 2 * ECHO_CHARS + 1000
    assert "5000000 characters" in r.json()["detail"][0]["input"]


@pytest.mark.postgres
def test_nul_in_a_login_name_is_422_on_postgresql(make_app, pg_database) -> None:
    c = TestClient(make_app(team=True, db=pg_database))
    r = c.post("/api/v1/session", json={"name": "ali\x00ce", "password": "x"})
    assert r.status_code == 422 and r.json()["field"] == "name"
