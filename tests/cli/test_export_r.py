"""``casus export --format r`` and ``casus qca --r-script``: rerun the QCA in R (issue #16)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.cross.qca import DEFAULT_INCL_CUT

runner = CliRunner()
LF = Path(__file__).parents[1] / "cross" / "data" / "qca" / "datasets" / "LF.csv"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rexport")
    db = f"sqlite:///{tmp / 'r.db'}"
    r = runner.invoke(app, ["build", "russia", "--db", db])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["export", "russia", "--db", db, "--format", "r",
                            "-o", str(tmp / "study")])
    assert r.exit_code == 0, r.stderr
    csv = runner.invoke(app, ["export", "russia", "--db", db, "--format", "csv"]).stdout
    return tmp, csv


def test_r_export_writes_csv_that_round_trips(exported):
    tmp, csv_text = exported
    written = pd.read_csv(tmp / "study.csv")
    assert written.equals(pd.read_csv(io.StringIO(csv_text)))
    assert list(written.columns[:2]) == ["id", "name"]


def test_r_script_reruns_each_theory_with_its_conditions_cases_and_cuts(exported):
    tmp, _ = exported
    script = (tmp / "study.R").read_text()
    assert "library(QCA)" in script
    assert 'data <- read.csv("study.csv", row.names = 1, check.names = FALSE)' in script
    blocks = re.findall(r"# ---- theory (\w+)\n(.*?)(?=\n# ----|\Z)", script, re.S)
    assert blocks
    for tid, block in blocks:
        doc = json.loads(runner.invoke(app, ["qca", "russia", "--theory", tid, "--json"]).stdout)
        conds = ", ".join(f'"{c}"' for c in doc["conditions"])
        assert f"conditions = c({conds})" in block
        assert f"incl.cut = {DEFAULT_INCL_CUT:g}, n.cut = 1, pri.cut = 0" in block
        cases = sorted({c for row in doc["truth_table"] for c in row["cases"]})
        rows = re.search(r"data\[c\((.*?)\), c\(", block).group(1)
        assert sorted(re.findall(r'"([^"]+)"', rows)) == cases
        assert "minimize(tt_theory_" in block and 'include = "?"' in block


def test_r_export_needs_an_output(exported):
    r = runner.invoke(app, ["export", "russia", "--format", "r"])
    assert r.exit_code == 1 and "--output" in r.stderr


def test_qca_r_script_has_calibrate_dir_exp_include_and_cuts(tmp_path):
    out = tmp_path / "lf.R"
    r = runner.invoke(app, ["qca", "--data", str(LF), "--outcome", "SURV", "--include", "?",
                            "--dir-exp", "DEV, URB, ~IND", "--pri-cut", "0.6",
                            "--incl-cut", "0.75", "--calibrate", "STB=0.5",
                            "--r-script", str(out)])
    assert r.exit_code == 0, r.stderr
    text = out.read_text()
    assert f'data <- read.csv("{LF}", row.names = 1' in text
    assert 'data[["STB"]] <- calibrate(data[["STB"]], type = "crisp", thresholds = 0.5)' in text
    assert "incl.cut = 0.75, n.cut = 1, pri.cut = 0.6" in text
    assert 'minimize(tt_SURV' in text
    assert 'include = "?", dir.exp = "DEV, URB, ~IND"' in text
    assert "# complex" not in text and "# parsimonious" not in text
