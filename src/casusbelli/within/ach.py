r"""Analysis of Competing Hypotheses (ACH): inconsistency scores, diagnosticity, linchpins.

Heuer's matrix (Heuer 1999, ch. 8) rates every item of evidence against every hypothesis on the
scale ``CC`` (very consistent), ``C``, ``N`` (neutral), ``I`` (inconsistent), ``II`` (very
inconsistent) and ``NA`` (not applicable). Ratings are held as ``int8`` codes
(``CC=2, C=1, N=0, I=-1, II=-2``; ``NA`` is :data:`NA_CODE` and is masked out of every
computation), in arrays shaped ``(items, hypotheses)`` for one analyst or
``(analysts, items, hypotheses)`` for several.

Scores (all vectorized over items and hypotheses):

* **inconsistency** of hypothesis :math:`h`: :math:`S_h = \sum_i s(r_{ih})` with
  :math:`s(\mathrm{I}) = -1`, :math:`s(\mathrm{II}) = -2` and 0 for every other rating, as in PARC
  ACH and Open Source ACH (only disconfirming evidence counts). Closer to 0 is better.
* **weighted inconsistency**: :math:`W_h = \sum_i s(r_{ih})\, c_i\, v_i` with credibility weight
  :math:`c_i` and relevance weight :math:`v_i` from :data:`WEIGHTS` (low 0.5, medium 1, high 2).
  With every item at medium, :math:`W_h = S_h` exactly.
* **consistency**: the number of items rated ``C`` or ``CC`` against :math:`h` (display only; it
  does not enter the ranking).
* **rank**: competition rank by :math:`W_h`, best (closest to 0) first; tied hypotheses share
  the lower rank number.
* **diagnosticity** of item :math:`i`: the population standard deviation of its rating codes over
  the hypotheses it is rated against (``NA`` excluded); 0 when all ratings are equal or fewer
  than two are given.
* **linchpin**: an item whose removal, or a one-step re-rating of any one of its cells, changes
  the ranking (see :func:`score` for the two criteria).

References
----------
Heuer, R. J. (1999). *Psychology of Intelligence Analysis*, ch. 8 "Analysis of Competing
Hypotheses". CIA Center for the Study of Intelligence. (bibliography id ``heuer1999psychology``)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from casusbelli.errors import AnalysisError
from casusbelli.within.ach_maths import (
    AchResult,
    Agreement,
    HypothesisScore,
    ItemScore,
    _contributions,
    _order_changes_cell,
    _order_changes_removal,
    _pool,
    _rank,
    _top_changes_cell,
    _top_changes_removal,
    _weighted_sums,
    diagnosticity,
    pool,
)
from casusbelli.within.ach_matrix import (
    CODES,
    LEVELS,
    NA_CODE,
    SYMBOLS,
    WEIGHTS,
    AchMatrix,
    Criterion,
    Progress,
    _check_codes,
    _weights,
    decode_ratings,
    encode_ratings,
)

__all__ = [
    "AchMatrix",
    "AchResult",
    "Agreement",
    "CODES",
    "HypothesisScore",
    "ItemScore",
    "LEVELS",
    "NA_CODE",
    "SYMBOLS",
    "WEIGHTS",
    "decode_ratings",
    "diagnosticity",
    "encode_ratings",
    "pool",
    "score",
    "score_ach",
]


def score(
    ratings: ArrayLike,
    *,
    hypotheses: Sequence[str] | None = None,
    item_ids: Sequence[str] | None = None,
    credibility: Sequence[str] | None = None,
    relevance: Sequence[str] | None = None,
    analysts: Sequence[str] | None = None,
    criterion: Criterion = "top",
    alpha: bool = True,
    progress: Progress | None = None,
    chunk: int = 2048,
) -> AchResult:
    r"""Score an ACH matrix: inconsistency, weighted inconsistency, rank, diagnosticity, linchpins.

    Parameters
    ----------
    ratings
        int8 codes (see :data:`CODES`), shape ``(items, hypotheses)`` for one analyst or
        ``(analysts, items, hypotheses)`` for several; several analysts are first pooled with
        :func:`pool` and the pooled matrix is scored (each analyst's weighted inconsistency is
        reported too).
    hypotheses, item_ids, analysts
        Labels; default ``H1..``, ``E1..``, ``A1..``.
    credibility, relevance
        One of ``low``/``medium``/``high`` per item (default all medium).
    criterion
        What counts as "changing the ranking" for linchpins: ``"top"`` — the set of hypotheses
        ranked first changes; ``"order"`` — the tie-aware order of all hypotheses changes.
    alpha
        Compute Krippendorff's alpha when pooling.
    progress
        Optional ``callable(advance, total, label)``.

    Returns
    -------
    AchResult

    Notes
    -----
    .. math::

        S_h = \sum_i s(r_{ih}), \qquad W_h = \sum_i s(r_{ih})\, c_i v_i, \qquad
        s(\mathrm{I})=-1,\ s(\mathrm{II})=-2,\ s(\cdot)=0 \text{ otherwise}

    ranked by :math:`W_h` (higher, i.e. closer to 0, is better). An item is a **linchpin** when
    (a) dropping it, or (b) moving any one of its non-NA cells one step along
    II < I < N < C < CC (e.g. N->I, I->II, I->N), changes the ranking under ``criterion``.
    Only steps across N/I/II move a score, so re-ratings among N, C, CC never make a linchpin.
    Diagnosticity: see :func:`diagnosticity`.

    References
    ----------
    Heuer, R. J. (1999). *Psychology of Intelligence Analysis*, ch. 8, steps 3-6 (matrix,
    diagnosticity, tentative conclusions, sensitivity of the conclusion to a few items).
    """
    r = np.asarray(ratings, dtype=np.int8)
    if r.ndim not in (2, 3):
        raise AnalysisError(f"ratings must be 2-D or 3-D, got {r.ndim}-D")
    if criterion not in ("top", "order"):
        raise AnalysisError(f"criterion must be 'top' or 'order', got {criterion!r}")
    hyps, ids = _labels(r, hypotheses, item_ids)
    n_items, n_hyp = len(ids), len(hyps)
    w = _weights(credibility, n_items, "credibility") * _weights(relevance, n_items, "relevance")

    agreement: Agreement | None = None
    names: tuple[str, ...] = ()
    per_analyst: tuple[tuple[float, ...], ...] = ()
    if r.ndim == 3:
        agreement, names, per_analyst = _pool_analysts(r, analysts, alpha, w)
        mat = agreement.pooled
        if progress:
            progress(1, 3, "pooled analysts")
    else:
        mat = r

    contrib = _contributions(mat)
    inc = contrib.sum(axis=0, dtype=np.int64)
    cw = contrib.astype(np.float64) * w[:, None]
    winc = cw.sum(axis=0)
    cons = ((mat >= 1) & (mat <= 2)).sum(axis=0)
    rank = _rank(winc)
    diag = diagnosticity(mat)
    rem, cell_down, cell_up = _linchpin_changes(mat, contrib, w, winc, cw, criterion, chunk)
    if progress:
        progress(1, 3 if r.ndim == 3 else 2, "scored")
    items = _item_scores(mat, ids, hyps, diag, rem, cell_down, cell_up)
    if progress:
        progress(1, 3 if r.ndim == 3 else 2, "items")

    return AchResult(
        hypotheses=tuple(
            HypothesisScore(hyps[j], int(inc[j]), float(winc[j]), int(cons[j]), int(rank[j]))
            for j in range(n_hyp)
        ),
        items=items,
        criterion=criterion,
        agreement=agreement,
        analysts=names,
        analyst_weighted_inconsistency=per_analyst,
    )


def _labels(
    r: NDArray[np.int8], hypotheses: Sequence[str] | None, item_ids: Sequence[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check a ratings array's shape and codes; the hypothesis labels and item ids."""
    n_items, n_hyp = r.shape[-2], r.shape[-1]
    if n_items == 0 or n_hyp == 0:
        raise AnalysisError(f"empty matrix: {n_items} items x {n_hyp} hypotheses")
    _check_codes(r)
    hyps = tuple(hypotheses) if hypotheses is not None else tuple(f"H{j + 1}" for j in range(n_hyp))
    ids = tuple(item_ids) if item_ids is not None else tuple(f"E{i + 1}" for i in range(n_items))
    if len(hyps) != n_hyp or len(ids) != n_items:
        raise AnalysisError(
            f"{len(hyps)} hypothesis labels / {len(ids)} item ids for a {n_items}x{n_hyp} matrix"
        )
    return hyps, ids


def _pool_analysts(
    r: NDArray[np.int8], analysts: Sequence[str] | None, alpha: bool, w: NDArray[np.float64]
) -> tuple[Agreement, tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """Pool several analysts' ratings (median, Krippendorff's alpha: see :func:`pool`).

    Parameters
    ----------
    r
        int8 codes, shape ``(analysts, items, hypotheses)``.
    analysts
        Their names (default ``A1..``); one per analyst.
    alpha
        Compute Krippendorff's alpha.
    w
        Per item, credibility times relevance weight.

    Returns
    -------
    agreement, names, per_analyst
        The pooled matrix and agreement measures, the analysts' names and, per analyst, the
        weighted inconsistency :math:`W_h` of each hypothesis on that analyst's own ratings.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication, University of Pennsylvania.
    """
    names = (
        tuple(analysts)
        if analysts is not None
        else tuple(f"A{k + 1}" for k in range(r.shape[0]))
    )
    if len(names) != r.shape[0]:
        raise AnalysisError(f"{len(names)} analyst names for {r.shape[0]} analysts")
    agreement = _pool(r, alpha)
    per_analyst = tuple(tuple(map(float, row)) for row in _weighted_sums(_contributions(r), w))
    return agreement, names, per_analyst


def _linchpin_changes(
    mat: NDArray[np.int8],
    contrib: NDArray[np.int8],
    w: NDArray[np.float64],
    winc: NDArray[np.float64],
    cw: NDArray[np.float64],
    criterion: Criterion,
    chunk: int,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Per item, whether removing it changes the ranking; per cell, whether a one-step
    re-rating down / up does (see :func:`score`)."""
    # one-step re-ratings: change in weighted score of cell (i, h) when moved down / up
    rated = mat != NA_CODE
    down = np.where(
        rated & (mat > -2), _contributions(np.where(rated, mat - 1, 0).astype(np.int8)), 0
    )
    up = np.where(rated & (mat < 2), _contributions(np.where(rated, mat + 1, 0).astype(np.int8)), 0)
    d_down = (down - contrib) * w[:, None]
    d_up = (up - contrib) * w[:, None]
    d_down = np.where(rated & (mat > -2), d_down, 0.0)
    d_up = np.where(rated & (mat < 2), d_up, 0.0)

    if criterion == "top":
        return (_top_changes_removal(winc, cw), _top_changes_cell(winc, d_down),
                _top_changes_cell(winc, d_up))
    return (_order_changes_removal(winc, cw, chunk), _order_changes_cell(winc, d_down),
            _order_changes_cell(winc, d_up))


def _item_scores(
    mat: NDArray[np.int8],
    ids: tuple[str, ...],
    hyps: tuple[str, ...],
    diag: NDArray[np.float64],
    rem: NDArray[np.bool_],
    cell_down: NDArray[np.bool_],
    cell_up: NDArray[np.bool_],
) -> tuple[ItemScore, ...]:
    """Each item's diagnosticity, whether it is a linchpin, and the changes that make it one."""
    linchpin = rem | cell_down.any(axis=1) | cell_up.any(axis=1)
    items = []
    for i in range(len(ids)):
        changes: tuple[str, ...] = ()
        if linchpin[i]:
            ch: list[str] = ["remove"] if rem[i] else []
            for h in np.flatnonzero(cell_down[i]):
                c = int(mat[i, h])
                ch.append(f"{hyps[h]}:{SYMBOLS[c]}->{SYMBOLS[c - 1]}")
            for h in np.flatnonzero(cell_up[i]):
                c = int(mat[i, h])
                ch.append(f"{hyps[h]}:{SYMBOLS[c]}->{SYMBOLS[c + 1]}")
            changes = tuple(ch)
        items.append(ItemScore(ids[i], float(diag[i]), bool(linchpin[i]), changes))
    return tuple(items)


def score_ach(
    matrix: AchMatrix,
    *,
    criterion: Criterion = "top",
    alpha: bool = True,
    progress: Progress | None = None,
) -> AchResult:
    """Score an :class:`AchMatrix` (see :func:`score`); several analysts are pooled first."""
    ratings: NDArray[np.int8] = matrix.ratings if matrix.ratings.shape[0] > 1 else matrix.ratings[0]
    return score(
        ratings,
        hypotheses=matrix.hypotheses,
        item_ids=matrix.item_ids,
        credibility=matrix.credibility,
        relevance=matrix.relevance,
        analysts=matrix.analysts if matrix.ratings.shape[0] > 1 else None,
        criterion=criterion,
        alpha=alpha,
        progress=progress,
    )
