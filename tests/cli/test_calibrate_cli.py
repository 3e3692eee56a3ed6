"""``casus calibrate``: R's ``calibrate()`` from the command line (issue #16)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from casusbelli.cli import app

runner = CliRunner()
QCA_DATA = Path(__file__).parents[1] / "cross" / "data" / "qca"
REF = json.loads((QCA_DATA / "reference" / "calibrate_heights.json").read_text())["results"]


def _cli_args(r_call: str) -> list[str]:
    """Turn a recorded R call ``calibrate(x, ...)`` into ``casus calibrate`` options."""
    body = re.fullmatch(r"calibrate\(x, (.*)\)", r_call)
    assert body, r_call
    args: list[str] = []
    for m in re.finditer(r'(\w+) = ("[^"]*"|c\([^)]*\)|[^,]+)', body.group(1)):
        key, val = m.group(1), m.group(2)
        if key == "thresholds":
            args += ["--thresholds", val.strip('"').removeprefix("c(").removesuffix(")")]
        elif key == "type":
            args += ["--type", val.strip('"')]
        elif key == "logistic":
            args.append("--logistic" if val == "TRUE" else "--no-logistic")
        elif key == "ecdf":
            args += ["--ecdf"] if val == "TRUE" else []
        else:
            args += [f"--{key}", val]
    return args


@pytest.fixture(scope="module")
def heights_csv(tmp_path_factory) -> Path:
    """The 100 reference heights with two empty cells and an ``NA`` inserted."""
    x = pd.read_csv(QCA_DATA / "reference" / "calibrate_heights_input.csv")["x"].tolist()
    cells = [str(v) for v in x[:10]] + ["", "NA"] + [str(v) for v in x[10:]] + [""]
    lines = ["case,x"] + [f"c{k},{v}" for k, v in enumerate(cells)]
    path = tmp_path_factory.mktemp("cal") / "heights.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("key", sorted(REF))
def test_every_r_form_matches_r_and_passes_missing_values_through(key, heights_csv):
    args = _cli_args(REF[key]["r_call"])
    r = runner.invoke(app, ["calibrate", "--data", str(heights_csv), "--column", "x", *args])
    assert r.exit_code == 0, (args, r.stderr)
    got = pd.read_csv(io.StringIO(r.stdout), index_col=0, keep_default_na=False)["x"].tolist()
    assert got[10] == got[11] == got[-1] == ""  # empty and NA stay empty
    values = [float(v) for k, v in enumerate(got) if k not in (10, 11, len(got) - 1)]
    expected = [float(v) for v in REF[key]["values_full"]]
    assert max(abs(a - b) for a, b in zip(values, expected, strict=True)) < 1e-9, args


def test_json_output_and_out_file(heights_csv, tmp_path):
    r = runner.invoke(app, ["calibrate", "--data", str(heights_csv), "--column", "x",
                            "--thresholds", "e=165, c=175, i=185", "--json"])
    doc = json.loads(r.stdout)
    assert doc["cases"][10] == {"case": "c10", "raw": None, "membership": None}
    assert doc["cases"][0]["membership"] == pytest.approx(
        float(REF["heights_direct"]["values_full"][0]), abs=1e-12)
    out = tmp_path / "cal.csv"
    r = runner.invoke(app, ["calibrate", "--data", str(heights_csv), "--column", "x",
                            "--type", "crisp", "--thresholds", "175", "--into", "tall",
                            "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    df = pd.read_csv(out, index_col=0)
    assert list(df.columns) == ["x", "tall"] and df["tall"].isna().sum() == 3
    assert set(df["tall"].dropna()) == {0, 1}


def test_bad_thresholds_and_data_are_located(heights_csv, tmp_path):
    def run(*extra):
        return runner.invoke(app, ["calibrate", "--data", str(heights_csv), "--column", "x",
                                   *extra])

    r = run("--thresholds", "e=165, c=abc, i=185")
    assert r.exit_code == 1
    assert f"{heights_csv}: --thresholds.c: threshold 'abc' is not a number" in r.stderr
    r = run("--thresholds", "e=165, c=175, z=185")
    assert r.exit_code == 1 and "--thresholds.z: unknown threshold name 'z'" in r.stderr
    r = run("--thresholds", "c=175", "--type", "crisp")
    assert r.exit_code == 1 and "require fuzzy" in r.stderr
    r = run("--thresholds", "165, 175")
    assert r.exit_code == 1 and "3 or 6 thresholds, got 2" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("case,x\na,1\nb,tall\n", encoding="utf-8")
    r = runner.invoke(app, ["calibrate", "--data", str(bad), "--column", "x",
                            "--thresholds", "1"])
    assert r.exit_code == 1 and f"{bad}:3: x: value 'tall' is not a number" in r.stderr
    r = runner.invoke(app, ["calibrate", "--data", str(bad), "--column", "nope",
                            "--thresholds", "1"])
    assert r.exit_code == 1 and "no column 'nope'" in r.stderr
