"""``casus qca`` on a CSV and on a workspace theory; ``casus evaluate``."""

from __future__ import annotations

import json

from pathlib import Path

import pytest
from typer.testing import CliRunner

from casusbelli.cli import app

runner = CliRunner()


def test_qca_on_lipset_csv_matches_r_parsimonious():
    ref = json.loads((QCA_DATA / "reference" / "LF_minimize_parsimonious.json")
                     .read_text())
    r = runner.invoke(app, ["qca", "--data", str(QCA_DATA / "datasets" / "LF.csv"),
                            "--outcome", "SURV", "--incl-cut", "0.8", "--necessity", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    pars = doc["solutions"]["parsimonious"]
    assert pars[0]["terms"] == ref["result"]["prime_implicants"] == ["DEV*~IND", "URB*STB"]
    assert {f["term"] for f in doc["necessity"]} >= {"DEV", "~DEV"}
    r = runner.invoke(app, ["qca", "--data", str(QCA_DATA / "datasets" / "LF.csv"),
                            "--outcome", "SURV", "--incl-cut", "0.8"])
    assert "parsimonious solution (1 model)" in r.stdout
    assert "M1: DEV*~IND + URB*STB -> SURV" in r.stdout


def test_qca_bad_inputs_are_clear(tmp_path):
    lf = str(QCA_DATA / "datasets" / "LF.csv")
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
    # a theory whose common cases give no empirical solution still reports its path's fit
    assert all(x.get("theory_covS") is not None for x in shared
               if "nothing to explain" in x.get("error", ""))
    assert {x["theory_id"] for x in shared if "error" not in x} <= set(shared[0]["compared_with"])
    r = runner.invoke(app, ["evaluate", "--no-same-cases", "--json"])
    assert r.exit_code == 0, r.stderr
    assert not any(x.get("same_cases") for x in json.loads(r.stdout))


# ------------------------------------------------------------------ R's verbs and syntax (#16)
QCA_DATA = __import__("pathlib").Path(__file__).parent / "data" / "qca"
LF = str(QCA_DATA / "datasets" / "LF.csv")


def _solutions(args):
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", *args, "--json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("name", ["LF_minimize_intermediate.json",
                                  "LF_negSURV_minimize_intermediate.json",
                                  "CVF_minimize_intermediate.json"])
def test_dir_exp_names_form_gives_r_intermediate_solution(name):
    """R's ``dir.exp = "..."`` string, passed as is, gives R's intermediate models."""
    import re

    ref = json.loads((QCA_DATA / "reference" / name).read_text())
    tt_call, min_call = ref["r_calls"]
    outcome = re.search(r'outcome = "([^"]+)"', tt_call).group(1)
    cut = re.search(r"incl.cut = ([0-9.]+)", tt_call).group(1)
    dir_exp = re.search(r'dir.exp = "([^"]+)"', min_call).group(1)
    r = runner.invoke(app, ["qca", "--data", str(QCA_DATA / ref["dataset_csv"]), "--outcome",
                            outcome, "--incl-cut", cut, "--include", "?", "--dir-exp", dir_exp,
                            "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["solutions"]["complex"] == doc["solutions"]["parsimonious"] == []
    mine = {" + ".join(m["terms"]) for m in doc["solutions"]["intermediate"]}
    theirs = {m["expression"] for c in ref["result"]["intermediate"].values()
              for m in c["models"]}
    assert mine == theirs
    positional = ",".join("0" if p.strip().startswith("~") else "1" for p in dir_exp.split(","))
    if len(dir_exp.split(",")) == len(doc["conditions"]):
        r = runner.invoke(app, ["qca", "--data", str(QCA_DATA / ref["dataset_csv"]),
                                "--outcome", outcome, "--incl-cut", cut, "--include", "?",
                                "--dir-exp", positional, "--json"])
        assert json.loads(r.stdout)["solutions"] == doc["solutions"]


def test_dir_exp_left_out_and_negated_conditions():
    some = _solutions(["--include", "?", "--dir-exp", "DEV, ~IND"])
    dashes = _solutions(["--include", "?", "--dir-exp", "1,-,-,0,-"])
    assert some["solutions"]["intermediate"] == dashes["solutions"]["intermediate"]
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--dir-exp", "DEV, NOPE"])
    assert r.exit_code == 1 and "--dir-exp" in r.stderr and "unknown condition 'NOPE'" in r.stderr


def test_include_question_mark_gives_only_the_parsimonious_solution():
    doc = _solutions(["--include", "?"])
    assert doc["solutions"]["complex"] == [] and doc["solutions"]["intermediate"] == []
    assert doc["solutions"]["parsimonious"][0]["terms"] == ["DEV*~IND", "URB*STB"]
    assert _solutions([])["solutions"]["complex"]  # default: every solution


def test_inline_calibration_gives_r_calibrate_values():
    """``--calibrate`` equals R's ``calibrate()`` (QCA 3.25, calibrate_heights.json)."""
    import pandas as pd

    from casusbelli.cli.qca import prepare_data

    ref = json.loads((QCA_DATA / "reference" / "calibrate_heights.json").read_text())["results"]
    x = pd.read_csv(QCA_DATA / "reference" / "calibrate_heights_input.csv")["x"]
    df = pd.DataFrame({"x": x, "y": x, "Y": x})
    df, conds, notes = prepare_data(df, "Y", None, [("x", "e=165, c=175, i=185"),
                                                    ("y", "175"), ("Y", "170, 180")])
    assert conds == ["x", "y"]
    assert notes[:2] == ["calibrated x (fuzzy, thresholds e=165, c=175, i=185)",
                         "calibrated y (crisp, thresholds 175)"]
    for col, key in (("x", "heights_direct"), ("y", "heights_crisp1"), ("Y", "heights_crisp2")):
        expected = [float(v) for v in ref[key]["values_full"]]
        assert max(abs(a - b) for a, b in zip(df[col], expected, strict=True)) < 1e-9, key


def test_bad_calibrate_option_is_located(tmp_path):
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--calibrate", "DEV"])
    assert r.exit_code == 1 and "--calibrate" in r.stderr
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV",
                            "--calibrate", "DEV=e=1, c=x, i=3"])
    assert r.exit_code == 1 and "thresholds.c" in r.stderr and "'x' is not a number" in r.stderr


def test_text_columns_are_ignored_with_a_note_and_half_memberships_warned(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("id,name,A,B,Y\n"
                   "a,Alpha,1,0,1\nb,Beta,1,1,1\nc,Gamma,0,1,0\nd,Delta,0,0,0\ne,Eps,0.5,1,0\n",
                   encoding="utf-8")
    r = runner.invoke(app, ["qca", "--data", str(csv), "--outcome", "Y"])
    assert r.exit_code == 0, r.stderr
    assert "non-numeric columns ignored: name" in r.stdout
    assert "exactly 0.5" in r.stdout and "e" in r.stdout
    doc = json.loads(runner.invoke(app, ["qca", "--data", str(csv), "--outcome", "Y",
                                         "--json"]).stdout)
    assert doc["conditions"] == ["A", "B"]


def test_robustness_prints_a_table_with_the_printed_baseline():
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--include", "?",
                            "--dir-exp", "DEV, URB, LIT, IND, STB", "--pri-cut", "0.7",
                            "--robustness"])
    assert r.exit_code == 0, r.stderr
    assert "Robustness (baseline" in r.stdout and '"variants"' not in r.stdout
    doc = _solutions(["--include", "?", "--dir-exp", "DEV, URB, LIT, IND, STB", "--pri-cut",
                      "0.7", "--robustness"])
    printed = " + ".join(doc["solutions"]["intermediate"][0]["terms"])
    assert doc["robustness"]["baseline"] == printed
    assert all(v["settings"]["pri_cut"] == 0.7 for v in doc["robustness"]["variants"])


def test_one_default_incl_cut_everywhere():
    import inspect

    from casusbelli.cross import qca as engine
    from casusbelli.cross import qca_checks
    from casusbelli.cross.robustness import robustness

    d = engine.DEFAULT_INCL_CUT
    assert inspect.signature(engine.truth_table).parameters["incl_cut"].default == d
    assert inspect.signature(engine.analyze).parameters["incl_cut"].default == d
    assert inspect.signature(robustness).parameters["incl_cut"].default == d
    assert inspect.signature(qca_checks.skew_check).parameters["incl_cut"].default == d
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--json"])
    default = json.loads(r.stdout)
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--incl-cut", str(d),
                            "--json"])
    assert json.loads(r.stdout)["truth_table"] == default["truth_table"]
    assert str(d) in runner.invoke(app, ["qca", "--help"]).stdout


def test_plot_writes_html_and_png(tmp_path):
    html = tmp_path / "xy.html"
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--include", "?",
                            "--plot", str(html)])
    assert r.exit_code == 0, r.stderr
    assert "M1: DEV*~IND + URB*STB" in r.stdout and "vega" in html.read_text().lower()
    png = tmp_path / "xy.png"
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--plot-term", "DEV",
                            "--plot", str(png)])
    assert r.exit_code == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--plot-term", "NOPE",
                            "--plot", str(png)])
    assert r.exit_code == 1 and "--plot-term" in r.stderr
    r = runner.invoke(app, ["qca", "--data", LF, "--outcome", "SURV", "--plot", "x.pdf"])
    assert r.exit_code == 1 and ".html, .png or .svg" in r.stderr
