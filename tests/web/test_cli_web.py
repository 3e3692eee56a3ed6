"""``casus user add``, ``casus user list``, ``casus ach-export`` and ``casus serve --help``."""

from __future__ import annotations

from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.store.db import Store
from casusbelli.store.webstate import audit_entries, authenticate, save_edit
from casusbelli.workspace import load_workspace

from .conftest import PASSWORD

runner = CliRunner()


def test_user_add_reads_password_from_stdin_and_lists(web_ws, tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'u.db'}"
    r = runner.invoke(app, ["user", "add", "alice", "--role", "admin", "--password-stdin",
                            "--db", db, "-w", str(web_ws)], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert "user alice (admin) saved" in r.output
    assert authenticate(Store(db), "alice", PASSWORD, workspace="mini").user.role == "admin"
    assert [e.action for e in audit_entries(Store(db), workspace="mini")] == ["login", "user_add"]
    r = runner.invoke(app, ["user", "list", "--db", db, "--json"])
    assert r.exit_code == 0 and '"role": "admin"' in r.output


def test_user_add_bad_role_is_one_error_line(web_ws, tmp_path) -> None:
    r = runner.invoke(app, ["user", "add", "bob", "--role", "boss", "--password-stdin",
                            "--db", f"sqlite:///{tmp_path / 'u.db'}"], input=PASSWORD + "\n")
    assert r.exit_code == 1
    assert "unknown role 'boss'; expected one of viewer, analyst, admin" in r.output


def test_ach_export_applies_edits(make_app, web_ws, tmp_path) -> None:
    app_ = make_app()
    state = app_.state.casus
    save_edit(state.store, state.ws, case_id="one", item_id="e3", field="rating",
              hypothesis="alpha", analyst="default", value="CC", version=0, actor="alice")
    out = tmp_path / "one.yaml"
    r = runner.invoke(app, ["ach-export", "one", "-o", str(out), "-w", str(web_ws),
                            "--db", state.store.url])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "ratings: {alpha: CC, beta: C}" in text
    assert "# keep this comment" in text
    r = runner.invoke(app, ["ach-export", "two", "-w", str(web_ws), "--db", state.store.url])
    assert r.exit_code == 1 and "no evidence for case 'two'" in r.output
    # written back over the workspace file, it loads and carries the edit
    (web_ws / "evidence" / "one.yaml").write_text(text, encoding="utf-8")
    ws = load_workspace(web_ws)
    assert ws.evidence["one"].items[2].ratings["alpha"] == "CC"


def test_serve_help_lists_options() -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--host", "--port", "--db", "--team", "--allowed-host", "--forwarded-allow-ips"):
        assert opt in r.output


def test_serve_passes_hosts_and_trusted_proxies(web_ws, tmp_path, monkeypatch) -> None:
    import uvicorn

    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: seen.append(self.config))
    r = runner.invoke(app, ["serve", str(web_ws), "--db", f"sqlite:///{tmp_path / 's.db'}",
                            "--sections", "within", "--host", "0.0.0.0", "--allowed-host",
                            "casus.example.org", "--allowed-host", "*.lab.example",
                            "--forwarded-allow-ips", "10.0.0.1, 10.1.0.0/16"])
    assert r.exit_code == 0, r.output
    (config,) = seen
    assert config.proxy_headers is False  # uvicorn's default would trust 127.0.0.1
    settings = config.app.state.casus.settings
    assert settings.allowed_hosts == ["localhost", "127.0.0.1", "::1", "casus.example.org",
                                      "*.lab.example"]
    assert settings.forwarded_allow_ips == ["10.0.0.1", "10.1.0.0/16"]
