"""Typed results of dependence-aware process tracing: clusters, worst cases, sensitivity and the
whole :class:`ProcessTrace` (see :mod:`casusbelli.within.dependence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from casusbelli.within.posterior import (
    TraceResult,
)

__all__ = [
    "Cluster",
    "ProcessTrace",
    "Sensitivity",
    "WorstCase",
]

#: The kind whose items stay out of the likelihood unless ``with_interpretations``.
INTERPRETATION = "interpretation"


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
