"""R-style text and pandas views of QCA results (issue #16)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from casusbelli.cross import analyze, minimize, truth_table

QCA_DATA = Path(__file__).parent / "data" / "qca"
REF_TT = json.loads((QCA_DATA / "reference" / "LF_truthTable.json").read_text())["truth_table"]
REF_PARS = json.loads((QCA_DATA / "reference" / "LF_minimize_parsimonious.json").read_text())


@pytest.fixture(scope="module")
def lf() -> pd.DataFrame:
    return pd.read_csv(QCA_DATA / "datasets" / "LF.csv", index_col=0)


def test_truth_table_takes_a_data_frame_with_keywords_and_numbers_rows_as_r(lf):
    tt = truth_table(lf, outcome="SURV", conditions=["DEV", "URB", "LIT", "IND", "STB"],
                     incl_cut=0.8)
    frame = tt.to_frame()
    assert frame.index.name == "row_id"
    assert frame.index.tolist() == REF_TT["observed_row_ids"]
    assert list(frame.columns) == ["DEV", "URB", "LIT", "IND", "STB", "OUT", "n", "incl",
                                   "PRI", "cases"]
    r_rows = {r["row_id"]: r for r in REF_TT["rows"]}
    for row_id, row in frame.iterrows():
        assert row["OUT"] == r_rows[row_id]["OUT"] and row["n"] == r_rows[row_id]["n"]
        assert row["incl"] == pytest.approx(r_rows[row_id]["incl"], abs=1e-9)
        assert row["cases"] == ",".join(r_rows[row_id]["cases"])


def test_truth_table_repr_is_r_layout_not_a_dataclass_dump(lf):
    text = repr(truth_table(lf, "SURV", incl_cut=0.8))
    assert "TruthTable(" not in text and "array(" not in text
    lines = text.splitlines()
    header = next(ln for ln in lines if ln.split()[:1] == ["DEV"])
    assert header.split() == ["DEV", "URB", "LIT", "IND", "STB", "OUT", "n", "incl", "PRI",
                              "cases"]
    first = lines[lines.index(header) + 1].split()
    r1 = REF_TT["rows"][0]
    assert first == ["1", "0", "0", "0", "0", "0", r1["OUT"], str(r1["n"]),
                     f"{r1['incl']:.3f}", f"{r1['PRI']:.3f}", ",".join(r1["cases"])]
    assert len(lines) < 25


def test_minimization_repr_and_frame_give_r_fit_per_term_and_model(lf):
    m = minimize(truth_table(lf, "SURV", incl_cut=0.8), include="?")
    text = repr(m)
    assert "M1: DEV*~IND + URB*STB -> SURV" in text
    assert "inclS" in text and "covU" in text and "Minimization(" not in text
    frame = m.to_frame()
    assert list(frame.columns) == ["solution", "model", "term", "inclS", "PRI", "covS", "covU",
                                   "cases"]
    assert frame["term"].tolist() == ["DEV*~IND", "URB*STB", "M1"]
    model = m.models[0]
    assert frame.iloc[-1][["inclS", "PRI", "covS"]].tolist() == [model.incl, model.pri,
                                                                 model.cov]
    assert pd.isna(frame.iloc[-1]["covU"])
    assert repr(model).startswith("Model(M1: DEV*~IND + URB*STB; inclS 0.850")
    line = next(ln for ln in text.splitlines() if ln.startswith("1  DEV*~IND")).split()
    fit = model.fits[0]
    assert line[2:6] == [f"{v:.3f}" for v in (fit.incl, fit.pri, fit.cov, fit.cov_unique)]


def test_result_frame_stacks_the_solutions_computed(lf):
    res = analyze(lf, "SURV", incl_cut=0.8, dir_exp="DEV, URB, LIT, IND, STB")
    frame = res.to_frame()
    assert set(frame["solution"]) == {"complex", "parsimonious", "intermediate"}
    assert "Truth table: outcome SURV" in repr(res)


def _r_tables():
    """(reference file, R's printed model table) for one-model solutions printed inline."""
    out = []
    for path in sorted((QCA_DATA / "reference").glob("*_minimize_*.json")):
        printed = json.loads(path.read_text())["result"].get("printed") or []
        heads = [i for i, ln in enumerate(printed) if ln.rstrip().endswith("covU   cases")]
        if len(heads) == 1 and sum(ln.startswith("M") and ":" in ln for ln in printed) == 1:
            h = heads[0]
            out.append((path.name, [ln.rstrip() for ln in printed[h:h + 7] if ln.strip()]))
    return out


@pytest.mark.parametrize(("name", "r_lines"), _r_tables())
def test_model_table_is_laid_out_as_r_prints_it(name, r_lines):
    """Compare with R's own ``print(minimize(...))`` output kept in the reference file."""
    from casusbelli.cross.qca.display import format_model

    ref = json.loads((QCA_DATA / "reference" / name).read_text())
    tt_call, min_call = ref["r_calls"]
    outcome = tt_call.split('outcome = "')[1].split('"')[0]
    data = pd.read_csv(QCA_DATA / ref["dataset_csv"], index_col=0)
    kw = {"include": "?"} if 'include = "?"' in min_call else {}
    if "dir.exp" in min_call:
        kw["dir_exp"] = min_call.split('dir.exp = "')[1].split('"')[0]
    m = minimize(truth_table(data, outcome, incl_cut=0.8), **kw)
    mine = format_model(m.models[0], outcome).splitlines()[2:]
    assert mine[: len(r_lines)] == r_lines
