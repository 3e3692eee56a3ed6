"""The audit's fast fits: the same model as the NUTS fits, with sign constraints."""

from __future__ import annotations

import numpy as np
import pytest

from casusbelli.cross.laplace import fit_fast
from casusbelli.errors import AnalysisError


def _data(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.choice([0.0, 0.33, 0.67, 1.0], size=(n, 2))
    eta = -0.5 + 3.0 * x[:, 0] - 3.0 * x[:, 1]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    x[rng.uniform(size=x.shape) < 0.15] = np.nan
    return x, y


def test_sign_constraint_gives_no_credit_to_an_indicator_that_works_against_the_theory():
    x, y = _data()
    free = fit_fast(x, y, indicators=["up", "down"], name="t", expect=[1, 1],
                    rng=np.random.default_rng(1))
    con = fit_fast(x, y, indicators=["up", "down"], name="t", signs=[1, 1],
                   rng=np.random.default_rng(1))
    assert free.fit.coefficients[1].mean < -1.0  # the data say 'down' lowers the odds
    assert free.sign_probability[1] < 0.05
    assert 0.0 <= con.fit.coefficients[1].mean < 0.5  # constrained: shrunk to 0, never negative
    assert con.fit.elpd_loo < free.fit.elpd_loo  # the theory pays for its wrong prediction


def test_fit_reports_pointwise_elpd_that_sums_to_the_total_and_reliable_weights():
    x, y = _data()
    f = fit_fast(x, y, indicators=["up", "down"], name="t", rng=np.random.default_rng(2))
    assert sum(f.fit.elpd_pointwise) == pytest.approx(f.fit.elpd_loo)
    assert len(f.fit.pareto_k) == y.size and f.is_khat < 0.7
    assert 0 <= f.fit.brier_loo <= 1 and f.fit.min_ess > 100


def test_bad_signs_are_refused_by_name():
    x, y = _data()
    with pytest.raises(AnalysisError, match="signs must be one of -1, 0, \\+1"):
        fit_fast(x, y, indicators=["up", "down"], name="t", signs=[2, 0])


@pytest.mark.slow
def test_fast_fit_agrees_with_nuts_within_monte_carlo_error():
    from casusbelli.cross.models import ModelSettings, fit_logistic

    x, y = _data(50, seed=4)
    nuts, _ = fit_logistic(x, y, indicators=["up", "down"], name="t",
                           settings=ModelSettings(draws=500, tune=500, chains=2))
    fast = fit_fast(x, y, indicators=["up", "down"], name="t", rng=np.random.default_rng(0))
    assert fast.fit.elpd_loo == pytest.approx(nuts.elpd_loo, abs=0.6)
    for a, b in zip(fast.fit.coefficients, nuts.coefficients, strict=True):
        assert a.mean == pytest.approx(b.mean, abs=0.35 * max(1.0, abs(b.mean)))
