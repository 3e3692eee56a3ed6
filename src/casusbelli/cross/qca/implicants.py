"""Implicants: terms as bit masks, Quine-McCluskey, R's CCubes search and R's sort order.

A term is a pair ``(mask, val)`` of ints over k bits; bit ``k - 1 - j`` stands for condition
j (set in ``mask`` when the condition appears, in ``val`` when it appears present). The
complex solution minimises the positive rows with Quine-McCluskey; the parsimonious one finds
the prime implicants of the positive rows plus the remainders level by level as R's CCubes
algorithm does, with R's stopping rule.

Reference: Dusa, A. (2019). *QCA with R: A Comprehensive Resource*. Springer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from casusbelli.cross.qca.results import Progress

__all__: list[str] = []


def _values(mask: int, val: int, k: int) -> list[int]:
    """R's implicant coding: 0 absent, 1 negated, 2 present."""
    out = []
    for j in range(k):
        b = 1 << (k - 1 - j)
        out.append(0 if not mask & b else (2 if val & b else 1))
    return out


def _term_string(mask: int, val: int, conds: Sequence[str]) -> str:
    k = len(conds)
    lits = []
    for j, c in enumerate(conds):
        b = 1 << (k - 1 - j)
        if mask & b:
            lits.append(c if val & b else f"~{c}")
    return "*".join(lits)


def _r_sort(terms: Sequence[tuple[int, int]], k: int) -> list[int]:
    """Order of implicants as R QCA's ``sort_cols``/``sort_matrix`` (C code) leaves them.

    Passes from the last condition to the first; each pass puts present literals before
    absent ones, then negated before non-negated among the present ones (the last element is
    left out of that second step when every implicant holds the condition, as R's loop
    does); a final stable pass orders by number of literals.
    """
    vals = [_values(m, v, k) for m, v in terms]
    order = list(range(len(terms)))
    for i in reversed(range(k)):
        order.sort(key=lambda t: -vals[t][i])
        z = 0
        nonzero = True
        while z < len(order) and nonzero:
            nonzero = vals[order[z]][i] != 0
            z += 1
        z -= 1
        order = sorted(order[:z], key=lambda t: vals[t][i]) + order[z:]
    order.sort(key=lambda t: bin(terms[t][0]).count("1"))
    return order


def _qmc(codes: Sequence[int], k: int) -> list[tuple[int, int]]:
    """All prime implicants of the given minterms, in the order R's ``C_QMC`` sorts them."""
    full = (1 << k) - 1
    cur: list[tuple[int, int]] = []
    seen: set[int] = set()
    for c in codes:
        if c not in seen:
            seen.add(c)
            cur.append((full, int(c)))
    while len(cur) > 1:
        index = {t: i for i, t in enumerate(cur)}
        found: list[tuple[int, int]] = []
        found_set: set[tuple[int, int]] = set()
        minimized = [False] * len(cur)
        for i, (m, v) in enumerate(cur):
            nbrs = []
            b = m
            while b:
                bit = b & -b
                b ^= bit
                j = index.get((m, v ^ bit))
                if j is not None and j > i:
                    nbrs.append((j, bit))
            nbrs.sort()
            for j, bit in nbrs:
                minimized[i] = minimized[j] = True
                t = (m & ~bit, v & ~bit)
                if t not in found_set:
                    found_set.add(t)
                    found.append(t)
        if not found:
            break
        cur = found + [cur[i] for i in range(len(cur)) if not minimized[i]]
    order = _r_sort(cur, k)
    return [cur[i] for i in order]


def _covers(terms: Sequence[tuple[int, int]], codes: np.ndarray) -> np.ndarray:
    """Boolean chart: terms x rows, True where the term covers the row code."""
    if not terms:
        return np.zeros((0, codes.size), dtype=bool)
    masks = np.array([t[0] for t in terms], dtype=np.int64)[:, None]
    vals = np.array([t[1] for t in terms], dtype=np.int64)[:, None]
    return (codes[None, :] & masks) == vals


def _to_int(row: np.ndarray) -> int:
    return int.from_bytes(np.packbits(row, bitorder="little").tobytes(), "little")


def _expand(mask: int, val: int, k: int) -> np.ndarray:
    """All row codes covered by a term."""
    free = [b for b in (1 << (k - 1 - j) for j in range(k)) if not mask & b]
    codes = np.array([val], dtype=np.int64)
    for b in free:
        codes = np.concatenate([codes, codes | b])
    return np.sort(codes)


def _candidates_small(
    pos_list: list[int],
    neg_list: list[int],
    cmask: int,
    subs: list[int],
    by_mask: dict[int, set[int]],
) -> list[int]:
    """The values of the cubes on ``cmask`` that are new prime implicants, on Python ints.

    A candidate is the projection of a positive row on the conditions of ``cmask`` (first
    occurrence order); it is consistent when no negative row projects onto it, and prime when
    no implicant found at an earlier level (on a sub-mask in ``subs``) already contains it
    (Dusa 2019, CCubes).
    """
    cand = list(dict.fromkeys(v & cmask for v in pos_list))
    if neg_list:
        blocked = {v & cmask for v in neg_list}
        cand = [v for v in cand if v not in blocked]
    if cand and subs:
        cand = [c for c in cand if not any(c & m in by_mask[m] for m in subs)]
    return cand


def _candidates_array(
    pos: np.ndarray,
    neg: np.ndarray,
    cmask: int,
    subs: list[int],
    by_mask_arr: dict[int, np.ndarray],
) -> list[int]:
    """:func:`_candidates_small` on NumPy arrays, for large tables (same candidates, same order)."""
    u, first = np.unique(pos & cmask, return_index=True)
    arr = u[np.argsort(first, kind="stable")]
    if neg.size:
        arr = arr[~np.isin(arr, neg & cmask)]
    for m in subs:
        if not arr.size:
            break
        arr = arr[~np.isin(arr & m, by_mask_arr[m])]
    return list(arr.tolist())


def _level(
    pos: np.ndarray,
    neg: np.ndarray,
    pos_list: list[int],
    neg_list: list[int],
    k: int,
    level: int,
    by_mask: dict[int, set[int]],
    by_mask_arr: dict[int, np.ndarray],
    small: bool,
) -> list[tuple[int, int]]:
    """The new prime implicants with ``level`` conditions, in R's order of condition sets."""
    new: list[tuple[int, int]] = []
    for comb in itertools.combinations(range(k), level):
        cmask = 0
        for j in comb:
            cmask |= 1 << (k - 1 - j)
        subs = [m for m in by_mask if not m & ~cmask]
        if small:
            cand = _candidates_small(pos_list, neg_list, cmask, subs, by_mask)
        else:
            cand = _candidates_array(pos, neg, cmask, subs, by_mask_arr)
        for v in cand:
            new.append((cmask, int(v)))
    return new


def _covered(
    covered: np.ndarray,
    new: list[tuple[int, int]],
    pos: np.ndarray,
    pos_list: list[int],
    small: bool,
) -> np.ndarray:
    """``covered`` (per positive row) updated with the rows the implicants ``new`` cover."""
    covered = covered.copy()
    if small:
        for i, p in enumerate(pos_list):
            if not covered[i]:
                covered[i] = any(p & m == v for m, v in new)
    else:
        nm = np.array([t[0] for t in new], dtype=np.int64)[:, None]
        nv = np.array([t[1] for t in new], dtype=np.int64)[:, None]
        covered |= ((pos[None, :] & nm) == nv).any(axis=0)
    return covered


def _ccubes(
    pos: np.ndarray, neg: np.ndarray, k: int, progress: Progress | None
) -> list[tuple[int, int]]:
    """Prime implicants of positives plus remainders, found level by level (R's CCubes).

    Returns implicants in discovery order. Level :math:`l` tries every set of :math:`l`
    conditions (:func:`_level`); the search stops, as in R, once the positive rows are
    covered and two successive levels bring no new prime implicant (Dusa 2019).
    """
    found: list[tuple[int, int]] = []
    by_mask: dict[int, set[int]] = {}  # implicants of earlier levels, values by mask
    by_mask_arr: dict[int, np.ndarray] = {}
    # Small tables (the usual case, and every permutation of the QCA permutation test) run
    # on Python ints and sets, where NumPy's per-call overhead would dominate; large ones
    # (thousands of rows) on arrays. Both give the same candidates in the same order
    # (first occurrence among the positive rows) and prune the same way.
    small = pos.size + neg.size <= 512
    pos_list = [int(v) for v in pos.tolist()]
    neg_list = [int(v) for v in neg.tolist()]
    covered = np.zeros(pos.size, dtype=bool)
    counter = 0
    for level in range(1, k + 1):
        new = _level(pos, neg, pos_list, neg_list, k, level, by_mask, by_mask_arr, small)
        if progress is not None:
            progress(1, k, f"prime implicants, level {level}")
        if new:
            found.extend(new)
            for m, v in new:
                by_mask.setdefault(m, set()).add(v)
            for m in {m for m, _ in new}:
                by_mask_arr[m] = np.fromiter(by_mask[m], dtype=np.int64)
            covered = _covered(covered, new, pos, pos_list, small)
        if found and covered.all():
            counter = 0 if new else counter + 1
            if counter > 1:
                break
    return found
