"""Bayesian process tracing: worked examples, test types, bad likelihoods, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.errors import AnalysisError
from casusbelli.within import (
    LIKELIHOOD_FROM_RATING,
    AchMatrix,
    classify_test,
    encode_ratings,
    likelihoods_from_ratings,
    trace,
    trace_matrix,
)


def test_two_hypothesis_worked_example():
    # prior H1 0.5, H2 0.5
    # E1: P(E|H1)=0.9, P(E|H2)=0.3 -> posterior H1 = 0.45 / (0.45 + 0.15) = 0.75
    # E2: P(E|H1)=0.2, P(E|H2)=0.4 -> odds 3 * 0.5 = 1.5 -> H1 = 0.6
    # decibans E1 (H1:H2) = 10 log10 3 = 4.7712; E2 = 10 log10 0.5 = -3.0103
    # total 1.7609 = 10 log10(1.5 / 1)
    res = trace([[0.9, 0.3], [0.2, 0.4]], hypotheses=["H1", "H2"], item_ids=["E1", "E2"])
    assert res.path[0] == pytest.approx([0.5, 0.5])
    assert res.path[1] == pytest.approx([0.75, 0.25])
    assert res.posterior == pytest.approx([0.6, 0.4])
    assert res.decibans[0, 0, 1] == pytest.approx(10 * math.log10(3))
    assert res.decibans[1, 0, 1] == pytest.approx(-10 * math.log10(2))
    assert res.decibans[0, 1, 0] == pytest.approx(-10 * math.log10(3))
    assert res.decibans[:, 0, 1].sum() == pytest.approx(10 * math.log10(1.5))
    # with two hypotheses, "vs rest" is the pairwise weight
    assert res.decibans_vs_rest[:, 0] == pytest.approx(res.decibans[:, 0, 1])


def test_given_prior_versus_flat_prior():
    # prior H1 0.2, H2 0.8; one item LR 4 for H1: odds 0.25 * 4 = 1 -> 0.5 / 0.5
    # flat prior: odds 4 -> 0.8 / 0.2
    res = trace([[0.8, 0.2]], prior=[0.2, 0.8])
    assert res.posterior == pytest.approx([0.5, 0.5])
    assert res.flat_posterior == pytest.approx([0.8, 0.2])


def test_three_hypotheses_uniqueness_uses_prior_weighted_rivals():
    # flat prior; E: P(E|H1)=0.9, P(E|H2)=0.1, P(E|H3)=0.05
    # P(E|not H1) = (0.1 + 0.05) / 2 = 0.075 -> certain and unique: doubly decisive for H1
    # P(E|not H2) = (0.9 + 0.05) / 2 = 0.475; H2 neither -> straw in the wind
    res = trace([[0.9, 0.1, 0.05]])
    assert res.tests[0] == ("doubly-decisive", "straw-in-the-wind", "straw-in-the-wind")
    assert res.decibans_vs_rest[0, 0] == pytest.approx(10 * math.log10(0.9 / 0.075))


@pytest.mark.parametrize(
    ("p_h", "p_not", "kind"),
    [
        (0.95, 0.05, "doubly-decisive"),
        (0.95, 0.6, "hoop"),
        (0.3, 0.05, "smoking-gun"),
        (0.6, 0.4, "straw-in-the-wind"),
        (0.8, 0.2, "doubly-decisive"),  # thresholds are inclusive
    ],
)
def test_classify_test_four_kinds(p_h, p_not, kind):
    assert classify_test(p_h, p_not) == kind


def test_classify_test_thresholds_are_parameters():
    assert classify_test(0.7, 0.3) == "straw-in-the-wind"
    assert classify_test(0.7, 0.3, certainty=0.7, uniqueness=0.3) == "doubly-decisive"


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan"), float("inf")])
def test_likelihood_outside_unit_interval_raises(bad):
    with pytest.raises(AnalysisError, match=r"outside \(0, 1\]") as info:
        trace([[0.5, 0.5], [0.4, bad]])
    assert info.value.field == "likelihoods"
    assert "(1, 1)" in str(info.value)
    with pytest.raises(AnalysisError, match=r"outside \(0, 1\]"):
        classify_test(bad, 0.5)


def test_bad_prior_raises():
    with pytest.raises(AnalysisError, match="sums to"):
        trace([[0.5, 0.5]], prior=[0.5, 0.6])
    with pytest.raises(AnalysisError, match=r"\(0, 1\]"):
        trace([[0.5, 0.5]], prior=[0.0, 1.0])
    with pytest.raises(AnalysisError, match="2 values for 3"):
        trace([[0.5, 0.5, 0.5]], prior=[0.5, 0.5])
    with pytest.raises(AnalysisError, match="non-empty"):
        trace(np.zeros((0, 2)))


def test_likelihoods_from_ratings_uses_documented_table():
    r = encode_ratings([["CC", "C", "N", "I", "II", "NA"]])
    assert likelihoods_from_ratings(r).tolist() == [[0.9, 0.7, 0.5, 0.2, 0.05, 0.5]]
    assert LIKELIHOOD_FROM_RATING["NA"] == LIKELIHOOD_FROM_RATING["N"]
    custom = dict(LIKELIHOOD_FROM_RATING, II=0.0)
    with pytest.raises(AnalysisError, match=r"outside \(0, 1\]"):
        likelihoods_from_ratings(r, custom)


def test_most_influential_item_is_the_strong_one():
    # E1 weak (0.6 vs 0.5), E2 strong (0.9 vs 0.05), E3 neutral (0.5 vs 0.5)
    res = trace([[0.6, 0.5], [0.9, 0.05], [0.5, 0.5]], item_ids=["weak", "strong", "flat"])
    assert res.most_influential == ("strong", "weak", "flat")
    assert res.influence[2] == pytest.approx(0.0)


def test_trace_matrix_prefers_file_likelihoods_then_maps_ratings():
    r = encode_ratings([["C", "I"]])
    m = AchMatrix(hypotheses=("A", "B"), item_ids=("e1",), ratings=r)
    res = trace_matrix(m)
    # 0.7 vs 0.2 -> posterior A = 0.7 / 0.9
    assert res.posterior[0] == pytest.approx(0.7 / 0.9)
    m2 = AchMatrix(
        hypotheses=("A", "B"), item_ids=("e1",), ratings=r, likelihoods=np.array([[0.5, 0.5]])
    )
    assert trace_matrix(m2).posterior == pytest.approx([0.5, 0.5])
    d = res.to_dict()
    assert d["items"][0]["tests"] == {"A": "smoking-gun", "B": "straw-in-the-wind"}
    assert set(d["items"][0]["decibans"]["A"]) == {"B"}


_lk = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)


@st.composite
def problems(draw):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(2, 5))
    lk = np.array(draw(st.lists(_lk, min_size=n * m, max_size=n * m))).reshape(n, m)
    raw = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=m, max_size=m)))
    return lk, raw / raw.sum()


@settings(max_examples=200, deadline=None)
@given(problems())
def test_posterior_sums_to_one_at_every_step(prob):
    lk, prior = prob
    res = trace(lk, prior=prior)
    assert res.path.sum(axis=1) == pytest.approx(np.ones(lk.shape[0] + 1))
    assert res.path[0] == pytest.approx(prior)
    assert res.flat_posterior.sum() == pytest.approx(1.0)
    assert np.all((res.influence >= 0) & (res.influence <= 1 + 1e-12))


@settings(max_examples=200, deadline=None)
@given(problems())
def test_decibans_add_up_to_log_posterior_odds_change(prob):
    lk, prior = prob
    res = trace(lk, prior=prior)
    post = np.log10(res.posterior)
    pri = np.log10(res.prior)
    change = 10 * (post[:, None] - post[None, :]) - 10 * (pri[:, None] - pri[None, :])
    assert res.decibans.sum(axis=0) == pytest.approx(change, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_item_order_does_not_change_final_posterior(prob, rnd):
    lk, prior = prob
    perm = list(range(lk.shape[0]))
    rnd.shuffle(perm)
    assert trace(lk[perm], prior=prior).posterior == pytest.approx(trace(lk, prior=prior).posterior)
