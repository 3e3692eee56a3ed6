r"""The weighted ensemble of the theories' forecasts, with the spread between theories.

Pure: plain values in, frozen named tuples out. The ensemble is the linear opinion pool

.. math:: p_{\mathrm{ens}} = \sum_t w_t \, p_t, \qquad \sum_t w_t = 1

for binary and multiple-choice questions (per option), and the mixture
:math:`\sum_t w_t N(\mu_t, \sigma_t^2)` for numeric (and date) questions. The linear pool of
probabilities is the simplest aggregate; when the weights are posterior probabilities of the
theories and each theory's forecast is its predictive probability, it is the Bayesian model
average.
The *spread* says how far the theories disagree: the range and weighted standard deviation of
P(yes) (per option for multiple choice, of the means for numeric questions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from casusbelli.errors import ForecastError

__all__ = [
    "Ensemble",
    "Spread",
    "ensemble",
    "equal_weights",
    "mixture_moments",
    "normalize_weights",
    "performance_weights",
    "point",
]


class Spread(NamedTuple):
    """Disagreement between theories on one number (P(yes), an option's p, or a mean)."""

    low: float
    high: float
    sd: float  # weighted standard deviation across theories

    @property
    def range(self) -> float:
        """``high - low``."""
        return self.high - self.low


class Ensemble(NamedTuple):
    """A pooled forecast: its value (same shape as a theory's), the weights used, and the spread.

    ``spread`` maps ``"p"`` (binary), each option (multiple choice) or ``"mean"`` (numeric) to
    a :class:`Spread`.
    """

    value: Any
    weights: dict[str, float]
    spread: dict[str, Spread]


def equal_weights(theories: Sequence[str]) -> dict[str, float]:
    """``1/T`` for each theory."""
    if not theories:
        raise ForecastError("no theories to weigh")
    return {t: 1.0 / len(theories) for t in theories}


def normalize_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Scale non-negative weights to sum to 1."""
    total = 0.0
    for t, w in weights.items():
        if not (w >= 0 and math.isfinite(w)):
            raise ForecastError(f"weight of {t!r} must be a finite number >= 0, got {w!r}")
        total += w
    if total <= 0:
        raise ForecastError("weights sum to 0")
    return {t: w / total for t, w in weights.items()}


def _spread(xs: Sequence[float], weights: Sequence[float]) -> Spread:
    mean = sum(w * x for x, w in zip(xs, weights, strict=True))
    var = sum(w * (x - mean) ** 2 for x, w in zip(xs, weights, strict=True))
    return Spread(min(xs), max(xs), math.sqrt(max(var, 0.0)))


def mixture_moments(components: Sequence[Mapping[str, float]]) -> tuple[float, float]:
    r"""Mean and sd of a mixture of normals ``[{"mean", "sd", "weight"}, ...]``.

    .. math:: \mu = \sum_j w_j \mu_j, \quad
              \sigma^2 = \sum_j w_j (\sigma_j^2 + \mu_j^2) - \mu^2
    """
    total = sum(float(c.get("weight", 1.0)) for c in components)
    mu = sum(float(c.get("weight", 1.0)) * float(c["mean"]) for c in components) / total
    second = sum(float(c.get("weight", 1.0)) * (float(c["sd"]) ** 2 + float(c["mean"]) ** 2)
                 for c in components) / total
    return mu, math.sqrt(max(second - mu * mu, 0.0))


def point(kind: str, value: Any) -> float | dict[str, float]:
    """The number a forecast is summarised by: P(yes), {option: p}, or the (mixture) mean."""
    if kind == "binary":
        return float(value)
    if kind == "multiple_choice":
        return {k: float(v) for k, v in value.items()}
    if "mixture" in value:
        return mixture_moments(value["mixture"])[0]
    return float(value["mean"])


def ensemble(kind: str, values: Mapping[str, Any], weights: Mapping[str, float]) -> Ensemble:
    """Pool the theories' forecasts of one question under one scenario.

    Parameters
    ----------
    kind
        ``binary``, ``multiple_choice`` or ``numeric`` (date questions are pooled as numeric day
        numbers by the caller).
    values
        Each theory's forecast: P(yes); ``{option: p}``; or ``{"mean", "sd"}``.
    weights
        Theory weights; only the theories in ``values`` are used, renormalised.

    Examples
    --------
    >>> e = ensemble("binary", {"a": 0.2, "b": 0.6}, {"a": 0.75, "b": 0.25})
    >>> round(e.value, 3), round(e.spread["p"].range, 3)
    (0.3, 0.4)
    """
    missing = [t for t in values if t not in weights]
    if missing:
        raise ForecastError(f"no weight for theories {missing}")
    if not values:
        raise ForecastError("no theory forecasts to pool")
    w = normalize_weights({t: weights[t] for t in values})
    names = list(values)
    ws = [w[t] for t in names]
    if kind == "binary":
        ps = [float(values[t]) for t in names]
        return Ensemble(sum(p * x for p, x in zip(ps, ws, strict=True)), w,
                        {"p": _spread(ps, ws)})
    if kind == "multiple_choice":
        options: list[str] = []
        for t in names:
            options += [o for o in values[t] if o not in options]
        pooled = {}
        spread = {}
        for o in options:
            ps = [float(values[t].get(o, 0.0)) for t in names]
            pooled[o] = sum(p * x for p, x in zip(ps, ws, strict=True))
            spread[o] = _spread(ps, ws)
        return Ensemble(pooled, w, spread)
    if kind == "numeric":
        comps = []
        for t in names:
            v = values[t]
            if "mixture" in v:
                comps += [dict(mean=float(c["mean"]), sd=float(c["sd"]),
                               weight=w[t] * float(c.get("weight", 1.0))) for c in v["mixture"]]
            else:
                comps.append(dict(mean=float(v["mean"]), sd=float(v["sd"]), weight=w[t]))
        means = [float(point(kind, values[t])) for t in names]  # type: ignore[arg-type]
        return Ensemble({"mixture": comps}, w, {"mean": _spread(means, ws)})
    raise ForecastError(
        f"unknown question kind {kind!r}; expected binary, multiple_choice or numeric"
    )


def performance_weights(mean_brier: Mapping[str, float], n: int, *, learning_rate: float = 1.0,
                        floor: float = 0.05) -> dict[str, float]:
    r"""Weights from forecast performance: the exponentially weighted average forecaster over
    each theory's mean Brier score on ``n`` resolved questions, mixed with the uniform weight.

    .. math::

        \tilde w_t = \frac{\exp(-\lambda n \bar B_t)}{\sum_u \exp(-\lambda n \bar B_u)}, \qquad
        w_t = (1 - \varepsilon)\,\tilde w_t + \varepsilon / K

    with :math:`\lambda` = ``learning_rate``, :math:`\varepsilon` = ``floor`` and :math:`K`
    theories; the floor keeps every theory's weight above 0, which Bayes' rule (signposts) could
    never raise again.

    Cesa-Bianchi, N. & Lugosi, G. (2006). *Prediction, Learning, and Games*. Cambridge
    University Press, ch. 2 (the exponentially weighted average forecaster).
    """
    if not mean_brier:
        raise ForecastError("no theories to weigh")
    if not 0.0 <= floor <= 1.0:
        raise ForecastError(f"floor must be in [0, 1], got {floor!r}")
    exps = {t: -learning_rate * n * b for t, b in mean_brier.items()}
    top = max(exps.values())
    raw = normalize_weights({t: math.exp(e - top) for t, e in exps.items()})
    k = len(raw)
    return {t: (1.0 - floor) * w + floor / k for t, w in raw.items()}
