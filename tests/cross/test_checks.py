"""The audit's pure checks: AUC, paired elpd differences, stacking, bootstrap, noise."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.cross.checks import (
    elpd_difference,
    noise_like,
    percentile_of,
    separation,
    stacking_weights,
    weight_intervals,
)
from casusbelli.errors import AnalysisError


def _auc_brute(x: np.ndarray, y: np.ndarray) -> float:
    pos = [a for a, b in zip(x, y, strict=True) if b == 1 and not np.isnan(a)]
    neg = [a for a, b in zip(x, y, strict=True) if b == 0 and not np.isnan(a)]
    score = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p, q in itertools.product(pos, neg))
    return score / (len(pos) * len(neg))


@given(st.lists(st.tuples(st.sampled_from([0.0, 0.33, 0.67, 1.0, np.nan]),
                          st.integers(0, 1)), min_size=4, max_size=30))
@settings(max_examples=60, deadline=None)
def test_auc_equals_the_pairwise_definition(rows):
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    sep = separation(x, y)
    known = ~np.isnan(x)
    if not ((y[known] == 1).any() and (y[known] == 0).any()):
        assert sep.auc is None and not sep.near_perfect
        return
    assert sep.auc == pytest.approx(_auc_brute(x, y))
    assert 0.5 <= sep.separation <= 1.0


def test_a_copy_of_the_outcome_separates_perfectly_and_noise_does_not():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 40)
    assert separation(y.astype(float), y).near_perfect
    assert separation(1.0 - y, y).near_perfect  # direction-free
    assert not separation(rng.uniform(size=40), y).near_perfect


def test_elpd_difference_is_paired():
    a = np.array([-0.25, -0.5, -0.75, -1.0])
    b = a - 0.25  # a is better by 0.25 in every case: no variance in the difference
    d = elpd_difference(a, b)
    assert d.diff == pytest.approx(1.0) and d.se == pytest.approx(0.0) and d.z == np.inf
    same = elpd_difference(a, a)
    assert same.diff == 0 and same.z == 0.0
    with pytest.raises(AnalysisError):
        elpd_difference(a, a[:2])


def test_stacking_puts_the_weight_on_the_model_that_predicts_every_case_better():
    rng = np.random.default_rng(1)
    good = np.log(rng.uniform(0.7, 0.9, 30))
    bad = np.log(rng.uniform(0.2, 0.4, 30))
    w = stacking_weights(np.column_stack([bad, good]))
    assert w.sum() == pytest.approx(1.0) and w[1] > 0.99


def test_stacking_mixes_models_that_are_good_on_different_cases():
    hi, lo = np.log(0.9), np.log(0.1)
    e = np.column_stack([[hi] * 10 + [lo] * 10, [lo] * 10 + [hi] * 10])
    w = stacking_weights(e)
    assert w == pytest.approx([0.5, 0.5], abs=1e-3)


def test_bootstrap_intervals_contain_the_point_weights_and_lie_in_0_1():
    rng = np.random.default_rng(5)
    e = np.column_stack([np.log(rng.uniform(0.3, 0.9, 25)) for _ in range(3)])
    w = stacking_weights(e)
    low, high, top = weight_intervals(e, np.random.default_rng(0), n_boot=100)
    assert np.all((0 <= low) & (low <= high) & (high <= 1))
    assert np.all(low - 1e-6 <= w) and np.all(w <= high + 1e-6)
    assert top.sum() == pytest.approx(1.0)


def test_noise_keeps_the_unknown_cells_and_each_columns_values():
    rng = np.random.default_rng(2)
    x = rng.choice([0.0, 0.33, 0.67, 1.0], size=(20, 3))
    x[rng.uniform(size=x.shape) < 0.3] = np.nan
    n = noise_like(x, rng)
    assert np.array_equal(np.isnan(n), np.isnan(x))
    for j in range(3):
        assert sorted(n[~np.isnan(n[:, j]), j]) == sorted(x[~np.isnan(x[:, j]), j])


def test_percentile_counts_ties_as_half():
    assert percentile_of(2.0, np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(0.375)
    with pytest.raises(AnalysisError):
        percentile_of(1.0, np.array([]))
