"""Team server: sign-in, sessions, roles, own ratings only, CSRF, rate limits, 409 between users."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, login


@pytest.fixture
def team_app(make_app):
    return make_app(team=True, login_max_failures=3)


def _edit(c: TestClient, **kw: object):
    body = {"item": "e2", "field": "rating", "hypothesis": "alpha", "value": "II", "version": 0}
    body.update(kw)
    return c.post("/api/v1/cases/one/ach/edits", json=body)


def test_pages_need_sign_in(team_app) -> None:
    c = TestClient(team_app)
    r = c.get("/cases/one", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/cases/one"
    assert c.get("/api/v1/cases/one").status_code == 401
    assert c.get("/api/v1/health").status_code == 200
    assert c.get("/login").status_code == 200


def test_login_form_sets_an_httponly_samesite_cookie(team_app) -> None:
    c = TestClient(team_app)
    page = c.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token,
                               "next": "/cases/one"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/one"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("casus_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "alice (analyst)" in c.get("/cases/one").text


def test_login_form_without_csrf_is_refused(team_app) -> None:
    c = TestClient(team_app)
    r = c.post("/login", data={"name": "alice", "password": PASSWORD})
    assert r.status_code == 403


def test_open_redirect_after_login_is_refused(team_app) -> None:
    c = TestClient(team_app)
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token,
                               "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_viewer_cannot_write(team_app) -> None:
    v = login(team_app, "vera")
    assert v.get("/cases/one").status_code == 200
    r = _edit(v, analyst="vera")
    assert r.status_code == 403 and "viewers cannot edit" in r.json()["message"]
    assert "<select" not in v.get("/cases/one").text  # no editor for a viewer


def test_analyst_edits_only_own_ratings(team_app) -> None:
    a = login(team_app, "alice")
    assert _edit(a, analyst="bob").status_code == 403
    assert _edit(a, analyst="default").status_code == 403
    r = _edit(a)  # own column by default
    assert r.status_code == 200, r.text
    assert r.json()["edit"]["analyst"] == "alice" and r.json()["edit"]["edited_by"] == "alice"
    ach = a.get("/api/v1/cases/one/ach").json()
    assert ach["analyst"] == "alice" and ach["analysts"] == ["default", "alice"]
    assert ach["pooled_scores"] is not None
    # bob still sees the default ratings as his starting point
    b = login(team_app, "bob")
    assert b.get("/api/v1/cases/one/ach").json()["items"][1]["ratings"][0]["value"] == "N"


def test_admin_may_edit_anyones_ratings_and_read_the_audit_log(team_app) -> None:
    ad = login(team_app, "ada")
    assert _edit(ad, analyst="default").status_code == 200
    assert login(team_app, "alice").get("/api/v1/audit").status_code == 403
    log = [e for e in ad.get("/api/v1/audit").json()["entries"] if e["action"] == "ach_edit"]
    assert log[0]["actor"] == "ada" and log[0]["analyst"] == "default"


def test_two_analysts_conflict_on_shared_credibility(team_app) -> None:
    a, b = login(team_app, "alice"), login(team_app, "bob")
    assert _edit(a, field="credibility", item="e1", value="low").status_code == 200
    r = _edit(b, field="credibility", item="e1", value="medium")  # bob loaded version 0
    assert r.status_code == 409
    assert r.json()["current"]["value"] == "low" and r.json()["current"]["edited_by"] == "alice"
    assert b.get("/api/v1/cases/one/ach").json()["items"][0]["credibility"] == "low"


def test_csrf_token_belongs_to_the_session(team_app) -> None:
    a, b = login(team_app, "alice"), login(team_app, "bob")
    a.headers["X-CSRF-Token"] = b.headers["X-CSRF-Token"]
    assert _edit(a).status_code == 403


def test_logout_ends_the_session(team_app) -> None:
    a = login(team_app, "alice")
    r = a.post("/logout", data={"csrf_token": a.headers["X-CSRF-Token"]}, follow_redirects=False)
    assert r.status_code == 303
    a.cookies.clear()
    assert a.get("/api/v1/session").status_code == 401


def test_wrong_password_and_unknown_user_read_the_same(team_app) -> None:
    c = TestClient(team_app)
    r1 = c.post("/api/v1/session", json={"name": "alice", "password": "wrong-password"})
    r2 = c.post("/api/v1/session", json={"name": "nobody", "password": "wrong-password"})
    assert r1.status_code == r2.status_code == 401
    assert r1.json()["message"] == r2.json()["message"] == "unknown user or wrong password"


def test_login_rate_limit_per_user_and_address(team_app) -> None:
    c = TestClient(team_app)
    for _ in range(3):
        assert c.post("/api/v1/session",
                      json={"name": "alice", "password": "nope-nope"}).status_code == 401
    r = c.post("/api/v1/session", json={"name": "alice", "password": PASSWORD})
    assert r.status_code == 429  # even the right password is not checked now
    assert r.headers["retry-after"] == "300"
    # another user from the same address is not locked out
    assert c.post("/api/v1/session", json={"name": "bob", "password": PASSWORD}).status_code == 200


def test_every_team_page_renders(team_app) -> None:
    ad = login(team_app, "ada")
    for path in ("/", "/theories", "/cases", "/cases/one", "/qca", "/frames", "/forecasts",
                 "/audit"):
        assert ad.get(path).status_code == 200, path
