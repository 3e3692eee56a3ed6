"""QCA checks: outcome skew, condition and negation both passing, permutation test, same cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casusbelli.cross.boolean import expression_membership
from casusbelli.cross.qca import minimize, necessity, sufficiency, truth_table
from casusbelli.cross.qca_checks import (
    SKEW_MARGIN,
    _first_model_membership,
    negation_check,
    permutation_test,
    same_cases,
    skew_check,
)
from casusbelli.errors import AnalysisError


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=[f"c{i}" for i in range(n)])


def _crisp_outcome(rng: np.random.Generator, n: int, positives: int) -> np.ndarray:
    y = np.zeros(n)
    y[rng.choice(n, positives, replace=False)] = 1.0
    return y


# --------------------------------------------------------------------------- skew


def test_skewed_outcome_warns_and_a_random_condition_passes_sufficiency():
    rng = np.random.default_rng(11)
    y = _crisp_outcome(rng, 30, 26)  # 87 % interventions, above incl_cut 0.8
    check = skew_check(y, 0.8, rng=np.random.default_rng(1))
    assert check.status == "warn"
    assert check.base_rate == pytest.approx(26 / 30)
    assert check.share_in_outcome == pytest.approx(26 / 30)
    assert "at or above incl_cut 0.8" in check.detail
    assert check.null_pass_rate > 0.5  # most random conditions "pass"
    # the problem itself: a condition drawn at random, unrelated to Y, passes inclS >= 0.8
    x = np.random.default_rng(5).random(30)
    fit = sufficiency("X", _frame({"X": x, "Y": y}), "Y")
    assert fit.incl >= 0.8


def test_balanced_outcome_passes_and_near_cut_warns():
    y = np.array([1.0] * 15 + [0.0] * 15)
    check = skew_check(y, 0.8, rng=np.random.default_rng(1))
    assert check.status == "pass" and check.base_rate == 0.5
    assert check.null_pass_rate < 0.05
    near = np.array([1.0] * 21 + [0.0] * 9)  # 0.70 = incl_cut - margin
    assert skew_check(near, 0.8).status == "warn"
    assert "within 0.1 of" in skew_check(near, 0.8).detail
    below = np.array([1.0] * 20 + [0.0] * 10)  # 0.667
    assert skew_check(below, 0.8).status == "pass"
    assert SKEW_MARGIN == 0.1


def test_skew_uses_the_larger_of_mean_membership_and_share_in_outcome():
    y = np.array([0.6] * 9 + [0.0])  # mean 0.54, 90 % of cases above 0.5
    check = skew_check(y, 0.9)
    assert check.mean_membership == pytest.approx(0.54)
    assert check.share_in_outcome == pytest.approx(0.9)
    assert check.base_rate == pytest.approx(0.9) and check.status == "warn"
    d = check.to_dict()
    assert d["base_rate"] == check.base_rate and d["null_pass_rate"] is None


def test_skew_ignores_unknowns_and_rejects_bad_input():
    check = skew_check([1.0, np.nan, 0.0, 1.0], 0.8)
    assert check.n_cases == 3
    with pytest.raises(AnalysisError, match="outside"):
        skew_check([0.2, 1.4], 0.8)
    with pytest.raises(AnalysisError, match="incl_cut"):
        skew_check([0.2, 1.0], 1.5)
    with pytest.raises(AnalysisError, match="no case"):
        skew_check([np.nan], 0.8)


# --------------------------------------------------------------------------- negation


def test_negation_flag_fires_when_condition_and_negation_both_pass():
    rng = np.random.default_rng(3)
    y = _crisp_outcome(rng, 30, 28)
    a = (rng.random(30) > 0.5).astype(float)  # unrelated: with 28 of 30 in Y both pass
    b = y.copy()  # the outcome itself: ~B has inclS 0
    check = negation_check(np.column_stack([a, b]), y, ["A", "B"], 0.8)
    assert check.flagged == ("A",) and check.status == "warn"
    row_a, row_b = check.rows
    assert row_a.both_pass and row_a.incl >= 0.8 and row_a.incl_negated >= 0.8
    assert not row_b.both_pass and row_b.incl == 1.0 and row_b.incl_negated == 0.0
    # the numbers are the engine's sufficiency consistency of A and ~A
    fits = {f.term: f.incl_sufficiency for f in necessity(_frame({"A": a, "B": b, "Y": y}), "Y")}
    assert row_a.incl == pytest.approx(fits["A"], abs=1e-12)
    assert row_a.incl_negated == pytest.approx(fits["~A"], abs=1e-12)
    d = check.to_dict()
    assert d["flagged"] == ["A"] and d["conditions"][0]["inclS_negated"] == row_a.incl_negated


def test_negation_check_uses_cases_coding_each_condition_and_checks_shapes():
    x = np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([1.0, 1.0, 0.0, 1.0])
    check = negation_check(x, y, ["A", "B"], 0.8)
    assert [r.n_cases for r in check.rows] == [4, 3]
    assert check.rows[0].incl == pytest.approx(0.5)
    with pytest.raises(AnalysisError, match="2 conditions but 1 names"):
        negation_check(x, y, ["A"], 0.8)
    with pytest.raises(AnalysisError, match="4 cases but Y has 3"):
        negation_check(x, y[:3], ["A", "B"], 0.8)


# --------------------------------------------------------------------------- permutation


def _planted() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    y = rng.random(30)
    return _frame({"P": y.copy(), "A": rng.random(30), "B": rng.random(30), "Y": y})


def test_planted_condition_equal_to_outcome_gets_a_small_p_value():
    res = permutation_test(_planted(), "Y", ["P", "A", "B"], rng=np.random.default_rng(0),
                           n_perm=1000)
    assert "P" in res.expression.split(" + ")
    assert res.consistency == pytest.approx(1.0)
    assert res.p_consistency < 0.01 and res.p_joint < 0.01
    # coverage alone is weak evidence: broad chance solutions also reach covS 1.0
    assert res.p_coverage < 0.05
    assert res.status == "pass"


def test_noise_conditions_on_balanced_outcome_are_not_significant():
    rng = np.random.default_rng(0)
    y = np.zeros(30)
    y[rng.choice(30, 15, replace=False)] = 1.0
    noise = {c: (rng.random(30) > 0.5).astype(float) for c in "ABC"}
    res = permutation_test(_frame({**noise, "Y": y}), "Y", rng=np.random.default_rng(0),
                           n_perm=1000, incl_cut=0.75)
    assert res.consistency >= 0.75  # the noise does give a solution to test
    assert res.p_consistency > 0.05 and res.p_coverage > 0.05 and res.p_joint > 0.05
    assert res.status == "warn"


@pytest.mark.parametrize("crisp", [True, False])
def test_p_values_follow_the_plus_one_formula_and_lie_in_unit_interval(crisp):
    rng = np.random.default_rng(4)
    x = rng.random((24, 3))
    y = rng.random(24)
    if crisp:
        x, y = (x > 0.5).astype(float), (y > 0.4).astype(float)
    data = _frame({"A": x[:, 0], "B": x[:, 1], "C": x[:, 2], "Y": y})
    res = permutation_test(data, "Y", rng=np.random.default_rng(2), n_perm=200)
    for p in (res.p_consistency, res.p_coverage, res.p_joint):
        assert 0 < p <= 1
    ge_i = res.null_consistency >= res.consistency - 1e-8
    ge_c = res.null_coverage >= res.coverage - 1e-8
    assert res.p_consistency == (1 + ge_i.sum()) / 201
    assert res.p_coverage == (1 + ge_c.sum()) / 201
    assert res.p_joint == (1 + (ge_i & ge_c).sum()) / 201
    d = res.to_dict()
    assert d["p_inclS"] == res.p_consistency and d["n_perm"] == 200
    assert d["exceed_both"] <= min(d["exceed_inclS"], d["exceed_covS"])


@pytest.mark.parametrize("crisp", [True, False])
def test_each_permutation_equals_a_full_engine_run_on_the_shuffled_outcome(crisp):
    rng = np.random.default_rng(6)
    x = rng.random((20, 3))
    y = rng.random(20)
    if crisp:
        x, y = (x > 0.5).astype(float), (y > 0.5).astype(float)
    data = _frame({"A": x[:, 0], "B": x[:, 1], "C": x[:, 2], "Y": y})
    res = permutation_test(data, "Y", rng=np.random.default_rng(9), n_perm=40, incl_cut=0.75)
    shuffled = np.random.default_rng(9).permuted(np.broadcast_to(y, (40, 20)), axis=1)
    for b in range(40):
        perm = data.assign(Y=shuffled[b])
        tt = truth_table(perm, "Y", incl_cut=0.75)
        if not tt.codes(["1"]).size:
            assert res.null_consistency[b] == 0 and res.null_coverage[b] == 0
            continue
        sol = minimize(tt, include="?") if tt.codes(["0", "C"]).size else minimize(tt)
        model = sol.models[0]
        assert res.null_consistency[b] == pytest.approx(model.incl, abs=1e-12), b
        assert res.null_coverage[b] == pytest.approx(model.cov, abs=1e-12), b


def test_first_model_shortcut_equals_minimize_on_random_truth_tables():
    rng = np.random.default_rng(13)
    for _ in range(60):
        k = int(rng.integers(2, 6))
        data = pd.DataFrame(np.round(rng.random((25, k + 1)), 2),
                            columns=[*(f"C{j}" for j in range(k)), "Y"])
        tt = truth_table(data, "Y", incl_cut=0.75)
        if not tt.codes(["1"]).size or not tt.codes(["0", "C"]).size:
            continue
        cols = {c: tt.memberships[:, j] for j, c in enumerate(tt.conditions)}
        labels = np.array([r.out for r in tt.observed])
        fast = _first_model_membership(tt, labels, None, False, cols)
        slow = expression_membership(minimize(tt, include="?").models[0].expression, cols)
        np.testing.assert_array_equal(fast, slow)


def test_permutation_test_is_reproducible_and_rejects_bad_settings():
    data = _planted()
    a = permutation_test(data, "Y", rng=np.random.default_rng(1), n_perm=100)
    b = permutation_test(data, "Y", rng=np.random.default_rng(1), n_perm=100)
    assert a.to_dict() == b.to_dict()
    with pytest.raises(AnalysisError, match="n_perm"):
        permutation_test(data, "Y", rng=np.random.default_rng(1), n_perm=0)
    noise = _frame({"A": np.tile([0.0, 1.0], 10), "Y": np.tile([0.0, 0.0, 1.0, 0.0], 5)})
    with pytest.raises(AnalysisError, match="no solution to test"):
        permutation_test(noise, "Y", rng=np.random.default_rng(1), n_perm=10)


def test_permutation_without_solution_counts_as_zero():
    rng = np.random.default_rng(2)
    y = _crisp_outcome(rng, 20, 10)
    data = _frame({"A": y.copy(), "B": (rng.random(20) > 0.5).astype(float), "Y": y})
    res = permutation_test(data, "Y", rng=np.random.default_rng(3), n_perm=300, incl_cut=1.0)
    assert res.no_solution > 0
    assert (res.null_consistency == 0).sum() >= res.no_solution
    assert res.p_joint < 0.01


# --------------------------------------------------------------------------- same cases


def test_same_cases_returns_exactly_the_intersection_of_coded_cases():
    nan = np.nan
    first = pd.DataFrame({"a": [1, 0, nan, 1, 0], "b": [0, 1, 1, 1, 0]},
                         index=["k1", "k2", "k3", "k4", "k5"], dtype=float)
    second = pd.DataFrame({"c": [1, nan, 0, 1]}, index=["k5", "k4", "k1", "k3"], dtype=float)
    third = (["k1", "k2", "k5", "k6"], np.array([[1.0], [0.0], [1.0], [1.0]]))
    res = same_cases(first, second, third, names=["t1", "t2", "t3"])
    coded = [{"k1", "k2", "k4", "k5"}, {"k5", "k1", "k3"}, {"k1", "k2", "k5", "k6"}]
    assert set(res.cases) == set.intersection(*coded) == {"k1", "k5"}
    assert res.cases == ("k1", "k5")  # order of the first frame
    assert res.coded == (4, 3, 4)
    assert res.left_out == {"t1": ("k2", "k4"), "t2": ("k3",), "t3": ("k2", "k6")}
    assert res.to_dict()["n_cases"] == 2


def test_same_cases_errors_are_located():
    with pytest.raises(AnalysisError, match="at least one"):
        same_cases()
    dup = pd.DataFrame({"a": [1.0, 0.0]}, index=["k1", "k1"])
    with pytest.raises(AnalysisError, match="duplicate case id"):
        same_cases(dup)
    with pytest.raises(AnalysisError, match="2 case ids for 3 rows"):
        same_cases((["k1", "k2"], np.zeros((3, 1))))
    with pytest.raises(AnalysisError, match="1 names for 2 frames"):
        same_cases(dup.iloc[:1], dup.iloc[:1], names=["x"])
