"""Bayesian process tracing with conditionally independent items: likelihoods from ACH ratings,
Van Evera's test types, the posterior and the weight of evidence (see :mod:`casusbelli.within.bayes`
for the formulas and references).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from casusbelli.errors import AnalysisError
from casusbelli.within.ach import NA_CODE, AchMatrix, pool

__all__ = [
    "CERTAINTY",
    "LIKELIHOOD_FROM_RATING",
    "TEST_KINDS",
    "TraceResult",
    "UNIQUENESS",
    "classify_test",
    "likelihoods_from_ratings",
    "trace",
    "trace_matrix",
]

#: Conventional mapping from an ACH rating to P(E | H). **A convention, not a measurement**:
#: it only orders the ratings and keeps every value inside (0, 1]; state your own table when
#: you can. NA ("does not bear on H") is mapped like N.
LIKELIHOOD_FROM_RATING: dict[str, float] = {
    "CC": 0.9,
    "C": 0.7,
    "N": 0.5,
    "I": 0.2,
    "II": 0.05,
    "NA": 0.5,
}
_CODE_LIKELIHOOD = {2: 0.9, 1: 0.7, 0: 0.5, -1: 0.2, -2: 0.05, NA_CODE: 0.5}

#: Default threshold: a prediction is *certain* for H when P(E | H) >= CERTAINTY.
CERTAINTY = 0.8
#: Default threshold: a prediction is *unique* to H when P(E | not H) <= UNIQUENESS.
UNIQUENESS = 0.2
#: Van Evera's four test types.
TEST_KINDS = ("straw-in-the-wind", "hoop", "smoking-gun", "doubly-decisive")
TestKind = Literal["straw-in-the-wind", "hoop", "smoking-gun", "doubly-decisive"]
_EPS = 1e-12


def _check_likelihoods(lk: NDArray[np.float64], name: str = "likelihoods") -> None:
    bad = ~((lk > 0) & (lk <= 1))  # NaN fails too
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AnalysisError(
            f"likelihood {lk[idx]!r} at {idx} is outside (0, 1]",
            field=name,
            hint="P(E|H) must be a probability above 0 (a zero would rule H out for ever)",
        )


def likelihoods_from_ratings(
    ratings: ArrayLike, table: dict[str, float] | None = None
) -> NDArray[np.float64]:
    """Map ACH rating codes to P(E | H) with :data:`LIKELIHOOD_FROM_RATING` (or ``table``)."""
    r = np.asarray(ratings, dtype=np.int8)
    if table is None:
        mapping = _CODE_LIKELIHOOD
    else:
        from casusbelli.within.ach import CODES

        missing = set(CODES) - set(table)
        if missing:
            raise AnalysisError(f"likelihood table lacks {sorted(missing)}", field="table")
        mapping = {CODES[k]: float(v) for k, v in table.items() if k in CODES}
    out = np.full(r.shape, np.nan)
    for code, p in mapping.items():
        out[r == code] = p
    if np.isnan(out).any():
        raise AnalysisError("ratings hold codes outside the ACH scale", field="ratings")
    _check_likelihoods(out, "table")
    return out


def classify_test(
    p_e_given_h: float,
    p_e_given_not_h: float,
    *,
    certainty: float = CERTAINTY,
    uniqueness: float = UNIQUENESS,
) -> TestKind:
    r"""Van Evera's test type of a piece of evidence for a hypothesis.

    ============================  ==========================  ==========================
    \                             unique: P(E|¬H) <= u        not unique
    ============================  ==========================  ==========================
    certain: P(E|H) >= c          doubly-decisive             hoop
    not certain                   smoking-gun                 straw-in-the-wind
    ============================  ==========================  ==========================

    *Certainty* (the prediction must hold if H is true, so failing it eliminates H) and
    *uniqueness* (the prediction is not expected under the rivals, so passing it confirms H)
    follow Van Evera (1997), as restated in Bennett & Checkel (2015) and formalised with
    likelihoods by Fairfield & Charman (2017, 2022). The thresholds
    ``c = 0.8`` and ``u = 0.2`` are conventions of this package, not of those authors.
    """
    p_h = np.asarray([p_e_given_h], dtype=np.float64)
    p_n = np.asarray([p_e_given_not_h], dtype=np.float64)
    _check_likelihoods(p_h, "p_e_given_h")
    _check_likelihoods(p_n, "p_e_given_not_h")
    cert = p_e_given_h >= certainty - _EPS
    uniq = p_e_given_not_h <= uniqueness + _EPS
    if cert and uniq:
        return "doubly-decisive"
    if cert:
        return "hoop"
    if uniq:
        return "smoking-gun"
    return "straw-in-the-wind"


@dataclass(frozen=True, eq=False)
class TraceResult:
    """Result of :func:`trace`.

    Attributes
    ----------
    hypotheses, item_ids
        Labels.
    prior, posterior, flat_posterior
        Prior used, final posterior, and the final posterior under a flat prior.
    path
        Posterior after each item, shape ``(items + 1, hypotheses)``; row 0 is the prior.
    decibans
        ``decibans[k, i, j]`` = weight of evidence of item k for H_i against H_j.
    decibans_vs_rest
        ``[k, i]`` = 10 log10 P(E_k|H_i) / P(E_k|not H_i), rivals weighted by the prior.
    tests
        ``[k][i]`` = Van Evera test type of item k for H_i (see :func:`classify_test`).
    influence
        Per item, total-variation distance between the final posterior and the posterior with
        that item left out; ``most_influential`` lists item ids by decreasing influence.
    """

    hypotheses: tuple[str, ...]
    item_ids: tuple[str, ...]
    prior: NDArray[np.float64]
    posterior: NDArray[np.float64]
    flat_posterior: NDArray[np.float64]
    path: NDArray[np.float64]
    decibans: NDArray[np.float64]
    decibans_vs_rest: NDArray[np.float64]
    tests: tuple[tuple[str, ...], ...]
    influence: NDArray[np.float64]
    most_influential: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (the shape of ``casus trace --json``)."""
        h = self.hypotheses
        return {
            "hypotheses": list(h),
            "prior": dict(zip(h, self.prior.tolist(), strict=True)),
            "posterior": dict(zip(h, self.posterior.tolist(), strict=True)),
            "flat_posterior": dict(zip(h, self.flat_posterior.tolist(), strict=True)),
            "items": [
                {
                    "id": iid,
                    "posterior_after": dict(zip(h, self.path[k + 1].tolist(), strict=True)),
                    "decibans_vs_rest": dict(
                        zip(h, self.decibans_vs_rest[k].tolist(), strict=True)
                    ),
                    "decibans": {
                        a: {b: float(self.decibans[k, i, j]) for j, b in enumerate(h) if j != i}
                        for i, a in enumerate(h)
                    },
                    "tests": dict(zip(h, self.tests[k], strict=True)),
                    "influence": float(self.influence[k]),
                }
                for k, iid in enumerate(self.item_ids)
            ],
            "most_influential": list(self.most_influential),
        }


def _softmax(logp: NDArray[np.float64]) -> NDArray[np.float64]:
    z = logp - logp.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]


def _prior(prior: ArrayLike | None, m: int) -> NDArray[np.float64]:
    if prior is None:
        return np.full(m, 1.0 / m)
    p = np.asarray(prior, dtype=np.float64).reshape(-1)
    if p.shape != (m,):
        raise AnalysisError(f"prior has {p.size} values for {m} hypotheses", field="prior")
    if not np.all((p > 0) & (p <= 1)):
        raise AnalysisError(
            "every prior probability must lie in (0, 1]",
            field="prior",
            hint="a hypothesis with prior 0 can never be revived by evidence; drop it instead",
        )
    if abs(p.sum() - 1.0) > 1e-6:
        raise AnalysisError(f"prior sums to {p.sum():.6g}, not 1", field="prior")
    return p / p.sum()  # type: ignore[no-any-return]


def _p_not_h(lk: NDArray[np.float64], pi: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Likelihood of each item under "not :math:`H_i`", the rivals weighted by the prior.

    .. math:: P(E_k\mid\neg H_i) = \frac{\sum_{j\ne i}\pi_j L_{kj}}{\sum_{j\ne i}\pi_j}

    (Fairfield & Charman 2022: a composite rival's likelihood depends on how the rivals are
    weighted). With a single hypothesis there is no rival and the value is 1.

    Parameters
    ----------
    lk
        ``P(E_k | H_i)``, shape ``(items, hypotheses)``.
    pi
        Prior over the hypotheses (sums to 1).
    """
    m = lk.shape[1]
    if m > 1:
        rivals = (lk @ pi)[:, None] - lk * pi[None, :]
        p_not = rivals / (1.0 - pi)[None, :]
    else:
        p_not = np.ones_like(lk)
    return p_not


def _test_types(
    lk: NDArray[np.float64], p_not: NDArray[np.float64], certainty: float, uniqueness: float
) -> tuple[tuple[str, ...], ...]:
    """Van Evera's test type (:func:`classify_test`) of every item for every hypothesis.

    ``p_not`` (from :func:`_p_not_h`) is clipped into ``[tiny, 1]`` against rounding.

    Van Evera (1997); Bennett & Checkel (2015); Fairfield & Charman (2017, 2022).
    """
    n, m = lk.shape
    return tuple(
        tuple(
            classify_test(
                float(lk[k, i]),
                float(min(max(p_not[k, i], np.finfo(float).tiny), 1.0)),
                certainty=certainty,
                uniqueness=uniqueness,
            )
            for i in range(m)
        )
        for k in range(n)
    )


def trace(
    likelihoods: ArrayLike,
    *,
    hypotheses: Sequence[str] | None = None,
    item_ids: Sequence[str] | None = None,
    prior: ArrayLike | None = None,
    certainty: float = CERTAINTY,
    uniqueness: float = UNIQUENESS,
) -> TraceResult:
    r"""Update a prior over rival hypotheses item by item; report weights of evidence.

    Parameters
    ----------
    likelihoods
        ``P(E_k | H_i)``, shape ``(items, hypotheses)``, every value in (0, 1].
    hypotheses, item_ids
        Labels (default ``H1..``, ``E1..``).
    prior
        Prior over the hypotheses (positive, sums to 1); default flat.
    certainty, uniqueness
        Thresholds for :func:`classify_test`.

    Returns
    -------
    TraceResult

    Raises
    ------
    AnalysisError
        A likelihood outside (0, 1], a bad prior, or an empty matrix.

    Notes
    -----
    Log posterior after item :math:`k`:
    :math:`\ell_k(i) = \log \pi_i + \sum_{l\le k} \log L_{li}`, normalised with a softmax.
    Uniqueness uses :math:`P(E\mid\neg H_i) = \sum_{j\ne i}\pi_j L_{kj} / \sum_{j\ne i}\pi_j`
    with the prior :math:`\pi` (Fairfield & Charman 2022 stress that a composite rival's
    likelihood depends on how the rivals are weighted). Influence of item :math:`k`:
    :math:`\tfrac12\sum_i |P(H_i\mid E) - P(H_i\mid E_{-k})|`.

    References
    ----------
    Fairfield & Charman (2017, 2022); Van Evera (1997); Bennett & Checkel (2015).
    """
    lk = np.asarray(likelihoods, dtype=np.float64)
    if lk.ndim != 2 or lk.shape[0] == 0 or lk.shape[1] == 0:
        raise AnalysisError(
            f"likelihoods must be a non-empty (items, hypotheses) array, got {lk.shape}"
        )
    _check_likelihoods(lk)
    n, m = lk.shape
    hyps = tuple(hypotheses) if hypotheses is not None else tuple(f"H{j + 1}" for j in range(m))
    ids = tuple(item_ids) if item_ids is not None else tuple(f"E{k + 1}" for k in range(n))
    if len(hyps) != m or len(ids) != n:
        raise AnalysisError(f"{len(hyps)} hypothesis labels / {len(ids)} item ids for {n}x{m}")
    pi = _prior(prior, m)
    loglk = np.log(lk)
    cum = np.vstack([np.zeros((1, m)), np.cumsum(loglk, axis=0)])
    path = _softmax(np.log(pi)[None, :] + cum)
    total = cum[-1]
    posterior = path[-1]
    flat = _softmax(total)
    log10 = loglk / np.log(10.0)
    decibans = 10.0 * (log10[:, :, None] - log10[:, None, :])
    p_not = _p_not_h(lk, pi)
    vs_rest = 10.0 * np.log10(lk / p_not)
    tests = _test_types(lk, p_not, certainty, uniqueness)
    loo = _softmax(np.log(pi)[None, :] + total[None, :] - loglk)
    influence = 0.5 * np.abs(loo - posterior[None, :]).sum(axis=1)
    order = np.argsort(-influence, kind="stable")
    return TraceResult(
        hypotheses=hyps,
        item_ids=ids,
        prior=pi,
        posterior=posterior,
        flat_posterior=flat,
        path=path,
        decibans=decibans,
        decibans_vs_rest=vs_rest,
        tests=tests,
        influence=influence,
        most_influential=tuple(ids[k] for k in order),
    )


def trace_matrix(
    matrix: AchMatrix,
    *,
    prior: ArrayLike | None = None,
    table: dict[str, float] | None = None,
    certainty: float = CERTAINTY,
    uniqueness: float = UNIQUENESS,
) -> TraceResult:
    """Run :func:`trace` on an :class:`~casusbelli.within.ach.AchMatrix`.

    Uses the matrix's own likelihoods when it has them; otherwise maps its ratings (pooled
    first when several analysts rated) with :func:`likelihoods_from_ratings`.
    """
    if matrix.likelihoods is not None:
        lk = matrix.likelihoods
    else:
        r = (
            matrix.ratings[0]
            if matrix.ratings.shape[0] == 1
            else pool(matrix.ratings, alpha=False).pooled
        )
        lk = likelihoods_from_ratings(r, table)
    return trace(
        lk,
        hypotheses=matrix.hypotheses,
        item_ids=matrix.item_ids,
        prior=prior,
        certainty=certainty,
        uniqueness=uniqueness,
    )
