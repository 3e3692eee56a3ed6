"""The design of a per-theory logistic model: Beta priors for unknown codings, the imputed
design matrices, and the pointwise log-likelihood with its gradient (see
:mod:`casusbelli.cross.models` for the model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from casusbelli.cross.model_types import _MIN_CODED_FOR_MOMENTS, _MISSING_PRIORS, ModelSettings
from casusbelli.errors import AnalysisError

__all__ = [
    "missing_prior",
]


# --------------------------------------------------------------------------- helpers


def missing_prior(values: np.ndarray, kind: str = "empirical") -> tuple[float, float]:
    r"""Beta prior :math:`(a, b)` for an indicator's unknown values.

    ``"empirical"`` matches the moments of the coded values :math:`v` (mean :math:`m`,
    variance :math:`s^2`):

    .. math:: a = m c, \quad b = (1 - m) c, \quad c = \frac{m (1 - m)}{s^2} - 1,

    falling back to Beta(1, 1) when fewer than three values are coded or no Beta has those
    moments (:math:`s^2 = 0` or :math:`s^2 \ge m(1-m)`); ``"uniform"`` is always Beta(1, 1).
    """
    if kind not in _MISSING_PRIORS:
        raise AnalysisError(f"unknown missing prior {kind!r}; expected one of "
                            f"{', '.join(_MISSING_PRIORS)}")
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if kind == "uniform" or v.size < _MIN_CODED_FOR_MOMENTS:
        return 1.0, 1.0
    m = float(v.mean())
    s2 = float(v.var(ddof=1))
    if s2 <= 0 or s2 >= m * (1 - m):
        return 1.0, 1.0
    c = m * (1 - m) / s2 - 1
    return m * c, (1 - m) * c


@dataclass(frozen=True)
class _Design:
    z_complete: np.ndarray  # (n_complete, k)
    y_complete: np.ndarray
    z_missing: np.ndarray  # (n_missing, M, k)
    y_missing: np.ndarray
    order: np.ndarray  # positions of [complete..., missing...] in the original case order
    scale: np.ndarray  # 2 * s_j (membership-scale coefficient = beta / scale)
    unknown: np.ndarray  # unknown codings per indicator


def _design(
    x: np.ndarray, y: np.ndarray, indicators: Sequence[str], settings: ModelSettings,
    rng: np.random.Generator, name: str, shift: np.ndarray | None = None,
) -> _Design:
    """The scaled design; ``shift`` (one number per case) is added to that case's imputed
    draws (clipped to [0, 1]): a pattern-mixture departure from missing at random."""
    from scipy import stats

    n, k = x.shape
    center = np.zeros(k)
    scale = np.ones(k)
    for j, ind in enumerate(indicators):
        col = x[:, j]
        coded = col[~np.isnan(col)]
        if coded.size == 0:
            raise AnalysisError(
                f"indicator {ind!r} is unknown in every case; it cannot enter a model",
                field=f"{name}.{ind}",
                hint="code it for some cases, or remove it from the theory",
            )
        if coded.size < 2 or float(coded.std(ddof=1)) == 0.0:
            raise AnalysisError(
                f"indicator {ind!r} has the same value ({coded[0]:g}) in every coded case; "
                "it cannot discriminate between cases",
                field=f"{name}.{ind}",
            )
        if coded.min() < 0 or coded.max() > 1:
            raise AnalysisError(
                f"indicator {ind!r} has values outside [0, 1]", field=f"{name}.{ind}"
            )
        center[j] = coded.mean()
        scale[j] = 2 * coded.std(ddof=1)
    miss = np.isnan(x)
    has_missing = miss.any(axis=1)
    complete = np.flatnonzero(~has_missing)
    missing = np.flatnonzero(has_missing)
    m_draws = settings.imputation_draws
    xm = np.repeat(x[missing][:, None, :], m_draws, axis=1)  # (n_missing, M, k)
    for j in range(k):
        rows = np.flatnonzero(miss[missing, j])
        if rows.size == 0:
            continue
        a, b = missing_prior(x[:, j], settings.missing_prior)
        # stratified (Latin hypercube) draws: one per 1/M stratum, shuffled per case
        u = (np.arange(m_draws)[None, :] + rng.uniform(size=(rows.size, m_draws))) / m_draws
        u = rng.permuted(u, axis=1)
        xm[rows, :, j] = stats.beta.ppf(u, a, b)
        if shift is not None:
            xm[rows, :, j] = np.clip(xm[rows, :, j] + shift[missing][rows, None], 0.0, 1.0)
    z_complete = (x[complete] - center) / scale
    z_missing = (xm - center) / scale
    return _Design(
        z_complete=z_complete, y_complete=y[complete], z_missing=z_missing,
        y_missing=y[missing], order=np.concatenate([complete, missing]), scale=scale,
        unknown=miss.sum(axis=0),
    )


def _log_inv_logit(eta: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -eta)


def _pointwise(alpha: np.ndarray, beta: np.ndarray, d: _Design) -> tuple[np.ndarray, np.ndarray]:
    """Log likelihood and P(y=1) per draw and case, in the original case order.

    ``alpha``: (S,), ``beta``: (S, k). Returns two (S, n) arrays.
    """
    from scipy.special import expit

    s = alpha.shape[0]
    n = d.order.size
    ll = np.empty((s, n))
    prob = np.empty((s, n))
    nc = d.y_complete.size
    if nc:
        eta = alpha[:, None] + beta @ d.z_complete.T  # (S, nc)
        sign = np.where(d.y_complete == 1, 1.0, -1.0)[None, :]
        ll[:, d.order[:nc]] = _log_inv_logit(sign * eta)
        prob[:, d.order[:nc]] = expit(eta)
    if d.y_missing.size:
        eta = alpha[:, None, None] + np.einsum("sk,imk->sim", beta, d.z_missing)  # (S, nm, M)
        sign = np.where(d.y_missing == 1, 1.0, -1.0)[None, :, None]
        lp = _log_inv_logit(sign * eta)
        top = lp.max(axis=2, keepdims=True)
        ll[:, d.order[nc:]] = (np.log(np.exp(lp - top).mean(axis=2)) + top[..., 0])
        prob[:, d.order[nc:]] = expit(eta).mean(axis=2)
    return ll, prob


def _log_likelihood_grad(alpha: float, beta: np.ndarray, d: _Design) -> tuple[float, np.ndarray]:
    r"""Total log likelihood and its gradient in :math:`(\alpha, \beta)` for one draw.

    For a complete case, :math:`\partial \log \sigma(s\eta)/\partial \eta = s(1 -
    \sigma(s\eta))`; for a case with unknowns, :math:`\log \frac1M \sum_m \sigma(s\eta_m)`
    has gradient :math:`\sum_m r_m s (1 - \sigma(s\eta_m))\, (1, z_m)` with
    :math:`r_m = \sigma(s\eta_m) / \sum_{m'} \sigma(s\eta_{m'})`.
    """
    from scipy.special import expit

    k = beta.size
    total = 0.0
    g = np.zeros(1 + k)
    if d.y_complete.size:
        sign = np.where(d.y_complete == 1, 1.0, -1.0)
        eta = alpha + d.z_complete @ beta
        total += float(_log_inv_logit(sign * eta).sum())
        r = sign * expit(-sign * eta)
        g[0] += r.sum()
        g[1:] += d.z_complete.T @ r
    if d.y_missing.size:
        sign = np.where(d.y_missing == 1, 1.0, -1.0)[:, None]
        eta = alpha + d.z_missing @ beta  # (nm, M)
        lp = _log_inv_logit(sign * eta)
        top = lp.max(axis=1, keepdims=True)
        e = np.exp(lp - top)
        total += float((np.log(e.mean(axis=1)) + top[:, 0]).sum())
        resp = e / e.sum(axis=1, keepdims=True)
        r = resp * sign * expit(-sign * eta)  # (nm, M)
        g[0] += r.sum()
        g[1:] += np.einsum("im,imk->k", r, d.z_missing)
    return total, g
