"""Robustness over cut-offs and recalibrations (real LF data from R QCA)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casusbelli.cross import calibrate, robustness
from casusbelli.errors import AnalysisError

#: R QCA reference data kept in the repository (see its README for provenance)
QCA_DATA = Path(__file__).parent / "data" / "qca"

CONDS = ["DEV", "URB", "LIT", "IND", "STB"]


def test_cut_offs_change_the_solution_and_name_flipped_cases():
    lf = pd.read_csv(QCA_DATA / "datasets/LF.csv", index_col=0)
    rep = robustness(lf, "SURV", CONDS, incl_cut=0.8, incl_cuts=[0.75, 0.85], n_cuts=[2])
    assert rep.baseline == "DEV*~IND + URB*STB"
    same, stricter, ncut = rep.variants
    assert same.term_overlap == 1.0 and same.case_retention == 1.0 and not same.flipped_out
    assert stricter.solution == "URB*STB"
    assert stricter.term_overlap == pytest.approx(0.5)
    assert set(stricter.flipped_out) == {"FI", "IE"}
    assert ncut.flipped_in == ("DE",)
    assert rep.robust_share == pytest.approx(1 / 3)


def test_recalibration_callable():
    lr = pd.read_csv(QCA_DATA / "datasets/LR.csv", index_col=0)
    lf = pd.read_csv(QCA_DATA / "datasets/LF.csv", index_col=0)

    def shifted() -> pd.DataFrame:
        out = lf.copy()
        out["DEV"] = calibrate(lr["DEV"].to_numpy(), (400, 600, 900))
        return out

    rep = robustness(lf, "SURV", CONDS, recalibrations={"DEV 400/600/900": shifted})
    (v,) = rep.variants
    assert v.label == "calibration=DEV 400/600/900"
    assert v.error is None and 0 <= v.term_overlap <= 1


def test_unknown_solution_type():
    df = pd.DataFrame({"A": [0, 1, 1, 0], "B": [1, 0, 1, 0], "Y": [0, 1, 1, 0]})
    with pytest.raises(AnalysisError, match="unknown solution_type"):
        robustness(df, "Y", ["A", "B"], solution_type="best")
