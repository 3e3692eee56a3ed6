"""Signposts: a hand-computed Bayes update, value of information, ranking."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casusbelli.errors import ForecastError
from casusbelli.forecast.signposts import (
    rank_signposts,
    update_weights,
    value_of_information,
)

EQUAL = {"opportunism": 0.25, "insecurity": 0.25, "legacy": 0.25, "influence": 0.25}
LIK = {"opportunism": 0.3, "insecurity": 0.18, "legacy": 0.08, "influence": 0.25}


def test_update_observed_hand_computed():
    # P(o) = (0.3 + 0.18 + 0.08 + 0.25) / 4 = 0.2025; w'_t = 0.25 L_t / 0.2025
    u = update_weights(EQUAL, LIK, "observed")
    assert u.p_observed == pytest.approx(0.2025)
    assert u.after == pytest.approx({"opportunism": 30 / 81, "insecurity": 18 / 81,
                                     "legacy": 8 / 81, "influence": 25 / 81})
    assert u.before == EQUAL


def test_update_not_observed_hand_computed():
    # 1 - L = 0.7, 0.82, 0.92, 0.75 (sum 3.19): w'_t = (1 - L_t) / 3.19
    u = update_weights(EQUAL, LIK, "not-observed")
    assert u.after == pytest.approx({"opportunism": float(F(70, 319)),
                                     "insecurity": float(F(82, 319)),
                                     "legacy": float(F(92, 319)),
                                     "influence": float(F(75, 319))})


def test_update_refuses_bad_input():
    with pytest.raises(ForecastError, match="status"):
        update_weights(EQUAL, LIK, "seen")  # type: ignore[arg-type]
    with pytest.raises(ForecastError, match="no likelihood"):
        update_weights(EQUAL, {"opportunism": 0.5}, "observed")
    with pytest.raises(ForecastError, match="probability 0"):
        update_weights({"a": 1.0}, {"a": 1.0}, "not-observed")


def test_value_of_information_hand_computed():
    # weights 0.5/0.5, L = 0.8/0.2, P(yes) = 0.9 / 0.1: now 0.5, if observed 0.74, if not 0.26
    v = value_of_information("q", {"a": 0.5, "b": 0.5}, {"a": 0.8, "b": 0.2},
                             {"a": [0.9, 0.1], "b": [0.1, 0.9]})
    assert v.now[0] == pytest.approx(0.5)
    assert v.if_observed[0] == pytest.approx(0.74) and v.if_not_observed[0] == pytest.approx(0.26)
    assert v.p_observed == pytest.approx(0.5) and v.expected_change == pytest.approx(0.24)


def test_a_signpost_every_theory_finds_equally_likely_is_worth_nothing():
    v = value_of_information("q", {"a": 0.3, "b": 0.7}, {"a": 0.4, "b": 0.4},
                             {"a": [0.9, 0.1], "b": [0.1, 0.9]})
    assert v.expected_change == pytest.approx(0.0)


def test_ranking_puts_the_most_informative_first():
    w = {"a": 0.5, "b": 0.5}
    vals = {"a": [0.9, 0.1], "b": [0.1, 0.9]}
    weak = value_of_information("q", w, {"a": 0.55, "b": 0.45}, vals)
    strong = value_of_information("q", w, {"a": 0.9, "b": 0.1}, vals)
    ranked = rank_signposts([("weak", [weak]), ("strong", [strong]), ("none", [])])
    assert [r[0] for r in ranked] == ["strong", "weak", "none"]


lik = st.floats(0.01, 0.99)
prob = st.floats(0.0, 1.0)


@given(st.lists(st.tuples(st.floats(0.01, 5), lik, prob), min_size=2, max_size=6),
       st.sampled_from(["observed", "not-observed"]))
def test_posterior_weights_sum_to_one_and_the_pool_is_a_martingale(rows, status):
    w = {f"t{i}": r[0] for i, r in enumerate(rows)}
    L = {f"t{i}": r[1] for i, r in enumerate(rows)}
    p = {f"t{i}": [r[2], 1 - r[2]] for i, r in enumerate(rows)}
    u = update_weights(w, L, status)  # type: ignore[arg-type]
    assert sum(u.after.values()) == pytest.approx(1.0)
    v = value_of_information("q", w, L, p)
    # E[p after] = p now, so both branches contribute equally to the expected change
    mean_after = v.p_observed * v.if_observed[0] + (1 - v.p_observed) * v.if_not_observed[0]
    assert mean_after == pytest.approx(v.now[0], abs=1e-9)
    assert v.expected_change == pytest.approx(
        2 * v.p_observed * abs(v.if_observed[0] - v.now[0]), abs=1e-9)
