"""Fixtures of the web tests: a temporary workspace with hostile evidence, apps and clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from casusbelli.store.webstate import add_user
from casusbelli.web import WebSettings, create_app
from casusbelli.web.app import server_config

HOSTILE = "<script>alert('xss')</script><img src=x onerror=alert(2)>"

EVIDENCE = f"""# evidence for case one (comments survive the export)
case: one
items:
  - id: e1
    text: "{HOSTILE} Troops crossed the border."
    sources: [{{source: src1, locator: p. 2}}]
    credibility: high
    ratings: {{alpha: C, beta: I}}  # keep this comment
  - id: e2
    text: 'Leaders said "onerror=alert(3)" & more.'
    sources: [{{source: src2}}]
    ratings: {{alpha: N, beta: C}}
  - id: e3
    text: A third thing.
    sources: [{{source: src1}}]
    ratings: {{alpha: I, beta: C}}
"""

PASSWORD = "correct horse battery"
#: Host names of the test apps: the loopback defaults plus the TestClient's "testserver".
TEST_HOSTS = ["testserver", "localhost", "127.0.0.1", "::1"]
USERS = {"alice": "analyst", "bob": "analyst", "vera": "viewer", "ada": "admin"}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash with cheap argon2 parameters (the library's defaults take ~0.5 s a hash)."""
    from argon2 import PasswordHasher

    from casusbelli.store import accounts as webstate

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(webstate, "_hasher", cheap)
    monkeypatch.setattr(webstate, "_DUMMY_HASH", cheap.hash("dummy-password"))


@pytest.fixture
def web_ws(make_workspace: Callable[..., Path]) -> Path:
    """The mini workspace plus ``evidence/one.yaml`` with hostile text."""
    return make_workspace({"evidence/one.yaml": EVIDENCE})


@pytest.fixture
def make_app(web_ws: Path, tmp_path: Path) -> Callable[..., Any]:
    """Build an app on the temporary workspace (SQLite store unless ``db`` is given)."""

    def make(team: bool = False, db: str | None = None, **kw: Any) -> Any:
        url = db or f"sqlite:///{tmp_path / 'store' / 'casus.db'}"
        kw.setdefault("sections", ["within"])  # the cross-case models take ~25 s
        kw.setdefault("allowed_hosts", TEST_HOSTS)
        app = create_app(WebSettings(workspace=str(web_ws), db=url, team=team, **kw))
        if team:
            for name, role in USERS.items():
                add_user(app.state.casus.store, name, PASSWORD, role)
        return app

    return make


@pytest.fixture
def client(make_app: Callable[..., Any]) -> TestClient:
    """A client of the local (single-user) app, with its CSRF header set."""
    c = TestClient(make_app())
    token = c.get("/api/v1/session").json()["csrf_token"]
    c.headers["X-CSRF-Token"] = token
    return c


def login(app: Any, name: str) -> TestClient:
    """A client signed in as ``name`` on a team app, with its CSRF header set."""
    c = TestClient(app)
    r = c.post("/api/v1/session", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve ``app`` with ``casus serve``'s uvicorn configuration; yield its base URL."""
    port = _free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
