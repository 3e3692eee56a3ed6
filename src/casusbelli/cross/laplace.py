r"""Fast fits of the per-theory logistic models: Laplace proposal + PSIS importance sampling.

The model is the one of :mod:`casusbelli.cross.models` (same design, same priors, same
integration of unknown codings), optionally with **direction constraints**: a coefficient
whose theory predicts a sign :math:`s_j \in \{+1, -1\}` is :math:`\beta_j = s_j b_j` with a
half-normal prior :math:`b_j \sim \mathcal N^+(0, \sigma^2)` (Gelman et al. 2008's scale
:math:`\sigma = 2.5` on inputs scaled to sd 0.5), so an indicator that works against its
theory can only shrink its coefficient to 0, never earn the theory credit. Sampled on
:math:`u_j = \log b_j` (with the Jacobian :math:`e^{u_j}`).

**Posterior.** The mode :math:`\hat\theta` of the log posterior and the Hessian :math:`H`
there give a multivariate Student-t proposal :math:`q = t_\nu(\hat\theta, c H^{-1})`
(:math:`\nu = 4`, :math:`c = 1.5`: heavier tails than the posterior, as importance sampling
needs). :math:`S` proposal draws get log weights :math:`\log p(\theta_s \mid y) - \log
q(\theta_s)`, Pareto smoothed (PSIS, Vehtari et al. 2024); the Pareto :math:`\hat k` of these
weights says whether the proposal covers the posterior (:math:`\hat k < 0.7`; Yao, Vehtari,
Simpson & Gelman 2018 use the same diagnostic for variational approximations). When it does
not, :func:`fit_fast` reports it in ``is_khat`` and the caller refits with NUTS.

**Leave-one-out.** With posterior weights :math:`w_s`, case :math:`i`'s leave-one-out
weights are :math:`w_s / p(y_i \mid \theta_s)`, Pareto smoothed again, so

.. math::

    \widehat{\mathrm{elpd}}_i = \log \frac{\sum_s \tilde w_{is}\, p(y_i \mid \theta_s)}
    {\sum_s \tilde w_{is}}, \qquad \tilde w_{is} \propto \mathrm{PSIS}\!\left(\frac{w_s}
    {p(y_i \mid \theta_s)}\right).

References
----------
Gelman, A., Jakulin, A., Pittau, M. G. & Su, Y.-S. (2008). A weakly informative default prior
distribution for logistic and other regression models. *Annals of Applied Statistics* 2(4),
1360-1383.
Vehtari, A., Simpson, D., Gelman, A., Yao, Y. & Gabry, J. (2024). Pareto smoothed importance
sampling. *Journal of Machine Learning Research* 25(72), 1-58.
Yao, Y., Vehtari, A., Simpson, D. & Gelman, A. (2018). Yes, but did it work?: Evaluating
variational inference. *Proceedings of the 35th International Conference on Machine
Learning* (PMLR 80).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from casusbelli.cross.models import (
    Coefficient,
    ModelFit,
    ModelSettings,
    _check_outcome,
    _Design,
    _design,
    _log_likelihood_grad,
    _pointwise,
    brier_score,
)
from casusbelli.errors import AnalysisError

__all__ = ["FastFit", "fit_fast", "psis"]

_DF = 4.0
_INFLATE = 1.5
#: Pareto k above which importance sampling (and a leave-one-out estimate) is unreliable.
K_THRESHOLD = 0.7


def psis(log_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pareto-smoothed, normalised log weights along the last axis, and the Pareto k of each row.

    Vehtari et al. (2024), algorithm 1, through :func:`arviz.psislw`.
    """
    import arviz as az

    lw = np.atleast_2d(np.asarray(log_weights, dtype=float))
    from casusbelli.cross.models import _quiet

    with _quiet():
        smoothed, k = az.psislw(lw.copy())
    return np.asarray(smoothed), np.atleast_1d(np.asarray(k, dtype=float))


@dataclass(frozen=True)
class FastFit:
    """A fit's weighted posterior draws, kept for checks that need more than the scores."""

    fit: ModelFit
    alpha: np.ndarray
    beta: np.ndarray  # (S, k) on the standardised scale
    log_weights: np.ndarray  # (S,), normalised
    is_khat: float
    sign_probability: tuple[float, ...]  # P(sign as predicted) per indicator (nan: free sign)


def _unpack(theta: np.ndarray, signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S, 1+k) parameters -> alpha (S,), beta (S, k)."""
    alpha = theta[:, 0]
    u = theta[:, 1:]
    free = signs == 0
    beta = np.where(free, u, signs * np.exp(np.clip(u, -50.0, 50.0)))
    return alpha, beta


def _log_prior(theta: np.ndarray, signs: np.ndarray, settings: ModelSettings) -> np.ndarray:
    alpha = theta[:, 0]
    u = theta[:, 1:]
    lp = -0.5 * (alpha / settings.intercept_scale) ** 2
    free = signs == 0
    sc = settings.coef_scale
    b = np.exp(np.clip(u, -50.0, 50.0))
    # half-normal on b = exp(u), with the Jacobian e^u; the normal on a free coefficient
    lp_con = -0.5 * (b / sc) ** 2 + u
    lp_free = -0.5 * (u / sc) ** 2
    return np.asarray(lp + np.where(free, lp_free, lp_con).sum(axis=1))


def _log_post(theta: np.ndarray, d: _Design, signs: np.ndarray,
              settings: ModelSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    alpha, beta = _unpack(theta, signs)
    ll, prob = _pointwise(alpha, beta, d)
    return ll.sum(axis=1) + _log_prior(theta, signs, settings), ll, prob


def _mode(d: _Design, signs: np.ndarray, settings: ModelSettings) -> tuple[np.ndarray, np.ndarray]:
    from scipy.optimize import minimize

    dim = 1 + signs.size
    free = signs == 0
    sc = settings.coef_scale

    def neg(t: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = _unpack(t[None, :], signs)
        ll, g = _log_likelihood_grad(float(alpha[0]), beta[0], d)
        u = t[1:]
        b = np.exp(np.clip(u, -50.0, 50.0))
        lp = -0.5 * (t[0] / settings.intercept_scale) ** 2 + float(
            np.where(free, -0.5 * (u / sc) ** 2, -0.5 * (b / sc) ** 2 + u).sum())
        grad = np.empty(dim)
        grad[0] = g[0] - t[0] / settings.intercept_scale**2
        # chain rule: beta = s * exp(u) for a constrained coefficient, so dbeta/du = beta
        grad[1:] = np.where(free, g[1:] - u / sc**2, g[1:] * beta[0] - (b / sc) ** 2 + 1.0)
        return -(ll + lp), -grad

    start = np.zeros(dim)
    start[1:] = np.where(free, 0.0, np.log(0.5))
    res = minimize(neg, start, jac=True, method="BFGS", options={"gtol": 1e-6, "maxiter": 500})
    mode = res.x
    # Hessian by central differences of the function (dim <= ~10)
    h = 1e-3
    eye = np.eye(dim) * h
    pts = [mode]
    for i in range(dim):
        for j in range(i, dim):
            pts += [mode + eye[i] + eye[j], mode + eye[i] - eye[j],
                    mode - eye[i] + eye[j], mode - eye[i] - eye[j]]
    vals = -_log_post(np.asarray(pts), d, signs, settings)[0]
    hess = np.empty((dim, dim))
    pos = 1
    for i in range(dim):
        for j in range(i, dim):
            a, b, c, e = vals[pos:pos + 4]
            hess[i, j] = hess[j, i] = (a - b - c + e) / (4 * h * h)
            pos += 4
    # make it positive definite (a flat direction gets the prior's curvature)
    w, v = np.linalg.eigh((hess + hess.T) / 2)
    w = np.maximum(w, 1.0 / settings.coef_scale**2)
    cov = (v / w) @ v.T
    return mode, cov


def _check_signs(signs: Sequence[int] | None, k: int, name: str) -> np.ndarray:
    """The per-indicator sign constraints as floats in {-1, 0, +1} (default: all free, 0)."""
    sg = np.zeros(k, dtype=float) if signs is None else np.asarray(signs, dtype=float)
    if sg.shape != (k,) or not np.isin(sg, (-1.0, 0.0, 1.0)).all():
        raise AnalysisError(f"model {name!r}: signs must be one of -1, 0, +1 per indicator",
                            field="signs")
    return sg


def _importance_sample(
    d: _Design, signs: np.ndarray, settings: ModelSettings, rng: np.random.Generator, draws: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    r"""Posterior draws by importance sampling from a Laplace (Student-t) proposal.

    The proposal is :math:`q = t_\nu(\hat\theta, c H^{-1})` around the posterior mode
    (:func:`_mode`); the log weights :math:`\log p(\theta_s \mid y) - \log q(\theta_s)` are
    Pareto smoothed (PSIS, Vehtari et al. 2024) and their Pareto :math:`\hat k` says whether
    the proposal covers the posterior (Yao, Vehtari, Simpson & Gelman 2018).

    Returns
    -------
    theta : (S, 1+k) draws; ``ll`` and ``prob`` (S, n) their pointwise log likelihood and
        probability; ``lw`` (S,) the smoothed, normalised log weights; ``is_khat`` their
        Pareto :math:`\hat k`.
    """
    from scipy import stats

    mode, cov = _mode(d, signs, settings)
    dim = mode.size
    q = stats.multivariate_t(loc=mode, shape=cov * _INFLATE, df=_DF, allow_singular=True)
    theta = np.atleast_2d(q.rvs(size=draws, random_state=rng)).reshape(draws, dim)
    lp, ll, prob = _log_post(theta, d, signs, settings)
    lw_raw = lp - q.logpdf(theta)
    lw_raw = np.where(np.isfinite(lw_raw), lw_raw, -np.inf)
    lw, k_is = psis(lw_raw[None, :])
    return theta, ll, prob, lw[0], float(k_is[0])


def _loo(
    lw: np.ndarray, ll: np.ndarray, prob: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""PSIS leave-one-out from importance-weighted draws.

    Case :math:`i`'s leave-one-out weights are :math:`w_s / p(y_i \mid \theta_s)`, Pareto
    smoothed per case (Vehtari et al. 2024), giving
    :math:`\widehat{\mathrm{elpd}}_i = \log \sum_s \tilde w_{is}\, p(y_i \mid \theta_s)`
    with :math:`\tilde w_{is}` normalised.

    Returns
    -------
    elpd_i : (n,) pointwise leave-one-out elpd; ``lppd_i`` (n,) the in-sample log predictive
        density; ``p_loo_case`` (n,) the leave-one-out probability of the event; ``k_loo``
        (n,) the Pareto :math:`\hat k` of each case's weights.
    """
    from scipy.special import logsumexp

    lw_loo, k_loo = psis(lw[None, :] - ll.T)
    lw_loo = lw_loo - logsumexp(lw_loo, axis=1, keepdims=True)
    elpd_i = logsumexp(lw_loo + ll.T, axis=1)
    lppd_i = logsumexp(lw[None, :] + ll.T, axis=1)
    p_loo_case = np.exp(logsumexp(lw_loo + np.log(np.clip(prob.T, 1e-300, None)), axis=1))
    return elpd_i, lppd_i, p_loo_case, k_loo


def _coefficients(
    beta: np.ndarray, w: np.ndarray, d: _Design, indicators: Sequence[str], expect: np.ndarray
) -> tuple[list[Coefficient], list[float]]:
    r"""Weighted posterior summaries of each coefficient on the input scale.

    Mean, sd and the 5 % and 95 % weighted quantiles of :math:`\beta_j` (divided back by the
    design's scale), and the posterior probability that it has the sign ``expect[j]``
    (``nan`` where ``expect[j]`` is 0).

    Parameters
    ----------
    beta : (S, k) draws on the standardised scale; ``w`` (S,) their normalised weights.
    """
    coefs = []
    sign_prob = []
    for j, ind in enumerate(indicators):
        b = beta[:, j] / d.scale[j]
        mean = float(np.sum(w * b))
        sd = float(np.sqrt(max(np.sum(w * (b - mean) ** 2), 0.0)))
        order = np.argsort(b)
        cw = np.cumsum(w[order])
        lo = float(b[order][np.searchsorted(cw, 0.05)])
        hi = float(b[order][min(np.searchsorted(cw, 0.95), b.size - 1)])
        coefs.append(Coefficient(ind, mean, sd, lo, hi, int(d.unknown[j])))
        sign_prob.append(float("nan") if expect[j] == 0 else float(np.sum(w * (expect[j] * b > 0))))
    return coefs, sign_prob


def fit_fast(
    x: np.ndarray,
    y: np.ndarray,
    *,
    indicators: Sequence[str],
    name: str,
    signs: Sequence[int] | None = None,
    settings: ModelSettings | None = None,
    rng: np.random.Generator | None = None,
    draws: int = 2000,
    shift: np.ndarray | None = None,
    expect: Sequence[int] | None = None,
) -> FastFit:
    """Fit one (optionally direction-constrained) logistic model and score it by PSIS-LOO.

    Parameters
    ----------
    x, y, indicators, name, settings, rng
        As :func:`casusbelli.cross.models.fit_logistic` (``NaN`` marks an unknown coding).
    signs : sequence of int, optional
        Per indicator, +1 or -1 (the sign the theory predicts; the coefficient is constrained
        to it) or 0 (free). Default: all free.
    draws
        Proposal draws :math:`S`.
    shift : numpy.ndarray, optional
        Per case, a shift added to its imputed unknown values (pattern-mixture sensitivity).
    expect : sequence of int, optional
        The signs the theory predicts, for ``sign_probability`` (default: ``signs``); pass
        them with ``signs=None`` to ask an unconstrained model whether the data agree.

    Returns
    -------
    FastFit
        ``fit`` has the same fields as a NUTS fit; ``max_rhat`` is ``nan`` (no chains) and
        ``min_ess`` is the importance-sampling effective sample size.
    """
    from scipy.special import logsumexp

    settings = settings or ModelSettings()
    rng = rng if rng is not None else np.random.default_rng(settings.seed)
    x = np.asarray(x, dtype=float)
    yy = _check_outcome(y)
    k = len(indicators)
    if x.ndim != 2 or x.shape != (yy.size, k):
        raise AnalysisError(f"model {name!r}: predictors have shape {x.shape}, "
                            f"expected ({yy.size}, {k})")
    sg = _check_signs(signs, k, name)
    d = _design(x, yy, indicators, settings, rng, name, shift)
    theta, ll, prob, lw, is_khat = _importance_sample(d, sg, settings, rng, draws)
    w = np.exp(lw - logsumexp(lw))
    elpd_i, lppd_i, p_loo_case, k_loo = _loo(lw, ll, prob)
    n = yy.size
    elpd = float(elpd_i.sum())
    ex = sg if expect is None else np.asarray(expect, dtype=float)
    alpha, beta = _unpack(theta, sg)
    coefs, sign_prob = _coefficients(beta, w, d, indicators, ex)
    fit = ModelFit(
        name=name,
        indicators=tuple(indicators),
        elpd_loo=elpd,
        se=float(np.sqrt(n * np.var(elpd_i))),
        p_loo=float(lppd_i.sum() - elpd),
        pareto_k=tuple(float(v) for v in k_loo),
        k_threshold=K_THRESHOLD,
        loo_probability=tuple(float(p) for p in p_loo_case),
        brier_loo=brier_score(p_loo_case, yy),
        coefficients=tuple(coefs),
        unknown=int(d.unknown.sum()),
        max_rhat=float("nan"),
        min_ess=float(1.0 / np.sum(w**2)),
        divergences=0,
        elpd_pointwise=tuple(float(v) for v in elpd_i),
    )
    return FastFit(fit, alpha, beta, lw, is_khat, tuple(sign_prob))
