r"""Bayesian process tracing: posterior over rival hypotheses, weight of evidence, test types.

Hypotheses :math:`H_1..H_m` are taken as mutually exclusive and exhaustive. Each item of
evidence :math:`E_k` carries likelihoods :math:`P(E_k \mid H_i) \in (0, 1]`, given directly or
mapped from ACH ratings with :data:`LIKELIHOOD_FROM_RATING`. Items are treated as conditionally
independent given each hypothesis, so log-odds add up item by item:

.. math::

    \log P(H_i \mid E_{1..k}) = \log P(H_i) + \sum_{l \le k} \log P(E_l \mid H_i) - \log Z_k

and the **weight of evidence** of :math:`E_k` for :math:`H_i` against :math:`H_j`, in decibans,

.. math:: \mathrm{WoE}_k(H_i : H_j) = 10 \log_{10} \frac{P(E_k \mid H_i)}{P(E_k \mid H_j)}

sums over items to the change in posterior log-odds,
:math:`10\log_{10}\frac{P(H_i\mid E)}{P(H_j\mid E)} - 10\log_{10}\frac{P(H_i)}{P(H_j)}`.

**Dependent evidence.** Multiplying likelihoods is only right when items are conditionally
independent given each hypothesis. Items that restate one source, or that the workspace declares
dependent (``depends_on``), are not: five reports of one speech are one piece of evidence.
:func:`trace_evidence` therefore joins items that share a source id or a ``depends_on`` link
into clusters (connected components, union-find) and lets each cluster contribute **one**
likelihood, the geometric mean of its items' likelihoods,

.. math:: \log L_{c}(H_i) = \frac{1}{|c|} \sum_{k \in c} \log P(E_k \mid H_i),

so a cluster moves the posterior no more than its most extreme item would, and exactly as
one item when its items agree. This is a deliberately conservative discount chosen by this
package, not a model of the dependence and not taken from the works cited below. The principle
behind it is the chain rule: the likelihood is for the evidence *jointly*,
:math:`P(E_1 E_2 \mid H) = P(E_1 \mid H)\, P(E_2 \mid E_1, H)`, and when :math:`E_2` restates
:math:`E_1` the second factor is near 1 under every hypothesis, so it adds almost nothing.
Interpretations (an analyst's or scholar's reading, not evidence of what happened) are shown
but kept out of the likelihood unless asked for.

References
----------
Fairfield, T. & Charman, A. E. (2017). Explicit Bayesian analysis for process tracing:
guidelines, opportunities, and caveats. *Political Analysis* 25(3), 363-380.
(``fairfield2017explicit``)
Fairfield, T. & Charman, A. E. (2022). *Social Inquiry and Bayesian Inference: Rethinking
Qualitative Research*. Cambridge University Press. (``fairfield2022social``)
Van Evera, S. (1997). *Guide to Methods for Students of Political Science*. Cornell University
Press. (``vanevera1997guide``)
Bennett, A. & Checkel, J. T. (eds.) (2015). *Process Tracing: From Metaphor to Analytic Tool*.
Cambridge University Press. (``bennett2015process``)
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
    "EXACT_SUBSETS",
    "LIKELIHOOD_FROM_RATING",
    "TEMPER_POWERS",
    "TEST_KINDS",
    "UNIQUENESS",
    "Cluster",
    "ProcessTrace",
    "Sensitivity",
    "TraceResult",
    "WorstCase",
    "classify_test",
    "clusters_of",
    "likelihoods_from_ratings",
    "trace",
    "trace_evidence",
    "trace_matrix",
    "worst_case",
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
    if m > 1:
        rivals = (lk @ pi)[:, None] - lk * pi[None, :]
        p_not = rivals / (1.0 - pi)[None, :]
    else:
        p_not = np.ones_like(lk)
    vs_rest = 10.0 * np.log10(lk / p_not)
    tests = tuple(
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


# --------------------------------------------------------------------------- dependence-aware

#: Powers applied to the log-likelihoods in :class:`Sensitivity` (1 = as rated).
TEMPER_POWERS = (0.5, 0.25)
#: Largest number of subsets enumerated for the worst case at one k; above it, a greedy bound.
EXACT_SUBSETS = 20_000
#: The kind whose items stay out of the likelihood unless ``with_interpretations``.
INTERPRETATION = "interpretation"


def clusters_of(
    item_ids: Sequence[str],
    sources: Sequence[Sequence[str]] | None = None,
    depends_on: Sequence[Sequence[str]] | None = None,
) -> tuple[tuple[int, ...], ...]:
    """Group items that share a source id or are linked by ``depends_on`` (union-find).

    Returns the clusters as tuples of item positions, each sorted, ordered by their first item.
    Links to ids not in ``item_ids`` are ignored (they are left out of this run).
    """
    n = len(item_ids)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_with: dict[str, int] = {}
    for k, srcs in enumerate(sources or [()] * n):
        for src in srcs:
            if src in first_with:
                union(first_with[src], k)
            else:
                first_with[src] = k
    pos = {iid: k for k, iid in enumerate(item_ids)}
    for k, deps in enumerate(depends_on or [()] * n):
        for d in deps:
            if d in pos:
                union(k, pos[d])
    groups: dict[int, list[int]] = {}
    for k in range(n):
        groups.setdefault(find(k), []).append(k)
    return tuple(tuple(g) for g in sorted(groups.values(), key=lambda g: g[0]))


def _day(value: str | None, last: bool) -> tuple[int, int, int] | None:
    """First or last calendar day a partial date (YYYY, YYYY-MM, YYYY-MM-DD) can mean."""
    if value is None:
        return None
    try:
        parts = [int(x) for x in str(value).split("-")]
    except ValueError:
        parts = []
    if not 1 <= len(parts) <= 3:
        raise AnalysisError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        import calendar

        return parts[0], parts[1], (calendar.monthrange(*parts)[1] if last else 1)
    return (parts[0], 12, 31) if last else (parts[0], 1, 1)


@dataclass(frozen=True, eq=False)
class Cluster:
    """Items counted as one piece of evidence, and the one likelihood they contribute.

    ``log_likelihood[i]`` is the mean over the items of :math:`\\log P(E_k \\mid H_i)`;
    ``log_ratio_vs_rest[i]`` is that likelihood against the prior-weighted rivals of H_i (natural
    log); ``influence`` is the total-variation distance between the posterior and the posterior
    without this cluster; ``posterior_after`` the posterior once this cluster and every earlier
    one (clusters are in order of the date they became knowable) are in.
    """

    id: str
    items: tuple[str, ...]
    log_likelihood: NDArray[np.float64]
    log_ratio_vs_rest: NDArray[np.float64]
    influence: float
    posterior_after: NDArray[np.float64]

    def to_dict(self, hypotheses: Sequence[str]) -> dict[str, Any]:
        """JSON-ready mapping."""
        h = list(hypotheses)
        return {
            "id": self.id,
            "items": list(self.items),
            "log_likelihood": dict(zip(h, self.log_likelihood.tolist(), strict=True)),
            "log_ratio_vs_rest": dict(zip(h, self.log_ratio_vs_rest.tolist(), strict=True)),
            "influence": self.influence,
            "posterior_after": dict(zip(h, self.posterior_after.tolist(), strict=True)),
        }


@dataclass(frozen=True)
class WorstCase:
    """The leader's lowest posterior after removing at most ``k`` clusters.

    ``removed`` names the clusters removed (``k`` of them or fewer, when removing fewer was
    worse). ``method`` is ``"exact"`` (every subset of size 1..k enumerated; ``subsets`` counts
    those of size k) or ``"greedy"`` (for some size, clusters removed one at a time, each the one
    that lowers the leader most): then ``posterior`` is an upper bound on the true lowest value,
    which may be lower still.
    """

    k: int
    leader: str
    posterior: float
    removed: tuple[str, ...]
    method: Literal["exact", "greedy"]
    subsets: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "k": self.k,
            "leader": self.leader,
            "posterior": self.posterior,
            "removed": list(self.removed),
            "method": self.method,
            "bound": "exact" if self.method == "exact" else "upper bound on the lowest value",
            "subsets": self.subsets,
        }


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """How far the clustered posterior moves under weaker or fewer evidence, or other analysts.

    Attributes
    ----------
    leader
        The hypothesis with the highest clustered posterior.
    tempered
        ``(power, posterior)`` pairs: every cluster log-likelihood multiplied by the power
        (likelihoods flattened toward 1, as if the analyst were over-confident).
    worst_case
        Per k = 1..5 (at most the number of clusters), the leader's lowest posterior after
        removing at most k clusters: see :class:`WorstCase`.
    analysts, analyst_posteriors
        When several analysts rated the items: each analyst's clustered posterior (ratings
        mapped with :data:`LIKELIHOOD_FROM_RATING`); ``None`` otherwise.
    leader_band
        Lowest and highest posterior of the leader over the full, tempered, worst-case and
        per-analyst posteriors.
    """

    hypotheses: tuple[str, ...]
    leader: str
    tempered: tuple[tuple[float, NDArray[np.float64]], ...]
    worst_case: tuple[WorstCase, ...]
    analysts: tuple[str, ...] | None
    analyst_posteriors: NDArray[np.float64] | None
    leader_band: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        h = list(self.hypotheses)
        spread = None
        if self.analysts is not None and self.analyst_posteriors is not None:
            ap = self.analyst_posteriors
            spread = {
                "analysts": {
                    a: dict(zip(h, ap[k].tolist(), strict=True))
                    for k, a in enumerate(self.analysts)
                },
                "min": dict(zip(h, ap.min(axis=0).tolist(), strict=True)),
                "max": dict(zip(h, ap.max(axis=0).tolist(), strict=True)),
            }
        return {
            "leader": self.leader,
            "tempered": {
                str(p): dict(zip(h, post.tolist(), strict=True)) for p, post in self.tempered
            },
            "worst_case": [w.to_dict() for w in self.worst_case],
            "analysts": spread,
            "leader_band": list(self.leader_band),
        }


@dataclass(frozen=True, eq=False)
class ProcessTrace:
    """Result of :func:`trace_evidence`: dependence-aware posterior, pre-decision view, sensitivity.

    Attributes
    ----------
    hypotheses, item_ids, kinds, knowable
        Labels and each item's kind and knowable date (``None`` unknown).
    in_likelihood
        Whether each item enters the likelihood (interpretations do not, by default).
    cluster_of
        Each item's cluster id (``None`` when it is left out of the likelihood).
    prior, posterior, flat_posterior
        Prior, clustered posterior, and the clustered posterior under a flat prior.
    posterior_independent
        What multiplying every included item's likelihood (independence) would give.
    decision_date, posterior_before_decision, items_before_decision
        The cut-off date, and the clustered posterior on the included items knowable strictly
        before it (``None`` without a date); an item with an unknown date is not before it.
    clusters
        In order of the first date one of their items became knowable (unknown last).
    detail
        The per-item :class:`TraceResult` (decibans, test types) over every item.
    sensitivity
        See :class:`Sensitivity`.
    """

    hypotheses: tuple[str, ...]
    item_ids: tuple[str, ...]
    kinds: tuple[str | None, ...]
    knowable: tuple[str | None, ...]
    in_likelihood: tuple[bool, ...]
    cluster_of: tuple[str | None, ...]
    with_interpretations: bool
    prior: NDArray[np.float64]
    posterior: NDArray[np.float64]
    flat_posterior: NDArray[np.float64]
    posterior_independent: NDArray[np.float64]
    decision_date: str | None
    posterior_before_decision: NDArray[np.float64] | None
    items_before_decision: tuple[str, ...]
    clusters: tuple[Cluster, ...]
    detail: TraceResult
    sensitivity: Sensitivity

    @property
    def most_influential(self) -> tuple[str, ...]:
        """Cluster ids by decreasing influence."""
        order = sorted(range(len(self.clusters)), key=lambda c: -self.clusters[c].influence)
        return tuple(self.clusters[c].id for c in order)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (the shape of ``casus trace --json``)."""
        h = self.hypotheses
        d = self.detail
        before = set(self.items_before_decision)

        def post(x: NDArray[np.float64] | None) -> dict[str, float] | None:
            return None if x is None else dict(zip(h, x.tolist(), strict=True))

        return {
            "hypotheses": list(h),
            "prior": post(self.prior),
            "posterior": post(self.posterior),
            "flat_posterior": post(self.flat_posterior),
            "posterior_independent": post(self.posterior_independent),
            "decision_date": self.decision_date,
            "posterior_before_decision": post(self.posterior_before_decision),
            "items_before_decision": list(self.items_before_decision),
            "with_interpretations": self.with_interpretations,
            "items": [
                {
                    "id": iid,
                    "kind": self.kinds[k],
                    "knowable": self.knowable[k],
                    "in_likelihood": self.in_likelihood[k],
                    "interpretation": self.kinds[k] == INTERPRETATION,
                    "cluster": self.cluster_of[k],
                    "before_decision": iid in before,
                    "decibans_vs_rest": dict(zip(h, d.decibans_vs_rest[k].tolist(), strict=True)),
                    "decibans": {
                        a: {b: float(d.decibans[k, i, j]) for j, b in enumerate(h) if j != i}
                        for i, a in enumerate(h)
                    },
                    "tests": dict(zip(h, d.tests[k], strict=True)),
                }
                for k, iid in enumerate(self.item_ids)
            ],
            "excluded": [iid for k, iid in enumerate(self.item_ids) if not self.in_likelihood[k]],
            "clusters": [c.to_dict(h) for c in self.clusters],
            "most_influential": list(self.most_influential),
            "sensitivity": self.sensitivity.to_dict(),
        }


def _vs_rest(loglk: NDArray[np.float64], pi: NDArray[np.float64]) -> NDArray[np.float64]:
    """log L_i - log(sum_{j != i} pi_j L_j / (1 - pi_i)), rows of ``loglk`` separately."""
    m = pi.size
    if m == 1:
        return np.zeros_like(loglk)
    lk = np.exp(loglk - loglk.max(axis=-1, keepdims=True))
    rivals = (lk @ pi)[..., None] - lk * pi
    return np.log(lk) - np.log(rivals / (1.0 - pi))  # type: ignore[no-any-return]


def worst_case(
    cluster_loglk: ArrayLike,
    prior: ArrayLike,
    leader: int,
    k: int,
    *,
    exact_limit: int = EXACT_SUBSETS,
) -> tuple[float, tuple[int, ...], Literal["exact", "greedy"], int]:
    r"""Lowest posterior of hypothesis ``leader`` after removing any ``k`` clusters.

    .. math::

        \min_{|S| = k}\ \operatorname{softmax}
        \Big(\log\pi + \sum_{c \notin S} \ell_c\Big)_{\text{leader}}

    Enumerates every subset when :math:`\binom{C}{k} \le` ``exact_limit``; otherwise removes
    clusters greedily (each step the one that lowers the leader most), which gives an upper bound
    on the minimum. Returns ``(posterior, removed positions, method, number of subsets)``.
    """
    from itertools import combinations
    from math import comb

    lc = np.asarray(cluster_loglk, dtype=np.float64)
    logpi = np.log(np.asarray(prior, dtype=np.float64))
    total = lc.sum(axis=0)
    n = lc.shape[0]
    if not 0 < k <= n:
        raise AnalysisError(f"cannot remove {k} of {n} clusters", field="k")
    count = comb(n, k)
    if count <= exact_limit:
        subsets = np.fromiter(
            (i for c in combinations(range(n), k) for i in c), dtype=np.intp, count=count * k
        ).reshape(count, k)
        post = _softmax(logpi + total - lc[subsets].sum(axis=1))[:, leader]
        best = int(np.argmin(post))
        return float(post[best]), tuple(int(i) for i in subsets[best]), "exact", count
    removed: list[int] = []
    rest = total.copy()
    value = float(_softmax(logpi + rest)[leader])
    for _ in range(k):
        left = [c for c in range(n) if c not in removed]
        post = _softmax(logpi + rest - lc[left])[:, leader]
        pick = int(np.argmin(post))
        removed.append(left[pick])
        rest = rest - lc[left[pick]]
        value = float(post[pick])
    return value, tuple(removed), "greedy", count


def trace_evidence(
    likelihoods: ArrayLike,
    *,
    hypotheses: Sequence[str] | None = None,
    item_ids: Sequence[str] | None = None,
    prior: ArrayLike | None = None,
    sources: Sequence[Sequence[str]] | None = None,
    depends_on: Sequence[Sequence[str]] | None = None,
    kinds: Sequence[str | None] | None = None,
    knowable: Sequence[str | None] | None = None,
    decision_date: str | None = None,
    with_interpretations: bool = False,
    analyst_likelihoods: ArrayLike | None = None,
    analysts: Sequence[str] | None = None,
    max_k: int = 5,
    exact_limit: int = EXACT_SUBSETS,
    certainty: float = CERTAINTY,
    uniqueness: float = UNIQUENESS,
) -> ProcessTrace:
    r"""Process tracing that counts dependent evidence once and shows what was knowable then.

    Parameters
    ----------
    likelihoods
        ``P(E_k | H_i)``, shape ``(items, hypotheses)``, in (0, 1].
    hypotheses, item_ids, prior
        As in :func:`trace`.
    sources, depends_on
        Per item, its source ids and the ids of items it depends on; items sharing a source or
        linked by ``depends_on`` form one cluster (:func:`clusters_of`). Default: none.
    kinds
        Per item ``observation``, ``official_statement``, ``interpretation`` or ``None``.
        Interpretations stay out of the likelihood unless ``with_interpretations``.
    knowable, decision_date
        Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``). An item is *before the decision*
        when the last day its knowable date can mean is earlier than the first day of
        ``decision_date``; an unknown date (``None``) never is.
    analyst_likelihoods, analysts
        ``(analysts, items, hypotheses)`` likelihoods per analyst, for the spread in
        :class:`Sensitivity` (only used with two analysts or more).
    max_k, exact_limit
        Worst case for k = 1..``max_k`` clusters removed; see :func:`worst_case`.

    Returns
    -------
    ProcessTrace

    Notes
    -----
    Cluster :math:`c` contributes :math:`\ell_c(i) = |c|^{-1}\sum_{k\in c}\log L_{ki}` and the
    posterior is :math:`\operatorname{softmax}(\log\pi + \sum_c \ell_c)`. The pre-decision
    posterior keeps the clusters of the full set, each restricted to its items knowable before
    the decision (two early items linked only through a later one stay one cluster, the cautious
    choice). Tempered posteriors use :math:`\gamma\sum_c\ell_c` for :math:`\gamma` in
    :data:`TEMPER_POWERS`. The mean-of-logs rule and tempering are this package's conventions.
    """
    lk = np.asarray(likelihoods, dtype=np.float64)
    detail = trace(
        lk,
        hypotheses=hypotheses,
        item_ids=item_ids,
        prior=prior,
        certainty=certainty,
        uniqueness=uniqueness,
    )
    n, m = lk.shape
    hyps, ids, pi = detail.hypotheses, detail.item_ids, detail.prior
    kinds_t = tuple(kinds) if kinds is not None else (None,) * n
    know_t = tuple(knowable) if knowable is not None else (None,) * n
    for name, seq in (
        ("kinds", kinds_t),
        ("knowable", know_t),
        ("sources", sources),
        ("depends_on", depends_on),
    ):
        if seq is not None and len(seq) != n:
            raise AnalysisError(f"{name} has {len(seq)} entries for {n} items", field=name)
    include = tuple(with_interpretations or kd != INTERPRETATION for kd in kinds_t)
    inc_idx = [k for k in range(n) if include[k]]
    if not inc_idx:
        raise AnalysisError(
            "every item is an interpretation; nothing enters the likelihood",
            hint="pass with_interpretations (casus trace --with-interpretations)",
        )
    groups = clusters_of(
        [ids[k] for k in inc_idx],
        [sources[k] for k in inc_idx] if sources is not None else None,
        [depends_on[k] for k in inc_idx] if depends_on is not None else None,
    )
    groups = tuple(tuple(inc_idx[g] for g in grp) for grp in groups)

    def first_known(grp: tuple[int, ...]) -> tuple[int, tuple[int, int, int], int]:
        days = [d for d in (_day(know_t[k], True) for k in grp) if d is not None]
        return (0, min(days), grp[0]) if days else (1, (0, 0, 0), grp[0])

    groups = tuple(sorted(groups, key=first_known))
    loglk = np.log(lk)

    def combine(
        log_rows: NDArray[np.float64], grps: Sequence[Sequence[int]]
    ) -> NDArray[np.float64]:
        if not grps:
            return np.zeros((0, m))
        return np.stack([log_rows[list(g)].mean(axis=0) for g in grps])

    lc = combine(loglk, groups)
    logpi = np.log(pi)
    total = lc.sum(axis=0)
    posterior = _softmax(logpi + total)
    flat = _softmax(total)
    independent = _softmax(logpi + loglk[inc_idx].sum(axis=0))
    path = _softmax(logpi + np.cumsum(lc, axis=0))
    loo = _softmax(logpi + total - lc)
    influence = 0.5 * np.abs(loo - posterior).sum(axis=1)
    vs_rest = _vs_rest(lc, pi)
    cids = tuple(ids[g[0]] if len(g) == 1 else "+".join(ids[k] for k in g) for g in groups)
    clusters = tuple(
        Cluster(
            id=cids[c],
            items=tuple(ids[k] for k in g),
            log_likelihood=lc[c],
            log_ratio_vs_rest=vs_rest[c],
            influence=float(influence[c]),
            posterior_after=path[c],
        )
        for c, g in enumerate(groups)
    )
    cluster_of: list[str | None] = [None] * n
    for c, g in enumerate(groups):
        for k in g:
            cluster_of[k] = cids[c]

    post_before: NDArray[np.float64] | None = None
    before_ids: tuple[str, ...] = ()
    cut = _day(decision_date, False)
    if cut is not None:
        early = {k for k in inc_idx if (d := _day(know_t[k], True)) is not None and d < cut}
        before_ids = tuple(ids[k] for k in range(n) if k in early)
        sub = [tuple(k for k in g if k in early) for g in groups]
        post_before = _softmax(logpi + combine(loglk, [g for g in sub if g]).sum(axis=0))

    leader = int(np.argmax(posterior))
    tempered = tuple((p, _softmax(logpi + p * total)) for p in TEMPER_POWERS)
    worst: list[WorstCase] = []
    exact_so_far = True
    for k in range(1, min(max_k, len(groups)) + 1):
        value, removed, method, count = worst_case(lc, pi, leader, k, exact_limit=exact_limit)
        exact_so_far = exact_so_far and method == "exact"
        label: Literal["exact", "greedy"] = "exact" if exact_so_far else "greedy"
        if worst and worst[-1].posterior <= value:  # removing fewer was worse: "at most k"
            value, names = worst[-1].posterior, worst[-1].removed
        else:
            names = tuple(cids[c] for c in removed)
        worst.append(WorstCase(k, hyps[leader], value, names, label, count))
    a_names, a_post = None, None
    if analyst_likelihoods is not None:
        alk = np.asarray(analyst_likelihoods, dtype=np.float64)
        if alk.shape[1:] != (n, m):
            raise AnalysisError(
                f"analyst likelihoods have shape {alk.shape}, expected (analysts, {n}, {m})",
                field="analyst_likelihoods",
            )
        if alk.shape[0] >= 2:
            _check_likelihoods(alk, "analyst_likelihoods")
            a_names = (
                tuple(analysts)
                if analysts is not None
                else tuple(f"A{a + 1}" for a in range(alk.shape[0]))
            )
            a_post = np.stack(
                [_softmax(logpi + combine(np.log(x), groups).sum(axis=0)) for x in alk]
            )
    values = [posterior[leader], *(t[leader] for _, t in tempered), *(w.posterior for w in worst)]
    if a_post is not None:
        values += list(a_post[:, leader])
    sens = Sensitivity(
        hypotheses=hyps,
        leader=hyps[leader],
        tempered=tempered,
        worst_case=tuple(worst),
        analysts=a_names,
        analyst_posteriors=a_post,
        leader_band=(float(min(values)), float(max(values))),
    )
    return ProcessTrace(
        hypotheses=hyps,
        item_ids=ids,
        kinds=kinds_t,
        knowable=know_t,
        in_likelihood=include,
        cluster_of=tuple(cluster_of),
        with_interpretations=with_interpretations,
        prior=pi,
        posterior=posterior,
        flat_posterior=flat,
        posterior_independent=independent,
        decision_date=decision_date,
        posterior_before_decision=post_before,
        items_before_decision=before_ids,
        clusters=clusters,
        detail=detail,
        sensitivity=sens,
    )
