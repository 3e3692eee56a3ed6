"""ACH result types and the vectorized maths behind :func:`casusbelli.within.ach.score`:
inconsistency contributions, diagnosticity, pooling analysts (median, Krippendorff's alpha) and
whether a removal or a one-step re-rating changes the ranking.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from casusbelli.errors import AnalysisError
from casusbelli.within.ach_matrix import (
    _CONTRIB_LUT,
    _ORDINAL,
    NA_CODE,
    _check_codes,
    decode_ratings,
)

__all__ = [
    "AchResult",
    "Agreement",
    "HypothesisScore",
    "ItemScore",
    "diagnosticity",
    "pool",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class HypothesisScore:
    """Scores of one hypothesis (``inconsistency`` <= 0; closer to 0 is better; rank 1 = best)."""

    hypothesis: str
    inconsistency: int
    weighted_inconsistency: float
    consistency: int
    rank: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "hypothesis": self.hypothesis,
            "inconsistency": self.inconsistency,
            "weighted_inconsistency": self.weighted_inconsistency,
            "consistency": self.consistency,
            "rank": self.rank,
        }


@dataclass(frozen=True)
class ItemScore:
    """Diagnosticity and sensitivity of one item.

    ``changes`` lists what flips the ranking: ``"remove"`` and/or ``"H:I->II"`` style one-step
    re-ratings of a cell.
    """

    item_id: str
    diagnosticity: float
    linchpin: bool
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "id": self.item_id,
            "diagnosticity": self.diagnosticity,
            "linchpin": self.linchpin,
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class Agreement:
    """Several analysts' ratings pooled into one matrix, with their disagreement.

    Attributes
    ----------
    pooled
        int8 codes ``(items, hypotheses)``: per cell, NA when more analysts said NA (or left it
        blank) than rated it, else the median of the rated codes, halves rounded toward N.
    disagreement
        Per cell, ``max(sd(NA indicator), sd(rated codes))`` with sample standard deviations
        (the Open Synthesis measure); 0 when fewer than two values.
    alpha
        Krippendorff's alpha (ordinal) over all cells, NA treated as missing; ``None`` when it is
        undefined (one analyst, no pairable values, or no variation at all).
    """

    pooled: NDArray[np.int8]
    disagreement: NDArray[np.float64]
    alpha: float | None
    n_analysts: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "pooled": decode_ratings(self.pooled),
            "disagreement": self.disagreement.tolist(),
            "alpha": self.alpha,
            "n_analysts": self.n_analysts,
        }


@dataclass(frozen=True)
class AchResult:
    """Result of :func:`score`: one row per hypothesis and per item, plus pooling details."""

    hypotheses: tuple[HypothesisScore, ...]
    items: tuple[ItemScore, ...]
    criterion: str
    agreement: Agreement | None = None
    analysts: tuple[str, ...] = ()
    analyst_weighted_inconsistency: tuple[tuple[float, ...], ...] = field(default=())

    @property
    def top(self) -> tuple[str, ...]:
        """The hypotheses ranked first (several when tied)."""
        return tuple(h.hypothesis for h in self.hypotheses if h.rank == 1)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (the shape of ``casus ach --json``)."""
        out: dict[str, Any] = {
            "criterion": self.criterion,
            "top": list(self.top),
            "hypotheses": [h.to_dict() for h in self.hypotheses],
            "items": [i.to_dict() for i in self.items],
        }
        if self.agreement is not None:
            out["agreement"] = self.agreement.to_dict()
            out["analysts"] = {
                a: dict(zip((h.hypothesis for h in self.hypotheses), w, strict=True))
                for a, w in zip(self.analysts, self.analyst_weighted_inconsistency, strict=True)
            }
        return out


# --------------------------------------------------------------------------- maths


def _contributions(r: NDArray[np.int8]) -> NDArray[np.int8]:
    """Per-cell inconsistency contribution: I -> -1, II -> -2, everything else (NA too) -> 0."""
    return _CONTRIB_LUT[np.ascontiguousarray(r, dtype=np.int8).view(np.uint8)]


def diagnosticity(ratings: ArrayLike) -> NDArray[np.float64]:
    r"""Diagnosticity of each item: spread of its ratings across hypotheses.

    .. math:: d_i = \frac{1}{n_i}\sqrt{n_i \sum_h x_{ih}^2 - \Big(\sum_h x_{ih}\Big)^2}

    the population standard deviation of the codes :math:`x_{ih}\in\{-2,\dots,2\}` over the
    :math:`n_i` hypotheses the item is rated against (NA masked); 0 when :math:`n_i < 2`.
    Identical ratings give 0 (Heuer 1999 ch. 8: evidence consistent with every hypothesis has
    no diagnostic value). Open Synthesis (``openach/metrics.py``) uses the same population
    standard deviation but counts NA as neutral; here NA is left out.
    """
    r = np.asarray(ratings, dtype=np.int8)
    mask = r != NA_CODE
    x = np.where(mask, r, 0).astype(np.int64)
    n = mask.sum(axis=-1)
    s1 = x.sum(axis=-1)
    s2 = (x * x).sum(axis=-1)
    num = n * s2 - s1 * s1
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.sqrt(num.astype(np.float64)) / n
    return np.where(n >= 2, d, 0.0)


def _rank(scores: NDArray[np.float64]) -> NDArray[np.int64]:
    """Competition rank along the last axis, higher score first: 1 + #(strictly better)."""
    return 1 + (scores[..., None, :] > scores[..., :, None]).sum(axis=-1)


def _median_pool(r: NDArray[np.int8]) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Pooled codes and disagreement from per-cell counts of each rating (5 passes, no sort)."""
    a = r.shape[0]
    values = np.array(_ORDINAL, dtype=np.int64)
    ct = np.int16 if a < 2**15 else np.int64
    cnt = np.stack([(r == v).sum(axis=0, dtype=ct) for v in _ORDINAL])
    cum = np.cumsum(cnt, axis=0, dtype=ct)
    n = cum[-1].astype(np.int64)
    n_na = a - n
    s1 = sum(v * cnt[k].astype(np.int64) for k, v in enumerate(_ORDINAL) if v)
    s2 = sum(v * v * cnt[k].astype(np.int64) for k, v in enumerate(_ORDINAL) if v)
    # k-th smallest rated code (0-based k) = first value whose cumulative count exceeds k
    lo = values[np.argmax(cum > ((n - 1) // 2)[None], axis=0)]
    hi = values[np.argmax(cum > (n // 2)[None], axis=0)]
    med = np.trunc((lo + hi) / 2).astype(np.int8)  # a half-way median goes toward N (0)
    pooled = np.where((n == 0) | (n_na > n), np.int8(NA_CODE), med).astype(np.int8)
    # disagreement: sample sd of the NA indicator (a values) and of the rated codes (n values)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd_rated = np.sqrt((n * s2 - s1 * s1) / (n * (n - 1.0)))
        sd_na = np.sqrt((a * n - n * n) / (a * (a - 1.0)))  # indicator: n ones, a - n zeros
    sd_rated = np.where(n >= 2, sd_rated, 0.0)
    sd_na = np.where(a >= 2, sd_na, 0.0)
    return pooled, np.maximum(sd_na, sd_rated)


def _weighted_sums(contrib: NDArray[np.int8], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """``sum_i contrib[..., i, h] * w[i]``, exact: integer sums per distinct weight, then scaled."""
    out = np.zeros(contrib.shape[:-2] + contrib.shape[-1:])
    uniq, inv = np.unique(w, return_inverse=True)
    for k, u in enumerate(uniq):
        part = contrib[..., inv == k, :].sum(axis=-2, dtype=np.int64)
        out += u * part
    return out


def _alpha(r: NDArray[np.int8]) -> float | None:
    if r.shape[0] < 2:
        return None
    import krippendorff

    data = np.where(r == NA_CODE, np.nan, r.astype(np.float64)).reshape(r.shape[0], -1)
    try:
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            value = float(
                krippendorff.alpha(
                    reliability_data=data, level_of_measurement="ordinal", value_domain=_ORDINAL
                )
            )
    except ValueError:
        return None
    return None if not np.isfinite(value) else value


def pool(ratings: ArrayLike, *, alpha: bool = True) -> Agreement:
    r"""Pool several analysts' ratings and measure how much they disagree.

    Parameters
    ----------
    ratings
        int8 codes, shape ``(analysts, items, hypotheses)``.
    alpha
        Compute Krippendorff's alpha (ordinal metric; NA cells are missing values).

    Returns
    -------
    Agreement
        ``pooled``: per cell NA when :math:`n_{NA} > n_{rated}` (the Open Synthesis consensus
        rule), else the median of the rated codes, a half-way median rounded toward N (the
        conservative tie rule of Open Synthesis' ``consensus_vote``, which uses the mean).
        ``disagreement``: :math:`\max(\mathrm{sd}(\mathbb{1}[\text{rated}]),
        \mathrm{sd}(x_{\text{rated}}))` with sample standard deviations, as Open Synthesis'
        ``calc_disagreement``. ``alpha``: Krippendorff's alpha from the ``krippendorff`` package.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication, University of Pennsylvania. Open Synthesis, ``openach/metrics.py``
    (github.com/twschiller/open-synthesis).
    """
    r = np.asarray(ratings, dtype=np.int8)
    if r.ndim != 3:
        raise AnalysisError(f"pool needs (analysts, items, hypotheses) ratings, got {r.ndim}-D")
    if r.shape[0] == 0:
        raise AnalysisError("pool needs at least one analyst")
    _check_codes(r)
    return _pool(r, alpha)


def _pool(r: NDArray[np.int8], alpha: bool) -> Agreement:
    pooled, dis = _median_pool(r)
    return Agreement(
        pooled=pooled,
        disagreement=dis,
        alpha=_alpha(r) if alpha else None,
        n_analysts=int(r.shape[0]),
    )


def _top_changes_removal(s: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.bool_]:
    new = s[None, :] - c
    top = s == s.max()
    new_top = new == new.max(axis=1, keepdims=True)
    return (new_top != top[None, :]).any(axis=1)


def _order_changes_removal(
    s: NDArray[np.float64], c: NDArray[np.float64], chunk: int
) -> NDArray[np.bool_]:
    base = _rank(s)
    out = np.zeros(c.shape[0], dtype=bool)
    for start in range(0, c.shape[0], chunk):
        new = s[None, :] - c[start : start + chunk]
        out[start : start + chunk] = (_rank(new) != base[None, :]).any(axis=1)
    return out


def _top_changes_cell(s: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Does adding ``d[i, h]`` to ``s[h]`` alone change the set of top hypotheses?"""
    m = s.max()
    top = s == m
    n_top = int(top.sum())
    # best score among the others, per hypothesis
    if s.size > 1:
        order = np.sort(s)
        second = order[-2]
        m_other = np.where(top & (n_top == 1), second, m)
    else:
        m_other = np.full_like(s, -np.inf)
    x = s[None, :] + d
    # top hypothesis h: stays the same set iff d == 0, or (sole top and still strictly above)
    top_change = np.where(n_top == 1, x <= m_other[None, :], d != 0)
    # other hypothesis h: joins/overtakes iff x >= m
    other_change = x >= m
    return np.where(top[None, :], top_change, other_change) & (d != 0)


def _order_changes_cell(s: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Does adding ``d[i, h]`` to ``s[h]`` alone change the (tie-aware) order?

    It does iff ``d != 0`` and another score lies in the closed interval between ``s[h]`` and
    ``s[h] + d`` (a tie broken, a tie made, or a rival overtaken).
    """
    srt = np.sort(s)
    x = s[None, :] + d
    lo = np.minimum(s[None, :], x)
    hi = np.maximum(s[None, :], x)
    count = np.searchsorted(srt, hi, side="right") - np.searchsorted(srt, lo, side="left")
    return (d != 0) & (count - 1 > 0)
