"""QCA engine: properties (hypothesis), bad input, synthetic recovery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casusbelli.cross import MAX_CONDITIONS, analyze, minimize, necessity, sufficiency, truth_table
from casusbelli.cross.boolean import expression_membership, parse_expression
from casusbelli.cross.qca import _covers, _qmc
from casusbelli.errors import AnalysisError

#: R QCA reference data kept in the repository (see its README for provenance)
QCA_DATA = Path(__file__).parent / "data" / "qca"

CONDS = ["A", "B", "C", "D"]


@st.composite
def crisp_tables(draw):
    n = draw(st.integers(8, 40))
    rows = draw(
        st.lists(st.lists(st.integers(0, 1), min_size=5, max_size=5), min_size=n, max_size=n)
    )
    df = pd.DataFrame(rows, columns=[*CONDS, "Y"], index=[f"c{i}" for i in range(n)])
    for c in df.columns:  # keep columns non-constant
        if df[c].nunique() == 1:
            df.iloc[0, df.columns.get_loc(c)] = 1 - df.iloc[0, df.columns.get_loc(c)]
    return df


@st.composite
def fuzzy_tables(draw):
    n = draw(st.integers(6, 30))
    vals = draw(st.lists(st.lists(st.floats(0, 1), min_size=5, max_size=5), min_size=n, max_size=n))
    df = pd.DataFrame(np.round(vals, 3), columns=[*CONDS, "Y"], index=[f"c{i}" for i in range(n)])
    for c in df.columns:
        if df[c].nunique() == 1:
            df.iloc[0, df.columns.get_loc(c)] = (
                1.0 - df.iloc[0, df.columns.get_loc(c)] if df[c].iloc[0] != 0.5 else 0.9
            )
    return df


def _codes(tt, outs):
    return tt.codes(outs)


def _term_codes(term_str, k=4):
    (term,) = parse_expression(term_str, CONDS)
    mask = val = 0
    for c, v in term:
        b = 1 << (k - 1 - CONDS.index(c))
        mask |= b
        val |= b * v
    return mask, val


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crisp_tables())
def test_solutions_cover_every_positive_row_and_complex_avoids_negatives(df):
    tt = truth_table(df, "Y", CONDS, incl_cut=1)
    pos, neg = _codes(tt, ["1"]), _codes(tt, ["0", "C"])
    if pos.size == 0:
        with pytest.raises(AnalysisError, match="nothing to explain"):
            minimize(tt)
        return
    comp = minimize(tt)
    for model in comp.models:
        terms = [_term_codes(t) for t in model.terms]
        assert _covers(terms, pos).any(axis=0).all()
        if neg.size:
            assert not _covers(terms, neg).any()
    if neg.size:
        pars = minimize(tt, include="?")
        cmax = min(min(t.count("*") + 1 for t in m.terms) for m in comp.models)
        for model in pars.models:
            terms = [_term_codes(t) for t in model.terms]
            assert _covers(terms, pos).any(axis=0).all()
            assert not _covers(terms, neg).any()
            assert len(model.terms) <= min(len(m.terms) for m in comp.models)
            assert min(t.count("*") + 1 for t in model.terms) <= cmax


@settings(max_examples=40, deadline=None)
@given(fuzzy_tables(), st.sampled_from([0.6, 0.75, 0.9]))
def test_consistency_and_coverage_lie_in_unit_interval(df, cut):
    tt = truth_table(df, "Y", CONDS, incl_cut=cut)
    for r in tt.observed:
        assert 0 <= r.incl <= 1 + 1e-12
        assert np.isnan(r.pri) or -1e-12 <= r.pri <= 1 + 1e-12
    if tt.codes(["1"]).size and tt.codes(["0"]).size:
        for m in minimize(tt, include="?").models:
            for f in m.fits:
                for v in (f.incl, f.cov, f.cov_unique):
                    assert -1e-12 <= v <= 1 + 1e-12
    for f in necessity(df, "Y", CONDS):
        assert 0 <= f.incl <= 1 and 0 <= f.cov <= 1 + 1e-12


@settings(max_examples=50, deadline=None)
@given(st.sets(st.integers(0, 15), min_size=1, max_size=16))
def test_qmc_implicants_cover_exactly_the_minterms(minterms):
    pis = _qmc(sorted(minterms), 4)
    allrows = np.arange(16)
    covered = set(allrows[_covers(pis, allrows).any(axis=0)].tolist())
    assert covered == minterms


def test_membership_is_min_and_max():
    data = {"A": np.array([0.2, 0.8]), "B": np.array([0.6, 0.3])}
    assert expression_membership("A*~B", data).tolist() == pytest.approx([0.2, 0.7])
    assert expression_membership("A + B", data).tolist() == pytest.approx([0.6, 0.8])


def test_sufficiency_of_an_expression_matches_the_solution_term():
    df = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 0], "Y": [1, 1, 0, 0]})
    fit = sufficiency("A", df, "Y")
    assert (fit.incl, fit.cov) == (1.0, 1.0)
    assert sufficiency("A", df, "~Y").incl == 0.0


def test_synthetic_8_conditions_recovers_the_rule():
    df = pd.read_csv(QCA_DATA / "synthetic/synthetic_crisp_K8_N2000_noise0.csv", index_col=0)
    res = analyze(df, "Y", list("ABCDEFGH"))
    assert [m.expression for m in res.parsimonious.models] == ["D*E + A*B*~C + F*~G*H"]
    assert res.complex.models[0].expression == "D*E + A*B*~C + F*~G*H"
    doc = res.to_dict()
    assert set(doc["solutions"]) == {"complex", "parsimonious", "intermediate"}
    assert doc["solutions"]["parsimonious"][0]["terms"] == ["D*E", "A*B*~C", "F*~G*H"]
    assert set(doc["solutions"]["parsimonious"][0]["terms_detail"][0]) >= {
        "term",
        "inclS",
        "PRI",
        "covS",
        "covU",
    }


# ------------------------------------------------------------------ bad input


def _df():
    return pd.DataFrame(
        {"A": [0.1, 0.9, 0.6], "B": [1, 0, 1], "Y": [0, 1, 1]}, index=["x", "y", "z"]
    )


def test_outcome_not_in_data_names_it():
    with pytest.raises(AnalysisError, match="outcome 'Q' not in data") as e:
        truth_table(_df(), "Q", ["A", "B"])
    assert e.value.field == "outcome"


def test_values_outside_unit_interval_name_column_and_row():
    df = _df()
    df.loc["y", "A"] = 1.7
    with pytest.raises(AnalysisError, match=r"value 1.7 in column 'A' at row 1 \(case 'y'\)") as e:
        truth_table(df, "Y", ["A", "B"])
    assert (e.value.field, e.value.line) == ("A", 1)


def test_nan_names_column_and_row():
    df = _df()
    df.loc["z", "B"] = np.nan
    with pytest.raises(
        AnalysisError, match=r"missing value \(NaN\) in column 'B' at row 2 \(case 'z'\)"
    ):
        truth_table(df, "Y", ["A", "B"])


def test_constant_column_is_refused():
    df = _df()
    df["B"] = 1
    with pytest.raises(AnalysisError, match="column 'B' is constant"):
        truth_table(df, "Y", ["A", "B"])


def test_more_than_twenty_conditions_names_the_limit():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.integers(0, 2, size=(30, 22)), columns=[f"C{i}" for i in range(22)])
    df["Y"] = rng.integers(0, 2, size=30)
    with pytest.raises(AnalysisError, match=f"the limit is {MAX_CONDITIONS} conditions"):
        truth_table(df, "Y", [f"C{i}" for i in range(22)])


def test_empty_data_is_refused():
    with pytest.raises(AnalysisError, match="empty data"):
        truth_table(_df().iloc[:0], "Y", ["A", "B"])


def test_wrong_types_and_unknown_condition():
    with pytest.raises(AnalysisError, match="pandas DataFrame"):
        truth_table([[0, 1]], "Y", ["A"])  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="condition 'Z' not in data"):
        truth_table(_df(), "Y", ["A", "Z"])
    df = _df()
    df["A"] = ["lo", "hi", "<script>alert(1)</script>"]
    with pytest.raises(AnalysisError, match="column 'A' is not numeric"):
        truth_table(df, "Y", ["A", "B"])


def test_bad_arguments_list_allowed_values():
    tt = truth_table(_df(), "Y", ["A", "B"], incl_cut=0.8)
    with pytest.raises(AnalysisError, match="include must be"):
        minimize(tt, include="x")
    with pytest.raises(AnalysisError, match="need the remainders"):
        minimize(tt, dir_exp="A")
    with pytest.raises(AnalysisError, match="unknown condition 'Q' in dir_exp"):
        minimize(tt, include="?", dir_exp="Q")
    with pytest.raises(AnalysisError, match="incl_cut"):
        truth_table(_df(), "Y", ["A", "B"], incl_cut=1.5)
    with pytest.raises(AnalysisError, match="unknown condition 'Q'"):
        parse_expression("A*Q", ["A", "B"])
    with pytest.raises(AnalysisError, match="both A and ~A"):
        parse_expression("A*~A")


def test_parse_dir_exp_reads_r_names_old_positional_and_mapping_forms():
    from casusbelli.cross.qca import parse_dir_exp

    conds = ["DEV", "URB", "LIT"]
    assert parse_dir_exp("DEV, URB, ~LIT", conds) == {"DEV": 1, "URB": 1, "LIT": 0}
    assert parse_dir_exp("DEV, -", conds) == {"DEV": 1}
    assert parse_dir_exp("1, -, 0", conds) == {"DEV": 1, "LIT": 0}
    assert parse_dir_exp("DEV=1, LIT=0, URB=-", conds) == {"DEV": 1, "LIT": 0}
    assert parse_dir_exp({"URB": 0, "LIT": "-"}, conds) == {"URB": 0}
    with pytest.raises(AnalysisError, match="dir_exp has 2 values for 3 conditions"):
        parse_dir_exp("1, 0", conds)
    with pytest.raises(AnalysisError, match="unknown condition 'IND'") as err:
        parse_dir_exp("DEV, IND", conds)
    assert err.value.field == "dir_exp"


def test_half_memberships_are_warned_and_recorded():
    df = pd.DataFrame({"A": [0.5, 0.9, 0.1, 0.8], "B": [1, 0, 1, 0], "Y": [0, 1, 1, 1]},
                      index=["w", "x", "y", "z"])
    with pytest.warns(UserWarning, match="exactly 0.5.*w"):
        tt = truth_table(df, "Y", ["A", "B"])
    assert tt.half_cases == ("w",)
    row = next(r for r in tt.rows if r.values == (0, 1))
    assert row.n == 2 and row.cases == ("y",)
