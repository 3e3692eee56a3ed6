"""Dependence-aware process tracing: items that share a source or a ``depends_on`` link count
once (a cluster's geometric-mean likelihood), with tempering and worst-case sensitivity (see
:mod:`casusbelli.within.bayes` for the formulas and references).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from casusbelli.errors import AnalysisError
from casusbelli.within.posterior import (
    CERTAINTY,
    UNIQUENESS,
    _check_likelihoods,
    _softmax,
    trace,
)
from casusbelli.within.trace_types import (
    INTERPRETATION,
    Cluster,
    ProcessTrace,
    Sensitivity,
    WorstCase,
)

__all__ = [
    "Cluster",
    "EXACT_SUBSETS",
    "ProcessTrace",
    "Sensitivity",
    "TEMPER_POWERS",
    "WorstCase",
    "clusters_of",
    "trace_evidence",
    "worst_case",
]


# --------------------------------------------------------------------------- dependence-aware

#: Powers applied to the log-likelihoods in :class:`Sensitivity` (1 = as rated).
TEMPER_POWERS = (0.5, 0.25)
#: Largest number of subsets enumerated for the worst case at one k; above it, a greedy bound.
EXACT_SUBSETS = 20_000


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
    detail = trace(lk, hypotheses=hypotheses, item_ids=item_ids, prior=prior,
                   certainty=certainty, uniqueness=uniqueness)
    n, m = lk.shape
    hyps, ids, pi = detail.hypotheses, detail.item_ids, detail.prior
    kinds_t, know_t, include = _item_fields(n, kinds, knowable, sources, depends_on,
                                            with_interpretations)
    inc_idx = [k for k in range(n) if include[k]]
    groups = _ordered_clusters(ids, inc_idx, sources, depends_on, know_t)
    loglk = np.log(lk)
    lc = _combine(loglk, groups, m)
    logpi = np.log(pi)
    total = lc.sum(axis=0)
    posterior = _softmax(logpi + total)
    clusters, cluster_of, cids = _clusters(groups, ids, lc, pi, logpi, posterior, n)
    post_before, before_ids = _before_decision(decision_date, inc_idx, know_t, ids, groups,
                                               loglk, logpi)
    sens = _sensitivity(lc, pi, logpi, posterior, groups, cids, hyps, max_k, exact_limit,
                        analyst_likelihoods, analysts, (n, m))
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
        flat_posterior=_softmax(total),
        posterior_independent=_softmax(logpi + loglk[inc_idx].sum(axis=0)),
        decision_date=decision_date,
        posterior_before_decision=post_before,
        items_before_decision=before_ids,
        clusters=clusters,
        detail=detail,
        sensitivity=sens,
    )


def _item_fields(
    n: int,
    kinds: Sequence[str | None] | None,
    knowable: Sequence[str | None] | None,
    sources: Sequence[Sequence[str]] | None,
    depends_on: Sequence[Sequence[str]] | None,
    with_interpretations: bool,
) -> tuple[tuple[str | None, ...], tuple[str | None, ...], tuple[bool, ...]]:
    """Per item its kind, knowable date and whether it enters the likelihood (checked: one
    entry per item, and at least one item in the likelihood)."""
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
    if not any(include):
        raise AnalysisError(
            "every item is an interpretation; nothing enters the likelihood",
            hint="pass with_interpretations (casus trace --with-interpretations)",
        )
    return kinds_t, know_t, include


def _ordered_clusters(
    ids: tuple[str, ...],
    inc_idx: list[int],
    sources: Sequence[Sequence[str]] | None,
    depends_on: Sequence[Sequence[str]] | None,
    know_t: tuple[str | None, ...],
) -> tuple[tuple[int, ...], ...]:
    """The clusters of the items in the likelihood (item indices), ordered by the first day
    one of their items was knowable (undated clusters last)."""
    groups = clusters_of(
        [ids[k] for k in inc_idx],
        [sources[k] for k in inc_idx] if sources is not None else None,
        [depends_on[k] for k in inc_idx] if depends_on is not None else None,
    )
    groups = tuple(tuple(inc_idx[g] for g in grp) for grp in groups)

    def first_known(grp: tuple[int, ...]) -> tuple[int, tuple[int, int, int], int]:
        days = [d for d in (_day(know_t[k], True) for k in grp) if d is not None]
        return (0, min(days), grp[0]) if days else (1, (0, 0, 0), grp[0])

    return tuple(sorted(groups, key=first_known))


def _combine(
    log_rows: NDArray[np.float64], grps: Sequence[Sequence[int]], m: int
) -> NDArray[np.float64]:
    """Each cluster's log-likelihood: the mean of its items' log-likelihoods."""
    if not grps:
        return np.zeros((0, m))
    return np.stack([log_rows[list(g)].mean(axis=0) for g in grps])


def _clusters(
    groups: tuple[tuple[int, ...], ...],
    ids: tuple[str, ...],
    lc: NDArray[np.float64],
    pi: NDArray[np.float64],
    logpi: NDArray[np.float64],
    posterior: NDArray[np.float64],
    n: int,
) -> tuple[tuple[Cluster, ...], list[str | None], tuple[str, ...]]:
    """The :class:`Cluster` records, each item's cluster id, and the cluster ids."""
    total = lc.sum(axis=0)
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
    return clusters, cluster_of, cids


def _before_decision(
    decision_date: str | None,
    inc_idx: list[int],
    know_t: tuple[str | None, ...],
    ids: tuple[str, ...],
    groups: tuple[tuple[int, ...], ...],
    loglk: NDArray[np.float64],
    logpi: NDArray[np.float64],
) -> tuple[NDArray[np.float64] | None, tuple[str, ...]]:
    """The posterior from the items knowable before the decision, and their ids."""
    cut = _day(decision_date, False)
    if cut is None:
        return None, ()
    early = {k for k in inc_idx if (d := _day(know_t[k], True)) is not None and d < cut}
    before_ids = tuple(ids[k] for k in range(len(ids)) if k in early)
    sub = [tuple(k for k in g if k in early) for g in groups]
    lc = _combine(loglk, [g for g in sub if g], loglk.shape[1])
    return _softmax(logpi + lc.sum(axis=0)), before_ids


def _sensitivity(
    lc: NDArray[np.float64],
    pi: NDArray[np.float64],
    logpi: NDArray[np.float64],
    posterior: NDArray[np.float64],
    groups: tuple[tuple[int, ...], ...],
    cids: tuple[str, ...],
    hyps: tuple[str, ...],
    max_k: int,
    exact_limit: int,
    analyst_likelihoods: ArrayLike | None,
    analysts: Sequence[str] | None,
    shape: tuple[int, int],
) -> Sensitivity:
    r"""How far the leading hypothesis's posterior moves under other reasonable readings.

    Tempered posteriors :math:`\operatorname{softmax}(\log\pi + \gamma\sum_c\ell_c)` for
    :math:`\gamma` in :data:`TEMPER_POWERS`, the worst case after removing at most k clusters
    (:func:`_worst_cases`) and each analyst's posterior (:func:`_analyst_posteriors`); the range
    is the smallest and largest posterior of the leader among all of them. Tempering and the
    worst-case removal are this package's conventions (see :func:`trace_evidence`).

    Parameters
    ----------
    lc
        Cluster log-likelihoods, shape ``(clusters, hypotheses)``; ``pi`` and ``logpi`` the
        prior and its log; ``posterior`` the dependence-aware posterior.
    groups, cids
        The clusters (item indices) and their ids; ``hyps`` the hypotheses.
    max_k, exact_limit, analyst_likelihoods, analysts
        As in :func:`trace_evidence`; ``shape`` is ``(items, hypotheses)``.
    """
    leader = int(np.argmax(posterior))
    tempered = tuple((p, _softmax(logpi + p * lc.sum(axis=0))) for p in TEMPER_POWERS)
    worst = _worst_cases(lc, pi, leader, len(groups), cids, hyps, max_k, exact_limit)
    a_names, a_post = _analyst_posteriors(analyst_likelihoods, analysts, shape, logpi, groups)
    values = [posterior[leader], *(t[leader] for _, t in tempered), *(w.posterior for w in worst)]
    if a_post is not None:
        values += list(a_post[:, leader])
    return Sensitivity(hyps, hyps[leader], tempered, tuple(worst), a_names, a_post,
                       (float(min(values)), float(max(values))))


def _worst_cases(
    lc: NDArray[np.float64],
    pi: NDArray[np.float64],
    leader: int,
    n_groups: int,
    cids: tuple[str, ...],
    hyps: tuple[str, ...],
    max_k: int,
    exact_limit: int,
) -> list[WorstCase]:
    """The leader's worst-case posterior after removing at most k clusters, k = 1..max_k."""
    worst: list[WorstCase] = []
    exact_so_far = True
    for k in range(1, min(max_k, n_groups) + 1):
        value, removed, method, count = worst_case(lc, pi, leader, k, exact_limit=exact_limit)
        exact_so_far = exact_so_far and method == "exact"
        label: Literal["exact", "greedy"] = "exact" if exact_so_far else "greedy"
        if worst and worst[-1].posterior <= value:  # removing fewer was worse: "at most k"
            value, names = worst[-1].posterior, worst[-1].removed
        else:
            names = tuple(cids[c] for c in removed)
        worst.append(WorstCase(k, hyps[leader], value, names, label, count))
    return worst


def _analyst_posteriors(
    analyst_likelihoods: ArrayLike | None,
    analysts: Sequence[str] | None,
    shape: tuple[int, int],
    logpi: NDArray[np.float64],
    groups: tuple[tuple[int, ...], ...],
) -> tuple[tuple[str, ...] | None, NDArray[np.float64] | None]:
    """Each analyst's posterior (with two analysts or more), and their names."""
    if analyst_likelihoods is None:
        return None, None
    n, m = shape
    alk = np.asarray(analyst_likelihoods, dtype=np.float64)
    if alk.shape[1:] != (n, m):
        raise AnalysisError(
            f"analyst likelihoods have shape {alk.shape}, expected (analysts, {n}, {m})",
            field="analyst_likelihoods",
        )
    if alk.shape[0] < 2:
        return None, None
    _check_likelihoods(alk, "analyst_likelihoods")
    names = (
        tuple(analysts)
        if analysts is not None
        else tuple(f"A{a + 1}" for a in range(alk.shape[0]))
    )
    post = np.stack([_softmax(logpi + _combine(np.log(x), groups, m).sum(axis=0)) for x in alk])
    return names, post
