r"""Signposts: Bayes updates of theory weights from pre-registered likelihoods, and the value of
information of watching for each signpost.

Pure: plain mappings in, named tuples out.

A signpost states, before it is observed, :math:`L_t = P(\text{observed} \mid t)` for every
theory :math:`t`. Recording it as observed (or as not observed) updates the weights by Bayes'
rule,

.. math::

    w'_t = \frac{w_t L_t}{\sum_u w_u L_u} \quad\text{(observed)}, \qquad
    w'_t = \frac{w_t (1 - L_t)}{\sum_u w_u (1 - L_u)} \quad\text{(not observed)},

and the ensemble forecast of every question moves with the weights. Before observing, the
ensemble's expected absolute change (the value of information of watching the signpost) is

.. math::

    \mathrm{VOI} = P(o)\,\lvert p^{o} - p \rvert + (1 - P(o))\,\lvert p^{\bar o} - p \rvert,
    \qquad P(o) = \sum_t w_t L_t,

where :math:`p^{o}` and :math:`p^{\bar o}` are the pooled forecasts under the two updated weight
vectors. Because the pooled forecast is a martingale (:math:`P(o) p^{o} + (1 - P(o)) p^{\bar o}
= p`), the two terms are equal and :math:`\mathrm{VOI} = 2 P(o) \lvert p^{o} - p \rvert`. For a
multiple-choice question :math:`\lvert \cdot \rvert` is the total variation distance
:math:`\tfrac12 \sum_k \lvert \Delta p_k \rvert`; for a numeric question, the change of the
ensemble mean divided by the width of the question's range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from casusbelli.errors import ForecastError

__all__ = [
    "SignpostValue",
    "WeightUpdate",
    "pool",
    "rank_signposts",
    "update_weights",
    "value_of_information",
]

Status = Literal["observed", "not-observed"]


class WeightUpdate(NamedTuple):
    """Theory weights before and after one observation, and how likely it was."""

    before: dict[str, float]
    after: dict[str, float]
    p_observed: float


def _check(weights: Mapping[str, float], likelihoods: Mapping[str, float]) -> None:
    missing = [t for t in weights if t not in likelihoods]
    if missing:
        raise ForecastError(f"no likelihood for theories {missing}")
    for t, v in likelihoods.items():
        if not 0.0 <= v <= 1.0:
            raise ForecastError(f"likelihood for {t!r} must lie in [0, 1], got {v!r}")


def update_weights(weights: Mapping[str, float], likelihoods: Mapping[str, float],
                   status: Status) -> WeightUpdate:
    r"""Bayes' rule on theory weights after a signpost is observed or seen not to happen.

    .. math:: w'_t \propto w_t \, L_t \ \text{(observed)}, \qquad
              w'_t \propto w_t \, (1 - L_t) \ \text{(not observed)}

    Examples
    --------
    >>> u = update_weights({"a": 0.5, "b": 0.5}, {"a": 0.8, "b": 0.2}, "observed")
    >>> {t: round(w, 2) for t, w in u.after.items()}, round(u.p_observed, 2)
    ({'a': 0.8, 'b': 0.2}, 0.5)
    """
    if status not in ("observed", "not-observed"):
        raise ForecastError(f"status must be 'observed' or 'not-observed', got {status!r}")
    _check(weights, likelihoods)
    total = sum(weights.values())
    before = {t: w / total for t, w in weights.items()}
    p_obs = sum(before[t] * likelihoods[t] for t in before)
    lik = {t: likelihoods[t] if status == "observed" else 1.0 - likelihoods[t] for t in before}
    z = sum(before[t] * lik[t] for t in before)
    if z <= 0:
        raise ForecastError(f"every theory gave this {status} signpost probability 0")
    after = {t: before[t] * lik[t] / z for t in before}
    return WeightUpdate(before, after, p_obs)


def pool(weights: Mapping[str, float], values: Mapping[str, Sequence[float]]) -> list[float]:
    """Weighted sum of each theory's vector (theories without a value are left out, and the
    remaining weights renormalised)."""
    names = [t for t in values if t in weights]
    total = sum(weights[t] for t in names)
    if not names or total <= 0:
        raise ForecastError("no weighted theory has a forecast")
    n = len(values[names[0]])
    return [sum(weights[t] * values[t][i] for t in names) / total for i in range(n)]


class SignpostValue(NamedTuple):
    """What observing a signpost would do to one question's ensemble forecast."""

    question: str
    now: list[float]
    if_observed: list[float]
    if_not_observed: list[float]
    p_observed: float
    expected_change: float


def _distance(a: Sequence[float], b: Sequence[float], norm: str) -> float:
    d = sum(abs(x - y) for x, y in zip(a, b, strict=True))
    return 0.5 * d if norm == "tv" else d


def value_of_information(
    question: str,
    weights: Mapping[str, float],
    likelihoods: Mapping[str, float],
    values: Mapping[str, Sequence[float]],
    *,
    norm: Literal["tv", "abs"] = "tv",
) -> SignpostValue:
    r"""Expected absolute change of a question's pooled forecast from watching a signpost.

    .. math:: \mathrm{VOI} = P(o) d(p^{o}, p) + (1 - P(o)) d(p^{\bar o}, p)

    Parameters
    ----------
    values
        Each theory's forecast as a vector: ``[P(yes), P(no)]`` for binary questions, the option
        probabilities for multiple choice (both with ``norm="tv"``), or ``[mean / range width]``
        for numeric questions (``norm="abs"``).

    Examples
    --------
    >>> v = value_of_information("q", {"a": 0.5, "b": 0.5}, {"a": 0.8, "b": 0.2},
    ...                          {"a": [0.9, 0.1], "b": [0.1, 0.9]})
    >>> round(v.if_observed[0], 2), round(v.expected_change, 2)
    (0.74, 0.24)
    """
    up_o = update_weights(weights, likelihoods, "observed")
    now = pool(up_o.before, values)
    p_o = up_o.p_observed
    if_o = pool(up_o.after, values) if p_o > 0 else now
    if_n = pool(update_weights(weights, likelihoods, "not-observed").after, values) \
        if p_o < 1 else now
    change = p_o * _distance(if_o, now, norm) + (1 - p_o) * _distance(if_n, now, norm)
    return SignpostValue(question, now, if_o, if_n, p_o, change)


def rank_signposts(
    values: Iterable[tuple[str, Sequence[SignpostValue]]],
) -> list[tuple[str, float, tuple[SignpostValue, ...]]]:
    """Order signposts by the largest expected change they bring to any of their questions.

    Returns ``(signpost, max expected change, per-question values sorted largest first)``,
    largest first; ties keep the input order.
    """
    ranked = []
    for sid, vs in values:
        per_q = tuple(sorted(vs, key=lambda v: -v.expected_change))
        ranked.append((sid, per_q[0].expected_change if per_q else 0.0, per_q))
    return sorted(ranked, key=lambda r: -r[1])
