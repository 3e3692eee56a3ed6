r"""Per-theory Bayesian logistic regressions, scored out of sample and weighted by stacking.

For every theory :math:`T` with indicators :math:`x_{i1}, \dots, x_{ik}` (fuzzy memberships in
[0, 1]) and the binary outcome :math:`y_i` (intervention or not) of case :math:`i`:

.. math::

    y_i \mid \alpha, \beta \sim \mathrm{Bernoulli}\big(\operatorname{logit}^{-1}(\eta_i)\big),
    \qquad \eta_i = \alpha + \sum_{j=1}^{k} \beta_j z_{ij},
    \qquad z_{ij} = \frac{x_{ij} - \bar x_j}{2 s_j},

    \alpha \sim \mathcal N(0, 2.5^2), \qquad \beta_j \sim \mathcal N(0, 2.5^2),

where :math:`\bar x_j, s_j` are the mean and standard deviation of the *coded* values of
indicator :math:`j`. Scaling inputs to mean 0 and standard deviation 0.5 and giving the
coefficients a prior of scale 2.5 follows Gelman, Jakulin, Pittau & Su (2008), who recommend a
Cauchy(0, 2.5); we use a normal of the same scale, whose lighter tails shrink harder under
(quasi-)separation, which 36 cases and 5-6 indicators make likely. The intercept gets the same
normal prior (Gelman et al. use a Cauchy(0, 10) there). A *base-rate* model (intercept only)
is the floor every theory must beat.

**Unknown codings** (``None`` in a workspace, ``NaN`` in the arrays given here) are modelled,
never filled with a constant: an unknown :math:`x_{ij}` is a latent variable with a prior
:math:`x_{ij} \sim \mathrm{Beta}(a_j, b_j)` (moments of indicator :math:`j`'s coded values, or
Beta(1, 1) = Uniform(0, 1) when fewer than three values are coded or the moments are not
those of a Beta), independent of the outcome *a priori*. The latent values are integrated out
of the likelihood by :math:`M` stratified draws :math:`x_i^{(1)}, \dots, x_i^{(M)}` from that
prior (common random numbers, fixed by ``rng``):

.. math::

    p(y_i \mid \alpha, \beta) = \int p(y_i \mid \alpha, \beta, x_i)\, p(x_i^{\mathrm{miss}})\,
    \mathrm d x_i^{\mathrm{miss}}
    \approx \frac{1}{M} \sum_{m=1}^{M} p\big(y_i \mid \alpha, \beta, x_i^{(m)}\big).

The posterior of :math:`(\alpha, \beta)` is that of the model with one latent variable per
unknown coding (up to Monte Carlo error), but sampling stays in :math:`k + 1` dimensions and
the pointwise log likelihood used by PSIS-LOO is the *marginal* one, so a case with unknown
codings is predicted as a new case with the same unknowns would be. The model assumes that a
value is unknown independently of what it is and of the outcome (missing completely at
random): whether a coder found a source is not evidence for any theory.

**Scores.** Posterior draws :math:`\theta^{(s)}` from NUTS (PyMC); PSIS-LOO (Vehtari, Gelman &
Gabry 2017; Vehtari et al. 2024) gives the expected log pointwise predictive density

.. math::

    \widehat{\mathrm{elpd}}_{\mathrm{loo}} = \sum_{i=1}^{n} \log
    \frac{\sum_s w_i^{(s)} p(y_i \mid \theta^{(s)})}{\sum_s w_i^{(s)}}, \qquad
    w_i^{(s)} \propto \frac{1}{p(y_i \mid \theta^{(s)})}\ \text{(Pareto smoothed)},

its standard error :math:`\sqrt{n \operatorname{Var}_i(\widehat{\mathrm{elpd}}_i)}`, and the
Pareto :math:`\hat k` of every case (:math:`\hat k` above the threshold flags a case whose
leave-one-out estimate is unreliable). The same weights give each case's leave-one-out
probability of intervention :math:`\tilde p_i = \sum_s w_i^{(s)} \pi_i^{(s)} / \sum_s
w_i^{(s)}` and so the leave-one-case-out Brier score (Brier 1950)

.. math:: BS = \frac{1}{n} \sum_{i=1}^{n} (\tilde p_i - y_i)^2 .

Theory weights are stacking weights (Yao, Vehtari, Simpson & Gelman 2018): the
:math:`w \in \Delta^K` maximising :math:`\sum_i \log \sum_k w_k\, p(y_i \mid y_{-i}, M_k)`,
computed by :func:`arviz.compare` with ``method="stacking"``, once over the theories alone
(the weights other engines use) and once with the base-rate model included.

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. *Monthly
Weather Review* 78(1), 1-3.
Gelman, A., Jakulin, A., Pittau, M. G. & Su, Y.-S. (2008). A weakly informative default prior
distribution for logistic and other regression models. *Annals of Applied Statistics* 2(4),
1360-1383. doi:10.1214/08-AOAS191.
Vehtari, A., Gelman, A. & Gabry, J. (2017). Practical Bayesian model evaluation using
leave-one-out cross-validation and WAIC. *Statistics and Computing* 27(5), 1413-1432.
Vehtari, A., Simpson, D., Gelman, A., Yao, Y. & Gabry, J. (2024). Pareto smoothed importance
sampling. *Journal of Machine Learning Research* 25(72), 1-58.
Yao, Y., Vehtari, A., Simpson, D. & Gelman, A. (2018). Using stacking to average Bayesian
predictive distributions. *Bayesian Analysis* 13(3), 917-1007.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from casusbelli.cross.model_design import (  # noqa: F401  (_log_likelihood_grad: cross/laplace.py)
    _Design,
    _design,
    _log_likelihood_grad,
    _pointwise,
    missing_prior,
)
from casusbelli.cross.model_types import (
    BASE_RATE,
    MODEL_VERSION,
    Coefficient,
    Comparison,
    ModelFit,
    ModelSettings,
    Progress,
)
from casusbelli.errors import AnalysisError
from casusbelli.forecast.scoring import brier_score

__all__ = [
    "BASE_RATE",
    "Coefficient",
    "Comparison",
    "MODEL_VERSION",
    "ModelFit",
    "ModelSettings",
    "brier_score",
    "compare_models",
    "fit_logistic",
    "missing_prior",
]


@contextmanager
def _quiet() -> Iterator[None]:
    loggers = [logging.getLogger(n) for n in ("pymc", "pytensor", "arviz")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, lv in zip(loggers, levels, strict=True):
            lg.setLevel(lv)


def _sample(
    d: _Design, k: int, settings: ModelSettings, seed: int
) -> tuple[np.ndarray, np.ndarray, Any]:
    """NUTS draws of (alpha, beta) for the marginal model; returns (S,), (S, k), sample stats."""
    import pymc as pm
    import pytensor.tensor as pt

    with _quiet(), pm.Model() as model:
        alpha = pm.Normal("alpha", 0.0, settings.intercept_scale)
        beta = pm.Normal("beta", 0.0, settings.coef_scale, shape=(k,)) if k else None
        total = pt.constant(0.0)
        if d.y_complete.size:
            eta = alpha + (pt.dot(d.z_complete, beta) if k else 0.0)
            sign = np.where(d.y_complete == 1, 1.0, -1.0)
            total = total + (-pm.math.log1pexp(-sign * eta)).sum()
        if d.y_missing.size:
            nm, m_draws, _ = d.z_missing.shape
            flat = d.z_missing.reshape(nm * m_draws, k)
            eta = (alpha + pt.dot(flat, beta)).reshape((nm, m_draws))
            sign = np.where(d.y_missing == 1, 1.0, -1.0)[:, None]
            # p(y_i | theta) = mean_m inv_logit(sign_i * eta_im); no underflow for |eta| < 700
            total = total + pt.log(pm.math.sigmoid(sign * eta).mean(axis=1)).sum()
        pm.Potential("likelihood", total)
        idata = pm.sample(
            draws=settings.draws, tune=settings.tune, chains=settings.chains, cores=1,
            random_seed=seed, progressbar=False, compute_convergence_checks=False,
            model=model,
        )
    post = idata.posterior
    a = post["alpha"].values.reshape(-1)
    b = post["beta"].values.reshape(a.size, k) if k else np.zeros((a.size, 0))
    return a, b, idata


def _diagnostics(idata: Any) -> tuple[float, float, int]:
    import arviz as az

    with _quiet():
        summ = az.summary(idata, kind="diagnostics")
    rhat = float(np.nanmax(summ["r_hat"].to_numpy())) if "r_hat" in summ else float("nan")
    ess = float(np.nanmin(summ["ess_bulk"].to_numpy())) if "ess_bulk" in summ else float("nan")
    stats = idata.sample_stats
    div = int(stats["diverging"].values.sum()) if "diverging" in stats else 0
    return rhat, ess, div


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    indicators: Sequence[str],
    name: str,
    settings: ModelSettings | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[ModelFit, Any]:
    r"""Fit one Bayesian logistic regression and score it by PSIS-LOO (see the module notes).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n, k)`` memberships in [0, 1]; ``NaN`` marks an unknown coding (modelled as a
        latent Beta variable and integrated out). ``k = 0`` gives the base-rate model.
    y : numpy.ndarray
        ``(n,)`` outcomes in {0, 1}.
    indicators, name
        Column names and the model's name (used in messages and results).
    settings, rng
        Sampling settings and the random generator (default: ``settings.seed``).

    Returns
    -------
    (ModelFit, arviz.InferenceData)
        Scores, and the draws with a ``log_likelihood`` group for :func:`arviz.compare`.
    """
    import arviz as az

    settings = settings or ModelSettings()
    rng = rng if rng is not None else np.random.default_rng(settings.seed)
    x = np.asarray(x, dtype=float)
    y = _check_outcome(y)
    if x.ndim != 2 or x.shape[0] != y.size or x.shape[1] != len(indicators):
        raise AnalysisError(
            f"model {name!r}: predictors have shape {x.shape}, "
            f"expected ({y.size}, {len(indicators)})"
        )
    d = _design(x, y, indicators, settings, rng, name)
    seed = int(rng.integers(2**31 - 1))
    alpha, beta, idata = _sample(d, len(indicators), settings, seed)
    ll, prob = _pointwise(alpha, beta, d)
    chains, draws = settings.chains, alpha.size // settings.chains
    ll3 = ll.reshape(chains, draws, -1)
    scored = az.from_dict(
        posterior={"alpha": alpha.reshape(chains, draws)},
        log_likelihood={"y": ll3},
    )
    with _quiet():
        loo = az.loo(scored, pointwise=True)
        log_w, _ = az.psislw(-ll3.copy())
    w = np.exp(np.asarray(log_w).reshape(-1, ll.shape[1]))  # normalised per case
    p_loo = (w * prob).sum(axis=0) / w.sum(axis=0)
    rhat, ess, div = _diagnostics(idata)
    coefs = []
    for j, ind in enumerate(indicators):
        b = beta[:, j] / d.scale[j]
        lo, hi = np.quantile(b, [0.05, 0.95])
        coefs.append(Coefficient(ind, float(b.mean()), float(b.std(ddof=1)), float(lo),
                                 float(hi), int(d.unknown[j])))
    fit = ModelFit(
        name=name,
        indicators=tuple(indicators),
        elpd_loo=float(loo.elpd_loo),
        se=float(loo.se),
        p_loo=float(loo.p_loo),
        pareto_k=tuple(float(k) for k in np.asarray(loo.pareto_k)),
        k_threshold=float(getattr(loo, "good_k", 0.7)),
        loo_probability=tuple(float(p) for p in p_loo),
        brier_loo=brier_score(p_loo, y),
        coefficients=tuple(coefs),
        unknown=int(d.unknown.sum()),
        max_rhat=rhat,
        min_ess=ess,
        divergences=div,
        elpd_pointwise=tuple(float(v) for v in np.asarray(loo.loo_i)),
    )
    return fit, scored


def _check_outcome(y: Any) -> np.ndarray:
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise AnalysisError("the outcome must be a non-empty vector of 0/1 values")
    if np.isnan(arr).any():
        raise AnalysisError("the outcome is unknown for some cases; drop them before fitting")
    if not np.isin(arr, (0.0, 1.0)).all():
        raise AnalysisError("the outcome must be crisp: every value 0 or 1")
    if arr.min() == arr.max():
        raise AnalysisError(
            f"the outcome is {int(arr[0])} in every case; models need positive and negative cases"
        )
    return arr.astype(int)


def _stacking(scored: Mapping[str, Any], seed: int) -> tuple[dict[str, float], Any]:
    import arviz as az

    with _quiet():
        table = az.compare(dict(scored), ic="loo", method="stacking", seed=seed)
    w = {str(k): float(v) for k, v in table["weight"].items()}
    total = sum(w.values())
    return {k: w[k] / total for k in scored}, table


def _check_theories(data: Mapping[str, Any], indicators: Mapping[str, Sequence[str]],
                    yy: np.ndarray, cases: Sequence[str] | None) -> tuple[str, ...]:
    """Check each theory's matrix against its indicators and the outcome; the case ids."""
    if not data:
        raise AnalysisError("no theory to compare")
    if BASE_RATE in data:
        raise AnalysisError(f"{BASE_RATE!r} is reserved for the intercept-only model")
    for tid, x in data.items():
        names = list(indicators.get(tid, ()))
        if not names:
            raise AnalysisError(f"theory {tid!r} has no indicators; it cannot be modelled",
                                field=tid, hint="give the theory at least one indicator")
        if np.asarray(x).shape != (yy.size, len(names)):
            raise AnalysisError(
                f"theory {tid!r}: matrix shape {np.asarray(x).shape}, expected "
                f"({yy.size}, {len(names)})", field=tid)
    case_ids = tuple(cases) if cases is not None else tuple(f"case-{i}" for i in range(yy.size))
    if len(case_ids) != yy.size:
        raise AnalysisError(f"{len(case_ids)} case ids for {yy.size} outcomes")
    return case_ids


def _fit_notes(fits: Iterable[ModelFit], case_ids: tuple[str, ...]) -> list[str]:
    """Notes on unreliable PSIS-LOO cases and sampling diagnostics of each fit."""
    notes = []
    for f in fits:
        if f.high_k:
            bad = [case_ids[i] for i, k in enumerate(f.pareto_k) if k > f.k_threshold]
            notes.append(
                f"{f.name}: Pareto k above {f.k_threshold:.2f} for {', '.join(bad)} "
                "(PSIS-LOO unreliable for these cases)")
        if f.max_rhat > 1.05 or f.divergences:
            notes.append(f"{f.name}: sampling diagnostics r_hat={f.max_rhat:.3f}, "
                         f"divergences={f.divergences}")
    return notes


def compare_models(
    data: Mapping[str, np.ndarray],
    y: np.ndarray,
    *,
    indicators: Mapping[str, Sequence[str]],
    cases: Sequence[str] | None = None,
    settings: ModelSettings | None = None,
    rng: np.random.Generator | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Fit every theory's model and the base-rate model, then stack them.

    Parameters
    ----------
    data : mapping of str to numpy.ndarray
        Per theory id, its ``(n, k)`` indicator matrix (``NaN`` = unknown).
    y : numpy.ndarray
        ``(n,)`` outcomes in {0, 1}, the same cases in the same order for every theory.
    indicators : mapping of str to sequence of str
        Per theory id, the names of its matrix's columns.
    cases : sequence of str, optional
        Case ids (default ``case-0``, ``case-1``, ...).
    settings, rng, progress
        Sampling settings, the random generator, and a callback ``(advance, total, label)``
        called once per model.

    Returns
    -------
    Comparison
        Every model's scores; stacking weights over the theories (summing to 1) and over the
        theories plus the base-rate model.

    Raises
    ------
    AnalysisError
        No theory, a theory with no indicators, an indicator unknown or constant in every
        case, an outcome that is not 0/1 or is the same everywhere.
    """
    settings = settings or ModelSettings()
    rng = rng if rng is not None else np.random.default_rng(settings.seed)
    yy = _check_outcome(y)
    case_ids = _check_theories(data, indicators, yy, cases)
    total = len(data) + 1
    fits: dict[str, ModelFit] = {}
    scored: dict[str, Any] = {}
    names_in_order = [*data, BASE_RATE]
    for name in names_in_order:
        if progress:
            progress(0, total, f"sampling {name}")
        if name == BASE_RATE:
            x = np.zeros((yy.size, 0))
            inds: Sequence[str] = ()
        else:
            x = np.asarray(data[name], dtype=float)
            inds = list(indicators[name])
        fits[name], scored[name] = fit_logistic(
            x, yy, indicators=inds, name=name, settings=settings, rng=rng)
        if progress:
            progress(1, total, f"{name} done")
    seed = int(rng.integers(2**31 - 1))
    theory_scored = {k: v for k, v in scored.items() if k != BASE_RATE}
    if len(theory_scored) > 1:
        weights, _ = _stacking(theory_scored, seed)
    else:
        weights = {k: 1.0 for k in theory_scored}
    weights_all, table = _stacking(scored, seed)
    notes = _fit_notes(fits.values(), case_ids)
    return Comparison(
        cases=case_ids,
        outcome=tuple(int(v) for v in yy),
        models=tuple(fits[n] for n in names_in_order),
        weights=weights,
        weights_with_base=weights_all,
        rank={str(k): int(v) for k, v in table["rank"].items()},
        elpd_diff={str(k): float(v) for k, v in table["elpd_diff"].items()},
        dse={str(k): float(v) for k, v in table["dse"].items()},
        settings=settings.to_dict(),
        notes=tuple(notes),
    )
