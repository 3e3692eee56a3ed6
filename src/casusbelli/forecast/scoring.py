r"""Proper scoring rules for forecasts, their time average over a question's open period, and
calibration.

Pure maths: plain values and NumPy arrays in, floats and named tuples out; no I/O. Every score
here is *negatively oriented* (lower is better), as in ``scoringrules``:

* Brier score for a binary event, :math:`(p - o)^2 \in [0, 1]`, and its multi-category form
  :math:`\sum_k (p_k - o_k)^2 \in [0, 2]` (Brier 1950);
* log score, :math:`-\ln p(\text{outcome})` (the negative of Gneiting & Raftery's positively
  oriented LogS), for binary, multiple-choice and, as a negative log density, numeric forecasts;
* CRPS for numeric forecasts given as a normal distribution or a mixture of normals, computed by
  ``scoringrules`` (Gneiting & Raftery 2007; Gneiting & Katzfuss 2014).

All three are strictly proper: a forecaster minimises the expected score only by stating the
probabilities it believes (Gneiting & Raftery 2007).

References
----------
.. [1] Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.
   Monthly Weather Review 78(1), 1-3. doi:10.1175/1520-0493(1950)078<0001:VOFEIT>2.0.CO;2
.. [2] Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
   estimation. JASA 102(477), 359-378. doi:10.1198/016214506000001437
.. [3] Gneiting, T., & Katzfuss, M. (2014). Probabilistic forecasting. Annual Review of
   Statistics and Its Application 1, 125-151. doi:10.1146/annurev-statistics-062713-085831
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from casusbelli.errors import ForecastError

__all__ = [
    "LOG_CLIP",
    "CalibrationBin",
    "CalibrationTable",
    "ScoreDifference",
    "Scores",
    "brier_score",
    "brier_scores",
    "calibration_table",
    "crps_mixture",
    "crps_normal",
    "log_score",
    "log_scores",
    "multi_brier_scores",
    "multi_log_scores",
    "paired_bootstrap",
    "score_value",
    "time_average",
    "uniform_scores",
]

#: Probabilities are clipped to [LOG_CLIP, 1 - LOG_CLIP] before the log score so that one
#: confident miss gives a large but finite score (Metaculus likewise accepts binary predictions
#: only between 0.1% and 99.9%).
LOG_CLIP = 1e-3


def _binary(prob: ArrayLike, outcome: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(prob, dtype=float)
    o = np.asarray(outcome, dtype=float)
    if p.shape != o.shape:
        raise ForecastError(f"prob has shape {p.shape} but outcome has shape {o.shape}")
    if np.any(~np.isfinite(p)) or np.any((p < 0.0) | (p > 1.0)):
        raise ForecastError("probabilities must lie in [0, 1]")
    if np.any((o != 0.0) & (o != 1.0)):
        raise ForecastError("binary outcomes must be 0 or 1")
    return p, o


def brier_scores(prob: ArrayLike, outcome: ArrayLike) -> np.ndarray:
    r"""Brier score of each binary probability forecast (lower is better).

    .. math:: BS_i = (p_i - o_i)^2, \quad o_i \in \{0, 1\}

    Brier (1950).

    Examples
    --------
    >>> brier_scores([0.8, 0.3], [1, 1]).round(2).tolist()
    [0.04, 0.49]
    """
    p, o = _binary(prob, outcome)
    return (p - o) ** 2


def brier_score(prob: ArrayLike, outcome: ArrayLike) -> float:
    r"""Mean Brier score of probability forecasts for binary outcomes (lower is better).

    .. math:: BS = \frac{1}{N} \sum_{i=1}^{N} (p_i - o_i)^2

    Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. Mon. Wea.
    Rev. 78(1), 1-3.

    Examples
    --------
    >>> round(brier_score([0.8, 0.3], [1, 0]), 3)
    0.065
    """
    s = brier_scores(prob, outcome)
    if s.size == 0:
        raise ForecastError("no forecasts to score")
    return float(s.mean())


def log_scores(prob: ArrayLike, outcome: ArrayLike, *, clip: float = 0.0) -> np.ndarray:
    r"""Log score of each binary forecast, negatively oriented (lower is better).

    .. math:: LS_i = -\left[o_i \ln p_i + (1 - o_i) \ln (1 - p_i)\right]

    With ``clip`` > 0 the probability is first clipped to ``[clip, 1 - clip]``; with
    ``clip = 0`` a forecast of 0 for an event that happens scores ``inf``. Gneiting & Raftery
    (2007), with the sign flipped.
    """
    p, o = _binary(prob, outcome)
    if clip:
        p = np.clip(p, clip, 1.0 - clip)
    q = np.where(o == 1.0, p, 1.0 - p)
    with np.errstate(divide="ignore"):
        return -np.log(q)


def log_score(prob: ArrayLike, outcome: ArrayLike, *, clip: float = 0.0) -> float:
    r"""Mean log score of binary forecasts (lower is better); see :func:`log_scores`.

    .. math:: LS = -\frac{1}{N} \sum_{i=1}^{N} \ln p_i(o_i)

    Examples
    --------
    >>> round(log_score([0.8, 0.3], [1, 0]), 4)  # -(ln 0.8 + ln 0.7) / 2
    0.2899
    """
    s = log_scores(prob, outcome, clip=clip)
    if s.size == 0:
        raise ForecastError("no forecasts to score")
    return float(s.mean())


def _multi(probs: ArrayLike, outcome: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.atleast_2d(np.asarray(probs, dtype=float))
    k = np.asarray(outcome, dtype=int).reshape(-1)
    if p.shape[0] != k.shape[0]:
        raise ForecastError(f"{p.shape[0]} forecasts but {k.shape[0]} outcomes")
    if np.any(~np.isfinite(p)) or np.any((p < 0.0) | (p > 1.0)):
        raise ForecastError("probabilities must lie in [0, 1]")
    if not np.allclose(p.sum(axis=1), 1.0, atol=1e-6):
        raise ForecastError("the probabilities of each forecast must sum to 1")
    if np.any((k < 0) | (k >= p.shape[1])):
        raise ForecastError(f"outcome index outside 0..{p.shape[1] - 1}")
    return p, k


def multi_brier_scores(probs: ArrayLike, outcome: ArrayLike) -> np.ndarray:
    r"""Brier's original multi-category score of each forecast (lower is better, in [0, 2]).

    .. math:: BS_i = \sum_{k=1}^{K} (p_{ik} - o_{ik})^2

    ``probs`` has one row per forecast and one column per option; ``outcome`` gives the index
    of the option that happened. Brier (1950).
    """
    p, k = _multi(probs, outcome)
    o = np.zeros_like(p)
    o[np.arange(p.shape[0]), k] = 1.0
    return ((p - o) ** 2).sum(axis=1)


def multi_log_scores(probs: ArrayLike, outcome: ArrayLike, *, clip: float = 0.0) -> np.ndarray:
    r"""Log score of each multiple-choice forecast, :math:`-\ln p_{i, k_i}` (lower is better)."""
    p, k = _multi(probs, outcome)
    q = p[np.arange(p.shape[0]), k]
    if clip:
        q = np.clip(q, clip, 1.0)
    with np.errstate(divide="ignore"):
        return -np.log(q)


def crps_normal(mean: float, sd: float, observation: float) -> float:
    r"""CRPS of a normal forecast :math:`N(\mu, \sigma^2)` at the observation (lower is better).

    .. math::

        \mathrm{CRPS}(F, y) = \int_{-\infty}^{\infty} (F(x) - \mathbb{1}\{y \le x\})^2 \, dx
        = \sigma \left[ z (2\Phi(z) - 1) + 2\varphi(z) - \pi^{-1/2} \right],
        \quad z = (y - \mu)/\sigma

    Computed by ``scoringrules.crps_normal``; Gneiting & Raftery (2007).
    """
    import scoringrules as sr

    if not sd > 0:
        raise ForecastError(f"a normal forecast needs sd > 0, got {sd}")
    return float(sr.crps_normal(float(observation), float(mean), float(sd)))


def crps_mixture(means: ArrayLike, sds: ArrayLike, weights: ArrayLike,
                 observation: float) -> float:
    r"""CRPS of a mixture of normals :math:`\sum_j w_j N(\mu_j, \sigma_j^2)` (the ensemble).

    .. math:: \mathrm{CRPS}(F, y) = E|X - y| - \tfrac{1}{2} E|X - X'|, \quad X, X' \sim F

    Computed in closed form by ``scoringrules.crps_mixnorm``; the kernel form is from Gneiting &
    Raftery (2007).
    """
    import scoringrules as sr

    m = np.asarray(means, dtype=float)
    s = np.asarray(sds, dtype=float)
    w = np.asarray(weights, dtype=float)
    if np.any(s <= 0):
        raise ForecastError("every mixture component needs sd > 0")
    return float(sr.crps_mixnorm(float(observation), m, s, w / w.sum()))


def _normal_logs(means: ArrayLike, sds: ArrayLike, weights: ArrayLike, y: float) -> float:
    m = np.asarray(means, dtype=float)
    s = np.asarray(sds, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    dens = float(np.sum(w * np.exp(-0.5 * ((y - m) / s) ** 2) / (s * math.sqrt(2 * math.pi))))
    return math.inf if dens <= 0 else -math.log(dens)


class Scores(NamedTuple):
    """The scores of one forecast against one outcome; ``None`` where a rule does not apply."""

    brier: float | None
    log: float | None
    crps: float | None


def _components(value: Mapping[str, Any]) -> tuple[list[float], list[float], list[float]]:
    if "mixture" in value:
        comps = value["mixture"]
        return ([float(c["mean"]) for c in comps], [float(c["sd"]) for c in comps],
                [float(c.get("weight", 1.0)) for c in comps])
    return [float(value["mean"])], [float(value["sd"])], [1.0]


def score_value(kind: str, value: Any, outcome: Any, *, options: Sequence[str] | None = None,
                clip: float = LOG_CLIP) -> Scores:
    """Score one forecast value against an outcome, by question kind.

    Parameters
    ----------
    kind
        ``binary`` (``value`` = P(yes), ``outcome`` a bool), ``multiple_choice`` (``value`` =
        ``{option: p}``, ``outcome`` an option) or ``numeric`` (``value`` = ``{"mean", "sd"}`` or
        ``{"mixture": [{"mean", "sd", "weight"}, ...]}``, ``outcome`` a number; date questions
        are converted to day numbers by the caller).
    clip
        Probability floor for the log score (:data:`LOG_CLIP`).
    """
    if kind == "binary":
        o = 1.0 if outcome else 0.0
        return Scores(float(brier_scores([value], [o])[0]),
                      float(log_scores([value], [o], clip=clip)[0]), None)
    if kind == "multiple_choice":
        opts = list(options or value.keys())
        row = [float(value.get(opt, 0.0)) for opt in opts]
        k = opts.index(outcome)
        return Scores(float(multi_brier_scores([row], [k])[0]),
                      float(multi_log_scores([row], [k], clip=clip)[0]), None)
    if kind == "numeric":
        m, s, w = _components(value)
        y = float(outcome)
        crps = crps_normal(m[0], s[0], y) if len(m) == 1 else crps_mixture(m, s, w, y)
        return Scores(None, _normal_logs(m, s, w, y), crps)
    raise ForecastError(
        f"unknown question kind {kind!r}; expected binary, multiple_choice or numeric"
    )


def uniform_scores(kind: str, outcome: Any, *, n_options: int = 2,
                   bounds: tuple[float, float] | None = None) -> Scores:
    r"""Scores of the ignorance forecast: 1/K on each option, or uniform on ``bounds``.

    Used for the part of a question's open period before a forecaster's first forecast.
    For a binary question that is :math:`BS = 0.25` and :math:`LS = \ln 2`.
    """
    if kind == "binary":
        return Scores(0.25, math.log(2.0), None)
    if kind == "multiple_choice":
        k = n_options
        return Scores((1 - 1 / k) ** 2 + (k - 1) / k**2, math.log(k), None)
    if kind == "numeric" and bounds is not None:
        import scoringrules as sr

        lo, hi = bounds
        y = float(outcome)
        log = math.log(hi - lo) if lo <= y <= hi else math.inf
        return Scores(None, log, float(sr.crps_uniform(y, lo, hi)))
    return Scores(None, None, None)


def time_average(issued: ArrayLike, scores: ArrayLike, start: float, end: float,
                 *, before: float | None = None) -> float:
    r"""Average a forecaster's score over the open period ``[start, end]`` of a question.

    Each forecast counts from its issue time until the next forecast (or ``end``), as on
    Good Judgment Open and Metaculus, where a question's score averages a forecaster's standing
    forecast over every day the question was open:

    .. math:: \bar S = \frac{1}{T_1 - T_0} \int_{T_0}^{T_1} S(f_{t}) \, dt

    where :math:`f_t` is the latest forecast issued at or before :math:`t`. A forecast issued
    before ``start`` stands from ``start``. Before the first forecast the score is ``before``
    (e.g. the ignorance forecast's, see :func:`uniform_scores`); when ``before`` is ``None`` the
    average runs from the first forecast instead. When ``start == end`` the last forecast issued
    by then is scored.

    Parameters
    ----------
    issued
        Issue times (any unit, e.g. days), sorted or not.
    scores
        The score of each forecast against the outcome.

    Examples
    --------
    >>> time_average([0, 5], [0.5, 0.1], 0, 10)
    0.3
    >>> time_average([5], [0.1], 0, 10, before=0.25)
    0.175
    """
    t = np.asarray(issued, dtype=float)
    s = np.asarray(scores, dtype=float)
    if t.shape != s.shape or t.size == 0:
        raise ForecastError("need one score per issue time, and at least one forecast")
    if end < start:
        raise ForecastError(f"end {end} is before start {start}")
    order = np.argsort(t, kind="stable")
    t, s = t[order], s[order]
    keep = t <= end
    if not keep.any():
        raise ForecastError("every forecast was issued after the end of the period")
    t, s = t[keep], s[keep]
    # a later forecast at or before start replaces an earlier one
    first = int(np.searchsorted(t, start, side="right")) - 1
    if first > 0:
        t, s = t[first:], s[first:]
    t = np.maximum(t, start)
    if end == start:
        return float(s[-1])
    edges = np.append(t, end)
    durations = np.diff(edges)
    total = float(np.sum(durations * s))
    span = end - float(t[0])
    if before is not None and t[0] > start:
        total += before * (float(t[0]) - start)
        span = end - start
    if span <= 0:
        return float(s[-1])
    return total / span


class CalibrationBin(NamedTuple):
    """One bin of a calibration table."""

    lower: float
    upper: float
    n: int
    mean_forecast: float | None
    observed_rate: float | None


class CalibrationTable(NamedTuple):
    """Reliability of binary forecasts: per probability bin, the mean forecast and how often
    the event happened; plus the total count."""

    bins: tuple[CalibrationBin, ...]
    n: int


def calibration_table(prob: ArrayLike, outcome: ArrayLike, *, bins: int = 5) -> CalibrationTable:
    r"""Group binary forecasts into ``bins`` equal-width probability bins.

    A calibrated forecaster's events happen about as often as forecast in every bin:
    :math:`\bar o_b \approx \bar p_b` (the reliability diagram; Gneiting & Katzfuss 2014).
    Empty bins have ``None`` means. The last bin includes 1.

    Examples
    --------
    >>> t = calibration_table([0.1, 0.15, 0.9], [0, 1, 1], bins=2)
    >>> [(b.n, b.observed_rate) for b in t.bins]
    [(2, 0.5), (1, 1.0)]
    """
    p, o = _binary(prob, outcome)
    if bins < 1:
        raise ForecastError("bins must be at least 1")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        out.append(CalibrationBin(b / bins, (b + 1) / bins, n,
                                  float(p[sel].mean()) if n else None,
                                  float(o[sel].mean()) if n else None))
    return CalibrationTable(tuple(out), int(p.size))


class ScoreDifference(NamedTuple):
    """Mean paired score difference ``a - b`` over questions, with a bootstrap interval."""

    mean: float
    low: float
    high: float
    n: int
    level: float
    n_boot: int


def paired_bootstrap(a: ArrayLike, b: ArrayLike, rng: np.random.Generator, *,
                     n_boot: int = 2000, level: float = 0.95) -> ScoreDifference:
    r"""Mean of the paired differences :math:`d_i = a_i - b_i` of two forecasters' scores on the
    same questions, with a percentile bootstrap interval over questions.

    .. math::

        \bar d = \frac{1}{N}\sum_{i=1}^{N} d_i, \qquad
        \bar d^{*(r)} = \frac{1}{N}\sum_{i=1}^{N} d_{J_{ri}}, \quad
        J_{ri} \sim \mathrm{Uniform}\{1, \dots, N\},

    and the interval is the :math:`(1-\mathrm{level})/2` and :math:`(1+\mathrm{level})/2`
    quantiles of :math:`\bar d^{*(1)}, \dots, \bar d^{*(R)}`. Resampling whole questions keeps
    each question's pair together, so what the two forecasters share (a question's difficulty)
    cancels. With few questions the interval is rough; its width says so.

    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall,
    ch. 13 (the percentile interval).
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.ndim != 1 or d.size == 0:
        raise ForecastError("paired_bootstrap needs one or more paired scores")
    idx = rng.integers(0, d.size, size=(n_boot, d.size))
    means = d[idx].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return ScoreDifference(float(d.mean()), float(lo), float(hi), int(d.size), level, n_boot)
