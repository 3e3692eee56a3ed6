"""Prime implicant charts: every cover of minimum size (R's M1, M2, ...), row dominance.

Set-cover solvers: essential implicants first, then independent blocks, each solved by a
small search or, for large blocks, an integer program (HiGHS through
:func:`scipy.optimize.milp`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np

from casusbelli.cross.qca.implicants import _to_int
from casusbelli.errors import AnalysisError

__all__: list[str] = []


def _row_dominance(chart: np.ndarray) -> list[int]:
    """Indices (in order) of implicants not strictly dominated by another (R's rule)."""
    sums = chart.sum(axis=1)
    ints = [_to_int(r) for r in chart]
    order = sorted(range(len(ints)), key=lambda t: -sums[t])
    alive = [True] * len(ints)
    for a_pos, a in enumerate(order):
        if not alive[a]:
            continue
        for b in order[a_pos + 1 :]:
            if alive[b] and sums[a] > sums[b] and ints[b] & ~ints[a] == 0:
                alive[b] = False
    return [i for i in range(len(ints)) if alive[i]]


def _all_min_covers(chart: np.ndarray, max_models: int) -> tuple[list[tuple[int, ...]], bool]:
    """Every cover of minimum size of the chart's columns, sorted as R lists them.

    Exact: essential implicants are taken, dominated columns dropped (safe for *all* minimum
    covers), the rest split into independent blocks; each block's minimum size comes from
    an integer program (HiGHS through :func:`scipy.optimize.milp`) or a small search, then
    all covers of that size are enumerated (branching on the hardest column for small
    blocks; repeated integer programs with no-good cuts for large ones). Returns the models
    and whether the list was cut at ``max_models``.
    """
    n_terms, n_cols = chart.shape
    if n_cols == 0:
        return [()], False
    if not chart.any(axis=0).all():
        raise AnalysisError("the prime implicant chart cannot be solved (an uncovered row)")
    col_terms = [np.flatnonzero(chart[:, c]).tolist() for c in range(n_cols)]
    essential = sorted({ts[0] for ts in col_terms if len(ts) == 1})
    ess_set = set(essential)
    covered = np.zeros(n_cols, dtype=bool)
    for e in essential:
        covered |= chart[e]
    kept = _undominated_columns([c for c in range(n_cols) if not covered[c]], col_terms)
    if not kept:
        return [tuple(essential)], False
    blocks = _independent_blocks(kept, col_terms)
    per_block: list[list[tuple[int, ...]]] = []
    truncated = False
    for bcols in blocks.values():
        covers, cut = _block_covers(bcols, col_terms, max_models)
        truncated |= cut
        per_block.append(covers)
    models: set[tuple[int, ...]] = set()
    for combo in itertools.product(*per_block):
        chosen = set(ess_set)
        for part in combo:
            chosen.update(part)
        models.add(tuple(sorted(chosen)))
        if len(models) >= max_models:
            truncated = truncated or math.prod(len(b) for b in per_block) > max_models
            break
    return sorted(models), truncated


def _undominated_columns(cols: list[int], col_terms: list[list[int]]) -> list[int]:
    """Drop columns whose implicants include all of another column's (they are redundant)."""
    masks = {c: sum(1 << t for t in col_terms[c]) for c in cols}
    kept: list[int] = []
    for c in sorted(cols, key=lambda c: (len(col_terms[c]), c)):
        if not any(masks[d] & ~masks[c] == 0 for d in kept):
            kept.append(c)
    return kept


def _independent_blocks(kept: list[int], col_terms: list[list[int]]) -> dict[int, list[int]]:
    """Columns grouped into blocks that share no implicant (union-find over implicants)."""
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for c in kept:
        ts = col_terms[c]
        for t in ts[1:]:
            parent[find(t)] = find(ts[0])
    blocks: dict[int, list[int]] = {}
    for c in kept:
        blocks.setdefault(find(col_terms[c][0]), []).append(c)
    return blocks


def _block_covers(
    bcols: list[int], col_terms: list[list[int]], max_models: int
) -> tuple[list[tuple[int, ...]], bool]:
    """All minimum covers of one block of columns (and whether the list was cut)."""
    local = {c: i for i, c in enumerate(bcols)}
    terms = sorted({t for c in bcols for t in col_terms[c]})
    tcov = {t: sum(1 << local[c] for c in bcols if t in col_terms[c]) for t in terms}
    ccand = [col_terms[c] for c in bcols]
    universe = (1 << len(bcols)) - 1
    if len(terms) > 40:
        return _milp_covers(bcols, col_terms, terms, max_models)
    size = _block_min_size(bcols, col_terms, terms, tcov, universe)
    found: set[tuple[int, ...]] = set()

    def rec(unc: int, depth: int, chosen: list[int]) -> None:
        if unc == 0:
            found.add(tuple(sorted(chosen)))
            return
        if depth == 0 or len(found) > max_models:
            return
        best: list[int] | None = None
        u = unc
        while u:
            low = u & -u
            u ^= low
            ts = ccand[low.bit_length() - 1]
            if best is None or len(ts) < len(best):
                best = ts
        maxcov = max((tcov[t] & unc).bit_count() for t in terms)
        if unc.bit_count() > depth * maxcov:
            return
        for t in best or []:
            if t not in chosen:
                chosen.append(t)
                rec(unc & ~tcov[t], depth - 1, chosen)
                chosen.pop()

    rec(universe, size, [])
    out = sorted(found)
    return out[:max_models], len(out) > max_models


def _milp_covers(
    bcols: list[int], col_terms: list[list[int]], terms: list[int], max_models: int
) -> tuple[list[tuple[int, ...]], bool]:
    """Enumerate optimal covers with HiGHS, cutting off each one found (no-good cuts)."""
    from scipy.optimize import LinearConstraint, milp

    tindex = {t: i for i, t in enumerate(terms)}
    a = np.zeros((len(bcols), len(terms)))
    for r, c in enumerate(bcols):
        for t in col_terms[c]:
            a[r, tindex[t]] = 1.0
    rows = [a]
    lbs = [np.ones(len(bcols))]
    ubs = [np.full(len(bcols), np.inf)]
    found: list[tuple[int, ...]] = []
    best: int | None = None
    while True:
        res = milp(
            c=np.ones(len(terms)),
            constraints=LinearConstraint(np.vstack(rows), np.concatenate(lbs), np.concatenate(ubs)),
            integrality=np.ones(len(terms)),
            bounds=(0, 1),
        )
        if not res.success:
            if best is None:
                raise AnalysisError(f"the prime implicant chart could not be solved: {res.message}")
            break
        value = int(round(res.fun))
        if best is None:
            best = value
        elif value > best:
            break
        if len(found) == max_models:
            return sorted(found), True
        chosen = np.flatnonzero(res.x > 0.5)
        found.append(tuple(sorted(terms[i] for i in chosen)))
        cut = np.zeros((1, len(terms)))
        cut[0, chosen] = 1.0
        rows.append(cut)
        lbs.append(np.array([-np.inf]))
        ubs.append(np.array([len(chosen) - 1.0]))
    return sorted(found), False


def _block_min_size(
    bcols: list[int],
    col_terms: list[list[int]],
    terms: list[int],
    tcov: Mapping[int, int],
    universe: int,
) -> int:
    """Minimum number of implicants covering a small block.

    Iterative deepening: for size 1, 2, ... a depth-first search branches on the implicants
    of the uncovered column with the fewest of them (every cover holds one), pruned when
    even the implicants covering most of what is left could not finish in the depth left.
    Exact, like the exhaustive search over combinations it replaces, and far faster on
    charts with dozens of implicants.
    """
    ccand = [col_terms[c] for c in bcols]

    def feasible(unc: int, depth: int) -> bool:
        if unc == 0:
            return True
        if depth == 0:
            return False
        if unc.bit_count() > depth * max((tcov[t] & unc).bit_count() for t in terms):
            return False
        best: list[int] | None = None
        u = unc
        while u:
            low = u & -u
            u ^= low
            ts = ccand[low.bit_length() - 1]
            if best is None or len(ts) < len(best):
                best = ts
        return any(feasible(unc & ~tcov[t], depth - 1) for t in best or [])

    for size in range(1, len(terms) + 1):
        if feasible(universe, size):
            return size
    raise AnalysisError("the prime implicant chart cannot be solved")
