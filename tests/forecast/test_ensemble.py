"""The linear-pool ensemble and the spread between theories."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casusbelli.errors import ForecastError
from casusbelli.forecast.ensemble import (
    ensemble,
    equal_weights,
    mixture_moments,
    normalize_weights,
)


def test_binary_pool_hand_computed():
    e = ensemble("binary", {"a": 0.2, "b": 0.6, "c": 0.9}, {"a": 0.5, "b": 0.25, "c": 0.25})
    assert e.value == pytest.approx(0.1 + 0.15 + 0.225)
    s = e.spread["p"]
    assert (s.low, s.high) == (0.2, 0.9) and s.range == pytest.approx(0.7)
    mean = 0.475
    assert s.sd == pytest.approx(math.sqrt(0.5 * (0.2 - mean) ** 2 + 0.25 * (0.6 - mean) ** 2
                                           + 0.25 * (0.9 - mean) ** 2))


def test_weights_of_absent_theories_are_dropped_and_the_rest_renormalised():
    e = ensemble("binary", {"a": 0.2, "b": 0.6}, {"a": 0.2, "b": 0.2, "c": 0.6})
    assert e.value == pytest.approx(0.4) and e.weights == {"a": 0.5, "b": 0.5}


def test_multiple_choice_pool_per_option():
    e = ensemble("multiple_choice", {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 0.1, "y": 0.9}},
                 equal_weights(["a", "b"]))
    assert e.value == pytest.approx({"x": 0.3, "y": 0.7})
    assert e.spread["x"].range == pytest.approx(0.4)


def test_numeric_pool_is_a_mixture():
    e = ensemble("numeric", {"a": {"mean": 0.0, "sd": 1.0}, "b": {"mean": 10.0, "sd": 1.0}},
                 {"a": 0.5, "b": 0.5})
    mean, sd = mixture_moments(e.value["mixture"])
    assert mean == pytest.approx(5.0) and sd == pytest.approx(math.sqrt(26.0))
    assert e.spread["mean"].range == pytest.approx(10.0)


def test_bad_weights_and_kinds():
    with pytest.raises(ForecastError, match="no weight"):
        ensemble("binary", {"a": 0.5}, {"b": 1.0})
    with pytest.raises(ForecastError, match="sum to 0"):
        normalize_weights({"a": 0.0})
    with pytest.raises(ForecastError, match=">= 0"):
        normalize_weights({"a": -1.0, "b": 2.0})
    with pytest.raises(ForecastError, match="unknown question kind"):
        ensemble("ordinal", {"a": 0.5}, {"a": 1.0})


@given(st.dictionaries(st.sampled_from("abcde"), st.floats(0, 1), min_size=1),
       st.dictionaries(st.sampled_from("abcde"), st.floats(0.01, 10), min_size=5))
def test_pool_lies_within_the_spread(values, weights):
    weights = {t: weights.get(t, 1.0) for t in "abcde"}
    e = ensemble("binary", values, weights)
    assert min(values.values()) - 1e-12 <= e.value <= max(values.values()) + 1e-12
    assert sum(e.weights.values()) == pytest.approx(1.0)
