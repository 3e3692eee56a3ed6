"""Host and origin checks, the client address behind proxies, and the login limit on a real server.

Findings F3, F4 and F8 of issue #17. The proxy and parallel-login tests run ``uvicorn`` in a
thread on a free port with the configuration ``casus serve`` uses, since the TestClient has no
socket peer and no proxy-header handling.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from casusbelli.web.hosts import allowed_hosts, host_allowed

from .conftest import PASSWORD, login, running

EDIT = {"item": "e2", "field": "rating", "hypothesis": "alpha", "value": "II", "version": 0}


# --------------------------------------------------------------------------- Host (F8)


def test_default_hosts_are_loopback_and_the_bound_address() -> None:
    assert allowed_hosts() == ["localhost", "127.0.0.1", "::1"]
    assert allowed_hosts("0.0.0.0") == ["localhost", "127.0.0.1", "::1"]
    assert allowed_hosts("[::1]", ["Casus.Example.org"]) == [
        "localhost", "127.0.0.1", "::1", "casus.example.org"]
    assert host_allowed("a.casus.example.org", ["*.casus.example.org"])
    assert not host_allowed("casus.example.org.attacker.example", ["*.casus.example.org"])
    assert not host_allowed("attacker.example", allowed_hosts())


@pytest.mark.parametrize("team", [False, True], ids=["local", "team"])
def test_foreign_host_is_refused(make_app, team: bool) -> None:
    app = make_app(team=team)
    c = TestClient(app)
    for path in ("/api/v1/session", "/", "/api/v1/health", "/login"):
        r = c.get(path, headers={"Host": "attacker.example"})
        assert r.status_code == 400, path
        assert "csrf" not in r.text.lower()
    assert c.get("/api/v1/health", headers={"Host": "localhost:8000"}).status_code == 200
    assert c.get("/api/v1/health", headers={"Host": "[::1]:8000"}).status_code == 200
    if team:
        r = c.post("/api/v1/session", json={"name": "alice", "password": PASSWORD},
                   headers={"Host": "attacker.example"})
        assert r.status_code == 400


def test_app_answers_only_loopback_names_by_default(web_ws, tmp_path) -> None:
    from casusbelli.web import WebSettings, create_app

    app = create_app(WebSettings(workspace=str(web_ws), db=f"sqlite:///{tmp_path / 'd.db'}",
                                 analyze=False))
    assert TestClient(app).get("/api/v1/health").status_code == 400  # Host: testserver
    local = TestClient(app, base_url="http://127.0.0.1:8000")
    assert local.get("/api/v1/health").status_code == 200


# --------------------------------------------------------------------------- Origin (F8)


@pytest.mark.parametrize("headers", [
    {"Origin": "http://attacker.example"},
    {"Origin": "http://attacker.example:8000"},
    {"Origin": "null"},
    {"Referer": "http://attacker.example/cases/one"},
], ids=["origin", "origin-port", "origin-null", "referer"])
def test_edit_from_a_foreign_origin_is_refused(client, headers) -> None:
    r = client.post("/api/v1/cases/one/ach/edits", json=EDIT, headers=headers)
    assert r.status_code == 403
    assert r.json()["error"] == "CsrfError" and "foreign origin" in r.json()["message"]
    form = client.post("/cases/one/ach", data={**EDIT, "version": "0"}, headers=headers)
    assert form.status_code == 403
    assert client.app.state.casus.edits() == []


def test_edit_from_an_allowed_origin_is_accepted(client) -> None:
    r = client.post("/api/v1/cases/one/ach/edits", json=EDIT,
                    headers={"Origin": "http://localhost:8000",
                             "Referer": "http://localhost:8000/cases/one"})
    assert r.status_code == 200, r.text


def test_login_from_a_foreign_origin_is_refused(make_app) -> None:
    c = TestClient(make_app(team=True))
    r = c.post("/api/v1/session", json={"name": "alice", "password": PASSWORD},
               headers={"Origin": "http://attacker.example"})
    assert r.status_code == 403 and "casus_session" not in r.cookies


# --------------------------------------------------------------------------- client address (F4)


def _attempt(base: str, password: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    r = httpx.post(base + "/api/v1/session", json={"name": "alice", "password": password},
                   headers=headers, timeout=60)
    return r.status_code


def test_rotating_forwarded_for_from_loopback_does_not_bypass_the_limit(make_app) -> None:
    app = make_app(team=True, login_max_failures=3)
    with running(app) as base:
        codes = [_attempt(base, "wrong-password", f"203.0.113.{i}") for i in range(12)]
        assert codes == [401] * 3 + [429] * 9
        assert _attempt(base, PASSWORD, "198.51.100.7") == 429


def test_forwarded_for_is_believed_from_a_trusted_proxy(make_app) -> None:
    app = make_app(team=True, login_max_failures=3, forwarded_allow_ips=["127.0.0.1"])
    with running(app) as base:
        assert [_attempt(base, "wrong-password", "203.0.113.1") for _ in range(4)] == [
            401, 401, 401, 429]
        assert _attempt(base, PASSWORD, "203.0.113.2") == 200  # another client behind it


# --------------------------------------------------------------------------- parallel logins (F3)


def test_parallel_wrong_passwords_on_a_server_check_at_most_the_limit(make_app) -> None:
    app = make_app(team=True, login_max_failures=5)
    with running(app) as base:
        with ThreadPoolExecutor(max_workers=100) as pool:
            codes = Counter(pool.map(lambda i: _attempt(base, f"wrong-{i}"), range(100)))
        assert codes == {401: 5, 429: 95}
        assert _attempt(base, PASSWORD) == 429
    assert login(app, "bob").get("/api/v1/session").json()["name"] == "bob"
