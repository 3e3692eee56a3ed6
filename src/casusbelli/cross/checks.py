r"""The checks a methods referee asks of a cross-case verdict, as pure functions.

Each function takes arrays (cases in rows, ``NaN`` = unknown) and returns plain numbers or a
frozen dataclass; none reads a workspace or a store. :mod:`casusbelli.analysis.audit` runs them
on a workspace and turns them into statuses.

References
----------
Dempster, A. P., Laird, N. M. & Rubin, D. B. (1977). Maximum likelihood from incomplete data
via the EM algorithm. *Journal of the Royal Statistical Society, Series B* 39(1), 1-38.
Bamber, D. (1975). The area above the ordinal dominance graph and the area below the receiver
operating characteristic graph. *Journal of Mathematical Psychology* 12(4), 387-415.
Rubin, D. B. (1981). The Bayesian bootstrap. *The Annals of Statistics* 9(1), 130-134.
Vehtari, A., Gelman, A. & Gabry, J. (2017). Practical Bayesian model evaluation using
leave-one-out cross-validation and WAIC. *Statistics and Computing* 27(5), 1413-1432.
Yao, Y., Vehtari, A., Simpson, D. & Gelman, A. (2018). Using stacking to average Bayesian
predictive distributions. *Bayesian Analysis* 13(3), 917-1007.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from casusbelli.errors import AnalysisError

__all__ = [
    "NEAR_PERFECT",
    "ElpdDifference",
    "Separation",
    "elpd_difference",
    "noise_like",
    "percentile_of",
    "separation",
    "stacking_weights",
    "weight_intervals",
]

#: Separation at or above which an indicator is flagged as a possible outcome leak.
NEAR_PERFECT = 0.95


@dataclass(frozen=True)
class Separation:
    r"""How well one indicator alone separates the outcome among the cases that code it.

    ``auc`` is :math:`P(x_i > x_j) + \tfrac12 P(x_i = x_j)` for a random intervention
    :math:`i` and negative case :math:`j` (the Mann-Whitney form of the area under the ROC
    curve, Bamber 1975); ``separation`` is :math:`\max(AUC, 1 - AUC)`, direction-free.
    """

    auc: float | None
    separation: float | None
    n: int
    positives: int
    negatives: int

    @property
    def near_perfect(self) -> bool:
        """Separation at or above :data:`NEAR_PERFECT` (a possible outcome leak)."""
        return self.separation is not None and self.separation >= NEAR_PERFECT

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {**asdict(self), "near_perfect": self.near_perfect}


def separation(x: np.ndarray, y: np.ndarray) -> Separation:
    r"""AUC of one indicator against a binary outcome, on the cases that code it.

    .. math:: AUC = \frac{1}{n_1 n_0} \sum_{i: y_i = 1} \sum_{j: y_j = 0}
              \left( [x_i > x_j] + \tfrac12 [x_i = x_j] \right)

    ``None`` when the coded cases lack either outcome.
    """
    xv = np.asarray(x, dtype=float)
    yv = np.asarray(y, dtype=float)
    if xv.shape != yv.shape:
        raise AnalysisError("separation needs one value per case")
    known = ~np.isnan(xv)
    pos = xv[known & (yv == 1)]
    neg = xv[known & (yv == 0)]
    n = int(known.sum())
    if pos.size == 0 or neg.size == 0:
        return Separation(None, None, n, int(pos.size), int(neg.size))
    gt = (pos[:, None] > neg[None, :]).sum()
    eq = (pos[:, None] == neg[None, :]).sum()
    auc = float((gt + 0.5 * eq) / (pos.size * neg.size))
    return Separation(auc, max(auc, 1 - auc), n, int(pos.size), int(neg.size))


@dataclass(frozen=True)
class ElpdDifference:
    r"""A paired difference of expected log predictive densities, with its standard error.

    .. math:: \Delta = \sum_i (a_i - b_i), \qquad
              \mathrm{se}(\Delta) = \sqrt{n \operatorname{Var}_i(a_i - b_i)}

    (Vehtari, Gelman & Gabry 2017). ``z`` is :math:`\Delta / \mathrm{se}`.
    """

    diff: float
    se: float

    @property
    def z(self) -> float:
        """The difference in units of its standard error."""
        if self.se > 0:
            return self.diff / self.se
        return 0.0 if self.diff == 0 else math.copysign(math.inf, self.diff)


def elpd_difference(a: np.ndarray, b: np.ndarray) -> ElpdDifference:
    """Paired elpd difference of model ``a`` over model ``b`` from pointwise values."""
    av = np.asarray(a, dtype=float)
    bv = np.asarray(b, dtype=float)
    if av.shape != bv.shape or av.ndim != 1 or av.size < 2:
        raise AnalysisError("elpd_difference needs two equally long pointwise vectors (n >= 2)")
    d = av - bv
    return ElpdDifference(float(d.sum()), float(np.sqrt(d.size * d.var())))


def _stacking_em(dens: np.ndarray, g: np.ndarray, iters: int = 2000,
                 tol: float = 1e-12) -> np.ndarray:
    """Mixture weights maximising sum_i g_i log sum_k w_k dens_ik, for a batch.

    ``dens``: (n, K) leave-one-out densities scaled per case (any positive factor per case
    leaves the argmax unchanged); ``g``: (B, n) case weights. Returns (B, K). The objective is
    the log likelihood of a mixture with fixed components, so EM for the mixing proportions
    (Dempster, Laird & Rubin 1977) increases it at every step and converges to the maximum
    (the objective is concave in ``w``).
    """
    b_n = g.shape[0]
    k = dens.shape[1]
    w = np.full((b_n, k), 1.0 / k)
    gs = g / g.sum(axis=1, keepdims=True)
    for _ in range(iters):
        mix = w[:, None, :] * dens[None, :, :]  # (B, n, K)
        r = mix / mix.sum(axis=2, keepdims=True)
        new = np.einsum("bn,bnk->bk", gs, r)
        if np.max(np.abs(new - w)) < tol:
            return new
        w = new
    return w


def stacking_weights(elpd: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    r"""Stacking weights of :math:`K` models from their pointwise leave-one-out elpd.

    .. math:: \hat w = \arg\max_{w \in \Delta^K} \sum_{i=1}^n g_i \log \sum_k w_k
              \exp(\widehat{\mathrm{elpd}}_{ik})

    (Yao et al. 2018, eq. 4 with the leave-one-out densities), :math:`g_i = 1` by default;
    solved by EM for mixing proportions (Dempster, Laird & Rubin 1977).
    """
    e = np.asarray(elpd, dtype=float)
    if e.ndim != 2 or e.shape[1] < 1:
        raise AnalysisError("stacking_weights needs an (n, K) array")
    n, k = e.shape
    if k == 1:
        return np.ones(1)
    g = np.ones(n) if case_weights is None else np.asarray(case_weights, dtype=float)
    dens = np.exp(e - e.max(axis=1, keepdims=True))
    return _stacking_em(dens, g[None, :])[0]


def weight_intervals(
    elpd: np.ndarray, rng: np.random.Generator, n_boot: int = 400, level: float = 0.9
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Bayesian-bootstrap intervals of stacking weights (Rubin 1981).

    Each replicate draws case weights :math:`g \sim n \cdot \mathrm{Dirichlet}(1, \dots, 1)`
    and re-solves :func:`stacking_weights` (all replicates at once); returns the central
    ``level`` interval per model (low, high) and the share of replicates in which each model
    has the largest weight.
    """
    e = np.asarray(elpd, dtype=float)
    n, k = e.shape
    g = rng.dirichlet(np.ones(n), size=n_boot) * n
    if k == 1:
        reps = np.ones((n_boot, 1))
    else:
        reps = _stacking_em(np.exp(e - e.max(axis=1, keepdims=True)), g)
    a = (1 - level) / 2
    low = np.quantile(reps, a, axis=0)
    high = np.quantile(reps, 1 - a, axis=0)
    top = np.bincount(reps.argmax(axis=1), minlength=k) / n_boot
    return low, high, top


def noise_like(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A pure-noise matrix with exactly ``x``'s unknown cells and each column's coded values.

    Each column's coded values are permuted among its coded cells, so the noise has the same
    marginal distribution and the same unknown pattern (same cases, same cells) as the real
    indicators, and no relation to the outcome.
    """
    xv = np.asarray(x, dtype=float)
    out = xv.copy()
    for j in range(xv.shape[1]):
        cells = np.flatnonzero(~np.isnan(xv[:, j]))
        out[cells, j] = rng.permutation(xv[cells, j])
    return out


def percentile_of(value: float, null: np.ndarray) -> float:
    """Share of ``null`` strictly below ``value`` plus half the ties (a mid-rank percentile)."""
    v = np.asarray(null, dtype=float)
    if v.size == 0:
        raise AnalysisError("percentile_of needs a non-empty reference distribution")
    return float(((v < value).sum() + 0.5 * (v == value).sum()) / v.size)
