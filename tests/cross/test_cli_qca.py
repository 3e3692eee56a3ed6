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


def _skewed_csv(tmp_path):
    import numpy as np

    rng = np.random.default_rng(3)
    y = np.ones(30)
    y[:3] = 0.0
    a = (rng.random(30) > 0.5).astype(int)
    lines = ["case,A,B,Y"] + [f"k{i},{a[i]},{int(y[i])},{int(y[i])}" for i in range(30)]
    path = tmp_path / "skewed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_qca_prints_skew_and_negation_checks_and_runs_permutations(tmp_path):
    path = _skewed_csv(tmp_path)
    r = runner.invoke(app, ["qca", "--data", str(path), "--outcome", "Y"])
    assert r.exit_code == 0, r.stderr
    assert "skew warn: outcome base rate 0.900" in r.stdout
    assert "negation warn: A (inclS" in r.stdout
    assert "permutation" not in r.stdout  # off by default
    r = runner.invoke(app, ["qca", "--data", str(path), "--outcome", "Y", "--permutations",
                            "200", "--seed", "4", "--json"])
    assert r.exit_code == 0, r.stderr
    checks = json.loads(r.stdout)["checks"]
    assert checks["skew"]["status"] == "warn" and checks["skew"]["base_rate"] == 0.9
    assert checks["negation"]["flagged"] == ["A"]
    perm = checks["permutation"]
    assert perm["n_perm"] == 200 and perm["p_inclS"] == (1 + perm["exceed_inclS"]) / 201
    r = runner.invoke(app, ["qca", "--data", str(path), "--outcome", "Y", "--permutations", "-1"])
    assert r.exit_code == 1 and "--permutations" in r.stderr


def test_evaluate_compares_theories_on_the_same_cases_by_default():
    r = runner.invoke(app, ["evaluate", "--json"])
    assert r.exit_code == 0, r.stderr
    shared = [x for x in json.loads(r.stdout) if x.get("same_cases")]
    assert shared, "no theory was compared on the common cases"
    assert len({x["cases"] for x in shared}) == 1
    assert {x["theory_id"] for x in shared if "error" not in x} <= set(shared[0]["compared_with"])
    r = runner.invoke(app, ["evaluate", "--no-same-cases", "--json"])
    assert r.exit_code == 0, r.stderr
    assert not any(x.get("same_cases") for x in json.loads(r.stdout))
