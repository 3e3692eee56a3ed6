"""Per-theory Bayesian models: effect recovery, weights, unknown codings modelled, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.cross import models as m
from casusbelli.cross.models import (
    BASE_RATE,
    Comparison,
    ModelSettings,
    brier_score,
    compare_models,
    fit_logistic,
    missing_prior,
)
from casusbelli.errors import AnalysisError

#: samples PyMC models: CASUS_ALL_TESTS=1 runs it (CI does)
pytestmark = pytest.mark.slow

FAST = ModelSettings(draws=250, tune=300, chains=2, imputation_draws=32)


def _synthetic(n: int = 150, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``good`` drives the outcome (log-odds -2 + 4 x), ``noise`` does not."""
    rng = np.random.default_rng(seed)
    good = rng.uniform(size=(n, 2))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(-2 + 4 * good[:, 0])))).astype(int)
    noise = rng.uniform(size=(n, 2))
    good[rng.uniform(size=n) < 0.25, 1] = np.nan  # unknown codings in the irrelevant column
    return good, noise, y


@pytest.fixture(scope="module")
def synthetic_comparison() -> Comparison:
    good, noise, y = _synthetic()
    return compare_models(
        {"good": good, "noise": noise}, y,
        indicators={"good": ["driver", "patchy"], "noise": ["c", "d"]},
        settings=FAST, rng=np.random.default_rng(1),
    )


def test_model_recovers_known_effect(synthetic_comparison: Comparison) -> None:
    coef = {c.indicator: c for c in synthetic_comparison.model("good").coefficients}
    # the generating log-odds slope is 4 per unit membership
    assert coef["driver"].low < 4 < coef["driver"].high
    assert coef["driver"].low > 1
    assert coef["patchy"].low < 0 < coef["patchy"].high


def test_true_theory_beats_noise_and_base_rate(synthetic_comparison: Comparison) -> None:
    good = synthetic_comparison.model("good")
    noise = synthetic_comparison.model("noise")
    base = synthetic_comparison.model(BASE_RATE)
    assert good.elpd_loo > noise.elpd_loo
    assert good.elpd_loo > base.elpd_loo
    assert good.brier_loo < base.brier_loo
    assert synthetic_comparison.weights["good"] > 0.8
    assert synthetic_comparison.rank["good"] == 0


def test_weights_sum_to_one(synthetic_comparison: Comparison) -> None:
    assert sum(synthetic_comparison.weights.values()) == pytest.approx(1.0)
    assert set(synthetic_comparison.weights) == {"good", "noise"}
    assert sum(synthetic_comparison.weights_with_base.values()) == pytest.approx(1.0)
    assert BASE_RATE in synthetic_comparison.weights_with_base
    assert all(0 <= w <= 1 for w in synthetic_comparison.weights.values())


def test_loo_outputs_have_one_value_per_case(synthetic_comparison: Comparison) -> None:
    for fit in synthetic_comparison.models:
        assert len(fit.pareto_k) == len(fit.loo_probability) == 150
        assert all(0 < p < 1 for p in fit.loo_probability)
        assert 0 <= fit.brier_loo <= 1
        assert fit.se > 0
        assert fit.max_rhat < 1.05


def test_unknown_codings_are_counted_and_modelled(synthetic_comparison: Comparison) -> None:
    good = synthetic_comparison.model("good")
    coef = {c.indicator: c for c in good.coefficients}
    assert coef["patchy"].unknown > 0 and coef["driver"].unknown == 0
    assert good.unknown == coef["patchy"].unknown


def test_unknown_values_are_drawn_from_a_prior_not_filled() -> None:
    x = np.array([[0.1, 0.2], [0.9, np.nan], [0.5, 0.8], [0.7, 0.4], [0.3, np.nan]])
    y = np.array([0, 1, 1, 0, 1])
    d = m._design(x, y, ["a", "b"], ModelSettings(imputation_draws=64),
                  np.random.default_rng(0), "t")
    # the two incomplete cases carry 64 different values for the unknown column ...
    assert d.z_missing.shape == (2, 64, 2)
    unknown = d.z_missing[:, :, 1] * d.scale[1] + np.nanmean(x[:, 1])
    assert np.all(np.ptp(unknown, axis=1) > 0.5)
    assert np.all((unknown >= 0) & (unknown <= 1))
    # ... and the known column is the same in every draw
    assert np.all(np.ptp(d.z_missing[:, :, 0], axis=1) == 0)
    # no value is a constant fill (0.5 or the column mean)
    assert not np.any(np.isclose(unknown, 0.5).all(axis=1))


def test_a_fit_with_every_case_complete_equals_a_fit_without_imputation_draws() -> None:
    x = np.array([[0.1], [0.9], [0.5], [0.7], [0.3], [0.6]])
    y = np.array([0, 1, 1, 0, 0, 1])
    d = m._design(x, y, ["a"], ModelSettings(), np.random.default_rng(0), "t")
    assert d.z_missing.shape[0] == 0 and d.z_complete.shape == (6, 1)


def test_fit_is_reproducible_with_the_same_seed() -> None:
    y = np.array([0, 1, 1, 0, 1, 1, 0, 1, 1, 1])
    x = np.zeros((10, 0))
    s = ModelSettings(draws=100, tune=100, chains=2)
    a, _ = fit_logistic(x, y, indicators=[], name=BASE_RATE, settings=s,
                        rng=np.random.default_rng(3))
    b, _ = fit_logistic(x, y, indicators=[], name=BASE_RATE, settings=s,
                        rng=np.random.default_rng(3))
    assert a.elpd_loo == b.elpd_loo and a.loo_probability == b.loo_probability


def test_comparison_round_trips_through_json(synthetic_comparison: Comparison) -> None:
    import json

    doc = json.loads(json.dumps(synthetic_comparison.to_dict()))
    back = Comparison.from_dict(doc, cached=True)
    assert back.cached
    assert back.to_dict() | {"cached": False} == synthetic_comparison.to_dict()


def test_progress_is_reported_per_model() -> None:
    calls: list[tuple[int, int | None, str]] = []
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(12, 1))
    y = np.array([0, 1] * 6)
    compare_models({"t": x}, y, indicators={"t": ["a"]},
                   settings=ModelSettings(draws=100, tune=100),
                   progress=lambda a, t, label: calls.append((a, t, label)))
    assert sum(a for a, _, _ in calls) == 2
    assert {t for _, t, _ in calls} == {2}


# --------------------------------------------------------------------------- bad input
def _y() -> np.ndarray:
    return np.array([0, 1, 0, 1, 1, 0])


def test_theory_with_no_indicators_is_an_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="theory 'empty' has no indicators") as info:
        compare_models({"empty": np.zeros((6, 0))}, _y(), indicators={"empty": []})
    assert info.value.field == "empty"


def test_indicator_unknown_everywhere_is_an_analysis_error() -> None:
    x = np.column_stack([np.linspace(0, 1, 6), np.full(6, np.nan)])
    with pytest.raises(AnalysisError, match="indicator 'ghost' is unknown in every case") as info:
        compare_models({"t": x}, _y(), indicators={"t": ["real", "ghost"]})
    assert info.value.field == "t.ghost"


def test_constant_indicator_is_an_analysis_error() -> None:
    x = np.full((6, 1), 0.67)
    with pytest.raises(AnalysisError, match="same value .0.67. in every coded case"):
        compare_models({"t": x}, _y(), indicators={"t": ["flat"]})


def test_values_outside_unit_interval_are_an_analysis_error() -> None:
    x = np.linspace(0, 2, 6)[:, None]
    with pytest.raises(AnalysisError, match="outside"):
        compare_models({"t": x}, _y(), indicators={"t": ["big"]})


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.array([1, 1, 1, 1]), "is 1 in every case"),
        (np.array([0, 1, 0.5, 1]), "must be crisp"),
        (np.array([0, 1, np.nan, 1]), "unknown for some cases"),
        (np.array([]), "non-empty"),
    ],
)
def test_bad_outcome_is_an_analysis_error(y: np.ndarray, message: str) -> None:
    x = np.linspace(0, 1, max(len(y), 1))[: len(y), None]
    with pytest.raises(AnalysisError, match=message):
        compare_models({"t": x}, y, indicators={"t": ["a"]})


def test_shape_mismatch_and_reserved_name_are_analysis_errors() -> None:
    with pytest.raises(AnalysisError, match="matrix shape"):
        compare_models({"t": np.zeros((3, 1))}, _y(), indicators={"t": ["a"]})
    with pytest.raises(AnalysisError, match="reserved"):
        compare_models({BASE_RATE: np.zeros((6, 1))}, _y(), indicators={BASE_RATE: ["a"]})
    with pytest.raises(AnalysisError, match="no theory"):
        compare_models({}, _y(), indicators={})


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(AnalysisError, match="unknown missing_prior 'mean'") as info:
        ModelSettings(missing_prior="mean")
    assert info.value.field == "missing_prior"
    with pytest.raises(AnalysisError, match="at least 100"):
        ModelSettings(draws=10, chains=2)


# --------------------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 1)), min_size=1, max_size=50))
def test_brier_score_lies_in_unit_interval(pairs: list[tuple[float, int]]) -> None:
    p, o = zip(*pairs, strict=True)
    assert 0.0 <= brier_score(p, o) <= 1.0


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 0.99))
def test_brier_score_is_proper(q: float) -> None:
    """Expected score under outcome probability q is minimised by forecasting q."""
    def expected(p: float) -> float:
        return q * (p - 1) ** 2 + (1 - q) * p**2

    grid = np.linspace(0, 1, 101)
    best = grid[np.argmin([expected(p) for p in grid])]
    assert abs(best - q) <= 0.01


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=3, max_size=40))
def test_missing_prior_matches_moments_or_falls_back_to_uniform(values: list[float]) -> None:
    a, b = missing_prior(np.array(values))
    assert a > 0 and b > 0
    v = np.array(values)
    if (a, b) != (1.0, 1.0):
        assert a / (a + b) == pytest.approx(v.mean(), rel=1e-9, abs=1e-12)
        var = a * b / ((a + b) ** 2 * (a + b + 1))
        assert var == pytest.approx(v.var(ddof=1), rel=1e-6, abs=1e-12)


def test_missing_prior_with_few_values_is_uniform() -> None:
    assert missing_prior(np.array([0.2, np.nan, 0.9])) == (1.0, 1.0)
    assert missing_prior(np.array([0.2, 0.4, 0.9, 0.1]), "uniform") == (1.0, 1.0)
