"""``casus report``: writes the HTML (and PDF), prints JSON, turns errors into exit 1."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import casusbelli.cli.report  # noqa: F401  (registers the command until the lead's loop lists it)
from casusbelli.cli import app

runner = CliRunner()


def test_report_command_writes_html_and_json(make_workspace, tmp_path):
    ws = make_workspace()
    out = tmp_path / "out" / "report.html"
    res = runner.invoke(app, ["report", str(ws), "-o", str(out), "--db",
                              f"sqlite:///{tmp_path / 'c.db'}", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["html"] == str(out) and doc["pdf"] is None
    assert set(doc) == {"html", "pdf", "charts", "unavailable", "content_hash"}
    html = out.read_text(encoding="utf-8")
    assert doc["content_hash"] in html
    assert not out.with_name("report.html.tmp").exists()


def test_report_command_bad_workspace_exits_1(tmp_path):
    res = runner.invoke(app, ["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 1
    assert "Error:" in res.output
    assert not (tmp_path / "r.html").exists()
