"""Exact agreement with R's QCA 3.25 on every reference JSON of shared/data/qca/reference.

The references were made by the steering side's ``scripts/02_reference_shared.R`` with R 4.2.2,
QCA 3.25 (git 2a43ce0 of github.com/dusadrian/QCA), admisc 0.39.1; each JSON records its R
calls (``r_call`` / ``r_calls``). Numbers are compared to 1e-9 (R prints 3 decimals; the JSON
holds full double precision, ``calibrate_heights.json`` 15 significant digits).

The files are read from the copy in ``tests/cross/data/qca`` (see its README for attribution),
so these tests run on a fresh clone; when ``../shared`` is present the copy is checked against it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from casusbelli.cross import calibrate, minimize, necessity, truth_table

TOL = 1e-9
QCA_DATA = Path(__file__).parent / "data" / "qca"
REF_FILES = [
    "CVF_minimize_conservative.json",
    "CVF_minimize_intermediate.json",
    "CVF_minimize_parsimonious.json",
    "CVF_minimize_parsimonious_rowdom.json",
    "CVF_necessity.json",
    "CVF_truthTable.json",
    "LF_minimize_conservative.json",
    "LF_minimize_intermediate.json",
    "LF_minimize_parsimonious.json",
    "LF_necessity.json",
    "LF_necessity_incl0.8.json",
    "LF_negSURV_minimize_conservative.json",
    "LF_negSURV_minimize_intermediate.json",
    "LF_negSURV_minimize_parsimonious.json",
    "LF_negSURV_truthTable.json",
    "LF_truthTable.json",
    "calibrate_heights.json",
]
#: Files besides the JSONs that the references point to (inputs, datasets), relative to qca/.
INPUT_FILES = ["datasets/CVF.csv", "datasets/LF.csv", "reference/calibrate_heights_input.csv"]


def _load(name: str) -> dict:
    return json.loads((QCA_DATA / "reference" / name).read_text())


def _data(ref: dict) -> pd.DataFrame:
    return pd.read_csv(QCA_DATA / ref["dataset_csv"], index_col=0)


def _tt_call(call: str) -> tuple[str, float]:
    m = re.search(r'outcome = "([^"]+)", incl.cut = ([0-9.]+)', call)
    assert m, call
    return m.group(1), float(m.group(2))


def _kwargs(call: str) -> dict:
    kw: dict = {}
    if 'include = "?"' in call:
        kw["include"] = "?"
    m = re.search(r'dir.exp = "([^"]+)"', call)
    if m:
        kw["dir_exp"] = m.group(1)
    if "row.dom = TRUE" in call:
        kw["row_dom"] = True
    return kw


def test_every_copied_reference_file_is_tested() -> None:
    present = sorted(p.name for p in (QCA_DATA / "reference").glob("*.json"))
    assert present == sorted(REF_FILES)
    used = {_load(n)["dataset_csv"] for n in REF_FILES if "dataset_csv" in _load(n)}
    assert used | {"reference/calibrate_heights_input.csv"} == set(INPUT_FILES)
    assert all((QCA_DATA / f).is_file() for f in INPUT_FILES)


def test_every_reference_file_is_covered(shared_data: Path) -> None:
    """A new or changed file in ../shared is noticed: the copy under tests/ must equal it."""
    shared = shared_data / "qca"
    present = sorted(p.name for p in (shared / "reference").glob("*.json"))
    assert present == sorted(REF_FILES), "copy new references to tests/cross/data/qca and test them"
    upstream = sorted(p.name for p in (shared / "reference").iterdir())
    assert upstream == sorted(p.name for p in (QCA_DATA / "reference").iterdir() if p.is_file())
    for rel in [f"reference/{n}" for n in upstream] + INPUT_FILES:
        assert (QCA_DATA / rel).read_bytes() == (shared / rel).read_bytes(), f"{rel} differs"


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOL


def _check_models(mine, ref_models) -> None:
    assert [list(m.terms) for m in mine] == [r["terms"] for r in ref_models]
    for m, r in zip(mine, ref_models, strict=True):
        assert m.name == r["model"]
        for f, rf in zip(m.fits, r["term_parameters"], strict=True):
            assert f.term == rf["term"]
            assert _close(f.incl, rf["inclS"]), (f.term, f.incl, rf["inclS"])
            assert _close(f.pri, rf["PRI"]), (f.term, f.pri, rf["PRI"])
            assert _close(f.cov, rf["covS"]), (f.term, f.cov, rf["covS"])
            assert _close(f.cov_unique, rf["covU"]), (f.term, f.cov_unique, rf["covU"])
            if "cases" in rf:
                assert list(f.cases) == rf["cases"]
        sp = r["solution_parameters"]
        assert (
            _close(m.incl, sp["inclS"]) and _close(m.pri, sp["PRI"]) and _close(m.cov, sp["covS"])
        )


@pytest.mark.parametrize("name", [n for n in REF_FILES if "truthTable" in n])
def test_truth_table_matches_r(name: str) -> None:
    ref = _load(name)
    outcome, ic = _tt_call(ref["r_call"])
    tref = ref["truth_table"]
    tt = truth_table(_data(ref), outcome, tref["conditions"], incl_cut=ic, complete=True)
    assert [r.row_id for r in tt.observed] == tref["observed_row_ids"]
    assert len(tt.rows) == len(tref["rows"])
    for row, rr in zip(tt.rows, tref["rows"], strict=True):
        assert row.row_id == rr["row_id"]
        assert list(row.values) == [rr[c] for c in tref["conditions"]]
        assert (row.out, row.n, list(row.cases)) == (rr["OUT"], rr["n"], rr["cases"])
        if rr["OUT"] != "?":
            assert _close(row.incl, rr["incl"]) and _close(row.pri, rr["PRI"])


@pytest.mark.parametrize("name", [n for n in REF_FILES if "minimize" in n])
def test_minimize_matches_r(name: str) -> None:
    ref = _load(name)
    outcome, ic = _tt_call(ref["r_calls"][0])
    data = _data(ref)
    conds = [c for c in data.columns if c != outcome.lstrip("~")]
    tt = truth_table(data, outcome, conds, incl_cut=ic)
    res = minimize(tt, **_kwargs(ref["r_calls"][1]))
    rres = ref["result"]
    assert dict(res.numbers) == rres["numbers"]
    assert list(res.prime_implicants) == rres["prime_implicants"]
    sa = {k: list(v) for k, v in res.simplifying_assumptions.items()}
    if ref["solution_type"] == "conservative":
        assert all(not v for v in rres["simplifying_assumptions"].values())
    else:
        assert sa == rres["simplifying_assumptions"]
    if ref["solution_type"] == "intermediate":
        assert [c.name for c in res.combos] == list(rres["intermediate"])
        for combo in res.combos:
            rc = rres["intermediate"][combo.name]
            assert list(combo.complex_terms) == rc["c.sol"]
            assert list(combo.parsimonious_terms) == rc["p.sol"]
            assert list(combo.easy_counterfactuals) == rc["easy_counterfactual_rows"]
            assert list(combo.essential) == rc["essential"]
            _check_models(combo.models, rc["models"])
        return
    assert len(res.models) == rres["n_models"]
    assert list(res.essential) == rres["essential"]
    _check_models(res.models, rres["models"])
    overall = {f.term: f for f in res.overall}
    for row in rres["overall_term_table"]:
        f = overall[row["term"]]
        assert _close(f.incl, row["inclS"]) and _close(f.cov, row["covS"])
        assert _close(f.cov_unique, row["covU"]), (f.term, f.cov_unique, row["covU"])


@pytest.mark.parametrize("name", [n for n in REF_FILES if "necessity" in n])
def test_necessity_matches_r_pof(name: str) -> None:
    ref = _load(name)
    outcome = re.search(
        r'superSubset\(\w+, outcome = "([^"]+)"', ref["superSubset"]["r_call"]
    ).group(1)
    data = _data(ref)
    conds = [c for c in data.columns if c != outcome]
    fits = {f.term: f for f in necessity(data, outcome, conds)}
    for key in ("pof_necessity_single", "pof_necessity_single_negated"):
        for t in ref[key]["result"]["terms"]:
            f = fits[t["term"]]
            assert (
                _close(f.incl, t["inclN"]) and _close(f.ron, t["RoN"]) and _close(f.cov, t["covN"])
            )
    for key in ("pof_sufficiency_single", "pof_sufficiency_single_negated"):
        for t in ref[key]["result"]["terms"]:
            f = fits[t["term"]]
            assert _close(f.incl_sufficiency, t["inclS"]) and _close(f.pri, t["PRI"])
            assert _close(f.cov_sufficiency, t["covS"])


def _calibrate_kwargs(call: str) -> dict:
    """Translate one recorded R ``calibrate(x, ...)`` call into keyword arguments."""
    args = re.fullmatch(r"calibrate\(x, (.*)\)", call)
    assert args, call
    kw: dict = {}
    for m in re.finditer(r'(\w+) = ("[^"]*"|c\([^)]*\)|[^,]+)', args.group(1)):
        key, val = m.group(1), m.group(2)
        if val.startswith('"'):
            kw[key] = val[1:-1]
        elif val.startswith("c("):
            kw[key] = [float(v) for v in val[2:-1].split(",")]
        elif val in ("TRUE", "FALSE"):
            kw[key] = val == "TRUE"
        else:
            kw[key] = float(val)
    assert set(kw) <= {"type", "thresholds", "logistic", "ecdf", "below", "above", "idm"}, call
    return kw


CALIBRATE_REF = _load("calibrate_heights.json")


@pytest.mark.parametrize("key", sorted(CALIBRATE_REF["results"]))
def test_calibrate_matches_r(key: str) -> None:
    res = CALIBRATE_REF["results"][key]
    x = pd.read_csv(QCA_DATA / "reference" / "calibrate_heights_input.csv")["x"].to_numpy()
    kw = _calibrate_kwargs(res["r_call"])
    mine = calibrate(x, **kw)
    expected = [float(v) for v in res["values_full"]]
    assert len(mine) == len(expected) == 100
    worst = max(abs(a - b) for a, b in zip(mine.tolist(), expected, strict=True))
    assert worst <= TOL, (res["r_call"], worst)
    if kw.get("type") == "crisp":
        assert mine.tolist() == [int(v) for v in expected]
