"""Scoring rules: hand-computed values, propriety, time averaging, calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.errors import ForecastError
from casusbelli.forecast.scoring import (
    brier_score,
    brier_scores,
    calibration_table,
    crps_mixture,
    crps_normal,
    log_score,
    log_scores,
    multi_brier_scores,
    multi_log_scores,
    score_value,
    time_average,
    uniform_scores,
)

prob = st.floats(0.0, 1.0, allow_nan=False)


def test_brier_hand_computed():
    # (0.7-1)^2 = 0.09, (0.2-0)^2 = 0.04, (0.9-0)^2 = 0.81 -> mean 0.94/3
    assert brier_scores([0.7, 0.2, 0.9], [1, 0, 0]).tolist() == pytest.approx([0.09, 0.04, 0.81])
    assert brier_score([0.7, 0.2, 0.9], [1, 0, 0]) == pytest.approx(0.94 / 3)


def test_log_hand_computed():
    # -ln 0.7, -ln 0.8, -ln 0.1
    expected = [-math.log(0.7), -math.log(0.8), -math.log(0.1)]
    assert log_scores([0.7, 0.2, 0.9], [1, 0, 0]).tolist() == pytest.approx(expected)
    assert log_score([0.7, 0.2, 0.9], [1, 0, 0]) == pytest.approx(sum(expected) / 3)


def test_log_score_of_a_certain_miss_is_infinite_unless_clipped():
    assert log_scores([0.0], [1])[0] == math.inf
    assert log_scores([0.0], [1], clip=1e-3)[0] == pytest.approx(-math.log(1e-3))


def test_multi_category_brier_and_log_hand_computed():
    # options (a, b, c), forecast (0.5, 0.3, 0.2), b happens: 0.25 + 0.49 + 0.04 = 0.78
    assert multi_brier_scores([[0.5, 0.3, 0.2]], [1])[0] == pytest.approx(0.78)
    assert multi_log_scores([[0.5, 0.3, 0.2]], [1])[0] == pytest.approx(-math.log(0.3))


def test_crps_normal_at_the_mean_has_closed_form():
    # CRPS(N(0, s), 0) = s (2 phi(0) - 1/sqrt(pi)) = s (sqrt(2/pi) - 1/sqrt(pi))
    s = 2.0
    expected = s * (math.sqrt(2 / math.pi) - 1 / math.sqrt(math.pi))
    assert crps_normal(5.0, s, 5.0) == pytest.approx(expected, rel=1e-6)


def test_crps_mixture_of_identical_components_equals_the_normal():
    assert crps_mixture([1.0, 1.0], [2.0, 2.0], [0.3, 0.7], 2.5) == pytest.approx(
        crps_normal(1.0, 2.0, 2.5), rel=1e-6)


def test_score_value_dispatches_on_kind():
    assert score_value("binary", 0.8, True).brier == pytest.approx(0.04)
    s = score_value("multiple_choice", {"a": 0.5, "b": 0.3, "c": 0.2}, "b", options=["a", "b", "c"])
    assert s.brier == pytest.approx(0.78) and s.crps is None
    n = score_value("numeric", {"mean": 0.0, "sd": 1.0}, 0.0)
    assert n.brier is None and n.log == pytest.approx(0.5 * math.log(2 * math.pi))
    with pytest.raises(ForecastError, match="unknown question kind"):
        score_value("ordinal", 0.5, True)


def test_bad_inputs_are_refused():
    with pytest.raises(ForecastError, match=r"\[0, 1\]"):
        brier_score([1.2], [1])
    with pytest.raises(ForecastError, match="0 or 1"):
        brier_score([0.5], [2])
    with pytest.raises(ForecastError, match="sum to 1"):
        multi_brier_scores([[0.5, 0.6]], [0])
    with pytest.raises(ForecastError, match="sd > 0"):
        crps_normal(0, 0, 1)


def test_uniform_scores_of_ignorance():
    assert uniform_scores("binary", True) == (0.25, pytest.approx(math.log(2)), None)
    k3 = uniform_scores("multiple_choice", "a", n_options=3)
    assert k3.brier == pytest.approx(multi_brier_scores([[1 / 3] * 3], [0])[0])


def test_time_average_hand_computed():
    # 0.5 for days 0-5, 0.1 for days 5-10
    assert time_average([0, 5], [0.5, 0.1], 0, 10) == pytest.approx(0.3)
    # first forecast on day 5; the ignorance score 0.25 stands before it
    assert time_average([5], [0.1], 0, 10, before=0.25) == pytest.approx(0.175)
    # without `before`, the average starts at the first forecast
    assert time_average([5], [0.1], 0, 10) == pytest.approx(0.1)
    # forecasts issued before the period: only the last one stands at its start
    assert time_average([-3, -1, 8], [0.9, 0.2, 0.4], 0, 10) == pytest.approx(0.24)
    # forecasts after the end are ignored
    assert time_average([0, 12], [0.2, 0.9], 0, 10) == pytest.approx(0.2)


def test_calibration_table_bins():
    t = calibration_table([0.05, 0.1, 0.5, 0.55, 0.95, 1.0], [0, 0, 1, 0, 1, 1], bins=5)
    assert t.n == 6
    assert [b.n for b in t.bins] == [2, 0, 2, 0, 2]
    assert t.bins[0].observed_rate == 0.0 and t.bins[1].mean_forecast is None
    assert t.bins[4].observed_rate == 1.0 and t.bins[4].mean_forecast == pytest.approx(0.975)


# --------------------------------------------------------------------------- properties
@given(st.lists(st.booleans(), min_size=1, max_size=30))
def test_a_perfect_forecaster_scores_zero(outcomes):
    o = np.array(outcomes, dtype=float)
    assert brier_score(o, o) == 0.0
    assert log_score(o, o) == 0.0


@given(st.lists(st.tuples(prob, st.booleans()), min_size=1, max_size=30))
def test_brier_lies_in_unit_interval(pairs):
    p, o = zip(*pairs, strict=True)
    assert 0.0 <= brier_score(p, [float(x) for x in o]) <= 1.0


@settings(max_examples=60)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_brier_and_log_are_proper(q, p):
    """Under outcome ~ Bernoulli(q), the expected score is lowest at the forecast p = q."""

    def expected(rule, f):
        return q * rule([f], [1])[0] + (1 - q) * rule([f], [0])[0]

    for rule in (brier_scores, log_scores):
        assert expected(rule, q) <= expected(rule, p) + 1e-12


@settings(max_examples=15, deadline=None)
@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(0.5, 2.0))
def test_crps_is_proper_for_normal_truth(mu_true, mu_fc, sd):
    """Expected CRPS under N(mu_true, sd) is lowest for the true forecast (quadrature)."""
    ys = np.linspace(mu_true - 6 * sd, mu_true + 6 * sd, 121)
    w = np.exp(-0.5 * ((ys - mu_true) / sd) ** 2)
    w /= w.sum()

    def expected(mu):
        return sum(wi * crps_normal(mu, sd, y) for wi, y in zip(w, ys, strict=True))

    assert expected(mu_true) <= expected(mu_fc) + 1e-9


@given(st.lists(st.tuples(st.floats(-5, 15), prob), min_size=1, max_size=8))
def test_time_average_lies_between_the_scores(items):
    times, scores = zip(*items, strict=True)
    if min(times) > 10:
        return
    avg = time_average(times, scores, 0.0, 10.0)
    assert min(scores) - 1e-12 <= avg <= max(scores) + 1e-12
