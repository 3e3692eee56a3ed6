"""``casus qca`` on a CSV and on a workspace theory; ``casus evaluate``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from casusbelli.cli import app

runner = CliRunner()


def test_qca_on_lipset_csv_matches_r_parsimonious(shared_data):
    ref = json.loads((shared_data / "qca" / "reference" / "LF_minimize_parsimonious.json")
                     .read_text())
    r = runner.invoke(app, ["qca", "--data", str(shared_data / "qca" / "datasets" / "LF.csv"),
                            "--outcome", "SURV", "--incl-cut", "0.8", "--necessity", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    pars = doc["solutions"]["parsimonious"]
    assert pars[0]["terms"] == ref["result"]["prime_implicants"] == ["DEV*~IND", "URB*STB"]
    assert {f["term"] for f in doc["necessity"]} >= {"DEV", "~DEV"}
    r = runner.invoke(app, ["qca", "--data", str(shared_data / "qca" / "datasets" / "LF.csv"),
                            "--outcome", "SURV", "--incl-cut", "0.8"])
    assert "parsimonious solution M1: DEV*~IND + URB*STB" in r.stdout


def test_qca_bad_inputs_are_clear(shared_data, tmp_path):
    lf = str(shared_data / "qca" / "datasets" / "LF.csv")
    r = runner.invoke(app, ["qca", "--data", lf])
    assert r.exit_code == 1 and "--data needs --outcome" in r.stderr
    r = runner.invoke(app, ["qca", "--data", lf, "--outcome", "NOPE"])
    assert r.exit_code == 1 and "NOPE" in r.stderr
    r = runner.invoke(app, ["qca", "--data", lf, "--outcome", "SURV",
                            "--conditions", "DEV,URB", "--dir-exp", "1"])
    assert r.exit_code == 1 and "--dir-exp has 1 values for 2 conditions" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("case,A,Y\nx,1.5,1\ny,0,0\n", encoding="utf-8")
    r = runner.invoke(app, ["qca", "--data", str(bad), "--outcome", "Y"])
    assert r.exit_code == 1 and "A" in r.stderr
    r = runner.invoke(app, ["qca"])
    assert r.exit_code == 1 and "--theory" in r.stderr


def test_qca_theory_and_evaluate_on_builtin_workspace():
    r = runner.invoke(app, ["qca", "--theory", "influence", "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["solutions"]["complex"]
    r = runner.invoke(app, ["qca", "--theory", "nope"])
    assert r.exit_code == 1 and "unknown theory id 'nope'" in r.stderr
    r = runner.invoke(app, ["evaluate", "--json"])
    rows = json.loads(r.stdout)
    assert [x["theory_id"] for x in rows] == ["opportunism", "insecurity", "legacy", "influence"]
    ok = [x for x in rows if "error" not in x]
    assert ok, rows
    for x in ok:
        assert [a["area"] for a in x["intersections"]] == ["T*S", "T*~S", "~T*S", "~T*~S"]
        assert all(0 <= a["covS"] <= 1 for a in x["intersections"])
