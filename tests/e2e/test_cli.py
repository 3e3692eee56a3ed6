"""The ``casus`` command line, end to end (typer's CliRunner, plus one real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from casusbelli import __version__
from casusbelli.cli import app
from tests.conftest import MINI_FILES, REPO

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASUS_DB", raising=False)


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_version():
    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"casus {__version__}"


def test_validate_json_lists_every_error_with_location(make_workspace):
    one = MINI_FILES["cases/one.yaml"].replace("{value: 0.67,", "{value: 1.5,")
    one = one.replace("summary:", "sumary:")
    root = make_workspace({"cases/one.yaml": one})
    r = invoke("validate", str(root), "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["ok"] is False
    assert doc["errors"] == [
        {"file": "cases/one.yaml", "line": 7, "column": 1, "field": "sumary",
         "message": "unknown field 'sumary' (did you mean 'summary'?)"},
        {"file": "cases/one.yaml", "line": 9, "column": 14, "field": "codings.a.value",
         "message": "expected a number in [0, 1], got 1.5"},
    ]


def test_validate_text_output_and_exit_code(make_workspace):
    text = MINI_FILES["cases/one.yaml"].replace("source: src1, locator", "source: nope, locator")
    root = make_workspace({"cases/one.yaml": text})
    r = invoke("validate", str(root))
    assert r.exit_code == 1
    assert "cases/one.yaml:9:60: codings.a.sources[0].source: unknown source id 'nope'" in r.stderr


def test_validate_ok_prints_summary(make_workspace):
    r = invoke("validate", str(make_workspace()))
    assert r.exit_code == 0
    assert "OK mini: 2 cases (1 interventions, 1 negative)" in " ".join(r.stdout.split())


def test_unknown_workspace_is_one_error_line(tmp_path):
    r = invoke("cases", str(tmp_path / "missing"))
    assert r.exit_code == 1
    assert "Error: workspace folder not found" in r.stderr


def test_build_show_and_export(make_workspace, tmp_path):
    root = make_workspace()
    db = f"sqlite:///{tmp_path / 'x.db'}"
    r = invoke("build", str(root), "--db", db, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["counts"]["codings"] == 6
    r = invoke("export", str(root), "--db", db, "--format", "csv")
    assert r.stdout.splitlines()[0] == "id,name,kind,start,end,actor,target,a,b,Y"
    r = invoke("export", str(root), "--db", db, "--to-workspace", str(tmp_path / "back"))
    assert r.exit_code == 0
    r = invoke("validate", str(tmp_path / "back"))
    assert r.exit_code == 0, r.stderr
    r = invoke("show", "one", "--workspace", str(root), "--json")
    assert json.loads(r.stdout)["codings"]["b"]["value"] is None
    r = invoke("show", "onr", "--workspace", str(root))
    assert r.exit_code == 1 and "did you mean 'one'?" in r.stderr


def test_export_before_build_gives_a_hint(make_workspace, tmp_path):
    r = invoke("export", str(make_workspace()), "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert r.exit_code == 1
    assert "run `casus build` first" in r.stderr


def test_init_template_validates(tmp_path):
    r = invoke("init", str(tmp_path / "new"))
    assert r.exit_code == 0
    assert invoke("validate", str(tmp_path / "new")).exit_code == 0
    r = invoke("init", str(tmp_path / "new"))
    assert r.exit_code == 1 and "folder is not empty" in r.stderr


def test_init_from_builtin_copies_russia(tmp_path):
    r = invoke("init", str(tmp_path / "ru"), "--from", "russia")
    assert r.exit_code == 0
    assert (tmp_path / "ru" / "theories" / "legacy.yaml").exists()
    assert invoke("validate", str(tmp_path / "ru")).exit_code == 0


def test_read_commands_json(make_workspace):
    root = str(make_workspace())
    cases = json.loads(invoke("cases", root, "--json").stdout)
    assert [c["id"] for c in cases] == ["one", "two"]
    assert cases[0]["unknown"] == 1
    theories = json.loads(invoke("theories", root, "--json").stdout)
    assert [t["id"] for t in theories] == ["alpha", "beta"]
    inds = json.loads(invoke("indicators", root, "--json").stdout)
    assert [i["id"] for i in inds] == ["a", "b", "Y"]
    srcs = json.loads(invoke("sources", "list", root, "--json").stdout)
    assert [s["id"] for s in srcs] == ["src1", "src2"]


@pytest.mark.slow
def test_analyze_json_on_builtin_workspace_agrees_with_audit(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    r = invoke("analyze", "--db", db, "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema_version"] == 3
    assert doc["workspace"]["name"] == "russia"
    assert doc["summary"]["counts"]["cases"] >= 1
    assert set(doc) >= {"workspace", "store", "build", "summary", "sections", "warnings",
                        "audit"}
    # one computation: analyze's verdict is the audit's, number for number
    a = invoke("audit", "--db", db, "--json")
    assert a.exit_code == 0, a.stderr
    audit = json.loads(a.stdout)
    assert audit["verdict"] == doc["audit"]["verdict"]
    section = doc["sections"]["verdict"]["theories"]
    for row in audit["verdict"]:
        assert section[row["theory"]]["status"] == row["status"]
        assert section[row["theory"]]["weight"] == row["weight"]
        assert section[row["theory"]]["weight_interval"] == row["weight_interval"]
    # and the text of analyze shows the statuses with intervals
    t = invoke("analyze", "--db", db)
    text = " ".join(t.stdout.split())
    for row in audit["verdict"]:
        assert row["status"] in text
    assert "checks passed" in text


@pytest.mark.slow
def test_analyze_real_subprocess(tmp_path):
    exe = shutil.which("casus", path=str(REPO / ".venv" / "bin")) or shutil.which("casus")
    cmd = [exe, "analyze"] if exe else [sys.executable, "-m", "casusbelli", "analyze"]
    env = {"CASUS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "casus analyze" in out.stdout and "russia" in out.stdout
    assert (tmp_path / "builtin-russia" / "casus.db").exists()
