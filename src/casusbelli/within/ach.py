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

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from casusbelli.errors import AnalysisError

__all__ = [
    "CODES",
    "LEVELS",
    "NA_CODE",
    "SYMBOLS",
    "WEIGHTS",
    "AchMatrix",
    "AchResult",
    "Agreement",
    "HypothesisScore",
    "ItemScore",
    "decode_ratings",
    "diagnosticity",
    "encode_ratings",
    "pool",
    "score",
    "score_ach",
]

#: int8 code used for ``NA`` (and for a cell an analyst left blank). Masked everywhere.
NA_CODE: int = -128
#: Rating symbol -> int8 code. The order of the ordinal scale is II < I < N < C < CC.
CODES: dict[str, int] = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2, "NA": NA_CODE}
#: int8 code -> rating symbol.
SYMBOLS: dict[int, str] = {v: k for k, v in CODES.items()}
#: Credibility / relevance levels, lowest first.
LEVELS: tuple[str, ...] = ("low", "medium", "high")
#: Weight of a credibility or relevance level. The High/Medium/Low = 2/1/0.5 scale is the one
#: Open Source ACH (Burton & Knowles 2010) multiplies into its inconsistency score
#: (``parts/ajax_table.php``, ``code/class_project.php``); we apply the same scale to relevance.
#: Medium is 1, so a matrix left at medium scores exactly as the unweighted one.
WEIGHTS: dict[str, float] = {"low": 0.5, "medium": 1.0, "high": 2.0}

Progress = Callable[[int, int | None, str], None]
Criterion = Literal["top", "order"]

_ORDINAL = (-2, -1, 0, 1, 2)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, eq=False)
class AchMatrix:
    """An ACH matrix: items x hypotheses, rated by one or more analysts.

    Attributes
    ----------
    hypotheses, item_ids, evidence
        Column ids, row ids and the evidence text of each row (kept verbatim).
    ratings
        ``int8`` codes, shape ``(analysts, items, hypotheses)``; :data:`NA_CODE` for NA/blank.
    analysts
        One name per analyst (``("default",)`` when the file names none).
    credibility, relevance
        One level of :data:`LEVELS` per item.
    likelihoods
        Optional ``P(E_i | H_j)``, shape ``(items, hypotheses)``, each in (0, 1]; ``None`` when
        the file gives none.
    source
        The file the matrix was read from, if any.
    """

    hypotheses: tuple[str, ...]
    item_ids: tuple[str, ...]
    ratings: NDArray[np.int8]
    evidence: tuple[str, ...] = ()
    analysts: tuple[str, ...] = ("default",)
    credibility: tuple[str, ...] = ()
    relevance: tuple[str, ...] = ()
    likelihoods: NDArray[np.float64] | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        r = np.asarray(self.ratings, dtype=np.int8)
        if r.ndim == 2:
            r = r[None, :, :]
        if r.ndim != 3:
            raise AnalysisError(f"ratings must have 2 or 3 dimensions, got {r.ndim}")
        n_items, n_hyp = len(self.item_ids), len(self.hypotheses)
        if r.shape[1:] != (n_items, n_hyp):
            raise AnalysisError(
                f"ratings shape {r.shape[1:]} does not match {n_items} items x {n_hyp} hypotheses"
            )
        r = r.copy()
        r.setflags(write=False)
        object.__setattr__(self, "ratings", r)
        if not self.evidence:
            object.__setattr__(self, "evidence", ("",) * n_items)
        if not self.credibility:
            object.__setattr__(self, "credibility", ("medium",) * n_items)
        if not self.relevance:
            object.__setattr__(self, "relevance", ("medium",) * n_items)
        if len(self.analysts) != r.shape[0]:
            raise AnalysisError(f"{r.shape[0]} analysts rated but {len(self.analysts)} named")
        if self.likelihoods is not None:
            lk = np.array(self.likelihoods, dtype=np.float64)
            if lk.shape != (n_items, n_hyp):
                raise AnalysisError(f"likelihoods shape {lk.shape} != {(n_items, n_hyp)}")
            lk.setflags(write=False)
            object.__setattr__(self, "likelihoods", lk)

    def to_dict(self) -> dict[str, Any]:
        """Return the matrix as a JSON-ready mapping (ratings as symbols)."""
        return {
            "source": self.source,
            "hypotheses": list(self.hypotheses),
            "analysts": list(self.analysts),
            "items": [
                {
                    "id": iid,
                    "evidence": self.evidence[i],
                    "credibility": self.credibility[i],
                    "relevance": self.relevance[i],
                    "ratings": {
                        a: dict(
                            zip(self.hypotheses, decode_ratings(self.ratings[k, i]), strict=True)
                        )
                        for k, a in enumerate(self.analysts)
                    },
                    **(
                        {
                            "likelihoods": dict(
                                zip(self.hypotheses, map(float, self.likelihoods[i]), strict=True)
                            )
                        }
                        if self.likelihoods is not None
                        else {}
                    ),
                }
                for i, iid in enumerate(self.item_ids)
            ],
        }


def encode_ratings(symbols: ArrayLike) -> NDArray[np.int8]:
    """Turn rating symbols (``"CC"``, ..., ``"NA"``; case-insensitive) into int8 codes.

    ``None`` and the empty string become :data:`NA_CODE`. An unknown symbol raises
    :class:`~casusbelli.errors.AnalysisError` listing the allowed ones.
    """
    arr = np.asarray(symbols, dtype=object)
    out = np.empty(arr.shape, dtype=np.int8)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for k, s in enumerate(flat_in):
        key = "NA" if s is None or str(s).strip() == "" else str(s).strip().upper()
        if key == "N/A":
            key = "NA"
        if key not in CODES:
            raise AnalysisError(
                f"unknown rating {s!r}; expected one of {', '.join(CODES)}", field="ratings"
            )
        flat_out[k] = CODES[key]
    return out


def decode_ratings(codes: ArrayLike) -> list[Any]:
    """Turn int8 codes back into rating symbols (nested lists of the same shape)."""
    arr = np.asarray(codes)
    return np.vectorize(lambda c: SYMBOLS[int(c)], otypes=[object])(arr).tolist()  # type: ignore[no-any-return]


def _check_codes(r: NDArray[np.int8]) -> None:
    ok = _VALID_LUT[np.ascontiguousarray(r, dtype=np.int8).view(np.uint8)]
    if not ok.all():
        bad = np.argwhere(ok == 0)[0]
        raise AnalysisError(
            f"rating code {int(r[tuple(bad)])} at index {tuple(int(b) for b in bad)} is not one of "
            f"-2..2 or NA ({NA_CODE})",
            field="ratings",
        )


def _weights(levels: Sequence[str] | None, n: int, name: str) -> NDArray[np.float64]:
    if levels is None:
        return np.ones(n)
    if len(levels) != n:
        raise AnalysisError(f"{name}: {len(levels)} levels given for {n} items", field=name)
    out = np.empty(n)
    for i, lv in enumerate(levels):
        key = "medium" if lv is None or str(lv).strip() == "" else str(lv).strip().lower()
        if key not in WEIGHTS:
            raise AnalysisError(
                f"item {i}: unknown level {lv!r}; expected one of {', '.join(LEVELS)}", field=name
            )
        out[i] = WEIGHTS[key]
    return out


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class HypothesisScore:
    """Scores of one hypothesis (``inconsistency`` <= 0; closer to 0 is better; rank 1 = best)."""

    hypothesis: str
    inconsistency: int
    weighted_inconsistency: float
    consistency: int
    rank: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "hypothesis": self.hypothesis,
            "inconsistency": self.inconsistency,
            "weighted_inconsistency": self.weighted_inconsistency,
            "consistency": self.consistency,
            "rank": self.rank,
        }


@dataclass(frozen=True)
class ItemScore:
    """Diagnosticity and sensitivity of one item.

    ``changes`` lists what flips the ranking: ``"remove"`` and/or ``"H:I->II"`` style one-step
    re-ratings of a cell.
    """

    item_id: str
    diagnosticity: float
    linchpin: bool
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "id": self.item_id,
            "diagnosticity": self.diagnosticity,
            "linchpin": self.linchpin,
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class Agreement:
    """Several analysts' ratings pooled into one matrix, with their disagreement.

    Attributes
    ----------
    pooled
        int8 codes ``(items, hypotheses)``: per cell, NA when more analysts said NA (or left it
        blank) than rated it, else the median of the rated codes, halves rounded toward N.
    disagreement
        Per cell, ``max(sd(NA indicator), sd(rated codes))`` with sample standard deviations
        (the Open Synthesis measure); 0 when fewer than two values.
    alpha
        Krippendorff's alpha (ordinal) over all cells, NA treated as missing; ``None`` when it is
        undefined (one analyst, no pairable values, or no variation at all).
    """

    pooled: NDArray[np.int8]
    disagreement: NDArray[np.float64]
    alpha: float | None
    n_analysts: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "pooled": decode_ratings(self.pooled),
            "disagreement": self.disagreement.tolist(),
            "alpha": self.alpha,
            "n_analysts": self.n_analysts,
        }


@dataclass(frozen=True)
class AchResult:
    """Result of :func:`score`: one row per hypothesis and per item, plus pooling details."""

    hypotheses: tuple[HypothesisScore, ...]
    items: tuple[ItemScore, ...]
    criterion: str
    agreement: Agreement | None = None
    analysts: tuple[str, ...] = ()
    analyst_weighted_inconsistency: tuple[tuple[float, ...], ...] = field(default=())

    @property
    def top(self) -> tuple[str, ...]:
        """The hypotheses ranked first (several when tied)."""
        return tuple(h.hypothesis for h in self.hypotheses if h.rank == 1)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (the shape of ``casus ach --json``)."""
        out: dict[str, Any] = {
            "criterion": self.criterion,
            "top": list(self.top),
            "hypotheses": [h.to_dict() for h in self.hypotheses],
            "items": [i.to_dict() for i in self.items],
        }
        if self.agreement is not None:
            out["agreement"] = self.agreement.to_dict()
            out["analysts"] = {
                a: dict(zip((h.hypothesis for h in self.hypotheses), w, strict=True))
                for a, w in zip(self.analysts, self.analyst_weighted_inconsistency, strict=True)
            }
        return out


# --------------------------------------------------------------------------- maths


def _lookup(table: dict[int, int], default: int) -> NDArray[np.int8]:
    lut = np.full(256, default, dtype=np.int8)
    for code, v in table.items():
        lut[np.uint8(np.int8(code))] = v
    return lut


#: code (viewed as uint8) -> inconsistency contribution; -> 1 when the code is valid
_CONTRIB_LUT = _lookup({-1: -1, -2: -2}, 0)
_VALID_LUT = _lookup({c: 1 for c in (*_ORDINAL, NA_CODE)}, 0)


def _contributions(r: NDArray[np.int8]) -> NDArray[np.int8]:
    """Per-cell inconsistency contribution: I -> -1, II -> -2, everything else (NA too) -> 0."""
    return _CONTRIB_LUT[np.ascontiguousarray(r, dtype=np.int8).view(np.uint8)]


def diagnosticity(ratings: ArrayLike) -> NDArray[np.float64]:
    r"""Diagnosticity of each item: spread of its ratings across hypotheses.

    .. math:: d_i = \frac{1}{n_i}\sqrt{n_i \sum_h x_{ih}^2 - \Big(\sum_h x_{ih}\Big)^2}

    the population standard deviation of the codes :math:`x_{ih}\in\{-2,\dots,2\}` over the
    :math:`n_i` hypotheses the item is rated against (NA masked); 0 when :math:`n_i < 2`.
    Identical ratings give 0 (Heuer 1999 ch. 8: evidence consistent with every hypothesis has
    no diagnostic value). Open Synthesis (``openach/metrics.py``) uses the same population
    standard deviation but counts NA as neutral; here NA is left out.
    """
    r = np.asarray(ratings, dtype=np.int8)
    mask = r != NA_CODE
    x = np.where(mask, r, 0).astype(np.int64)
    n = mask.sum(axis=-1)
    s1 = x.sum(axis=-1)
    s2 = (x * x).sum(axis=-1)
    num = n * s2 - s1 * s1
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.sqrt(num.astype(np.float64)) / n
    return np.where(n >= 2, d, 0.0)


def _rank(scores: NDArray[np.float64]) -> NDArray[np.int64]:
    """Competition rank along the last axis, higher score first: 1 + #(strictly better)."""
    return 1 + (scores[..., None, :] > scores[..., :, None]).sum(axis=-1)


def _median_pool(r: NDArray[np.int8]) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Pooled codes and disagreement from per-cell counts of each rating (5 passes, no sort)."""
    a = r.shape[0]
    values = np.array(_ORDINAL, dtype=np.int64)
    ct = np.int16 if a < 2**15 else np.int64
    cnt = np.stack([(r == v).sum(axis=0, dtype=ct) for v in _ORDINAL])
    cum = np.cumsum(cnt, axis=0, dtype=ct)
    n = cum[-1].astype(np.int64)
    n_na = a - n
    s1 = sum(v * cnt[k].astype(np.int64) for k, v in enumerate(_ORDINAL) if v)
    s2 = sum(v * v * cnt[k].astype(np.int64) for k, v in enumerate(_ORDINAL) if v)
    # k-th smallest rated code (0-based k) = first value whose cumulative count exceeds k
    lo = values[np.argmax(cum > ((n - 1) // 2)[None], axis=0)]
    hi = values[np.argmax(cum > (n // 2)[None], axis=0)]
    med = np.trunc((lo + hi) / 2).astype(np.int8)  # a half-way median goes toward N (0)
    pooled = np.where((n == 0) | (n_na > n), np.int8(NA_CODE), med).astype(np.int8)
    # disagreement: sample sd of the NA indicator (a values) and of the rated codes (n values)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd_rated = np.sqrt((n * s2 - s1 * s1) / (n * (n - 1.0)))
        sd_na = np.sqrt((a * n - n * n) / (a * (a - 1.0)))  # indicator: n ones, a - n zeros
    sd_rated = np.where(n >= 2, sd_rated, 0.0)
    sd_na = np.where(a >= 2, sd_na, 0.0)
    return pooled, np.maximum(sd_na, sd_rated)


def _weighted_sums(contrib: NDArray[np.int8], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """``sum_i contrib[..., i, h] * w[i]``, exact: integer sums per distinct weight, then scaled."""
    out = np.zeros(contrib.shape[:-2] + contrib.shape[-1:])
    uniq, inv = np.unique(w, return_inverse=True)
    for k, u in enumerate(uniq):
        part = contrib[..., inv == k, :].sum(axis=-2, dtype=np.int64)
        out += u * part
    return out


def _alpha(r: NDArray[np.int8]) -> float | None:
    if r.shape[0] < 2:
        return None
    import krippendorff

    data = np.where(r == NA_CODE, np.nan, r.astype(np.float64)).reshape(r.shape[0], -1)
    try:
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            value = float(
                krippendorff.alpha(
                    reliability_data=data, level_of_measurement="ordinal", value_domain=_ORDINAL
                )
            )
    except ValueError:
        return None
    return None if not np.isfinite(value) else value


def pool(ratings: ArrayLike, *, alpha: bool = True) -> Agreement:
    r"""Pool several analysts' ratings and measure how much they disagree.

    Parameters
    ----------
    ratings
        int8 codes, shape ``(analysts, items, hypotheses)``.
    alpha
        Compute Krippendorff's alpha (ordinal metric; NA cells are missing values).

    Returns
    -------
    Agreement
        ``pooled``: per cell NA when :math:`n_{NA} > n_{rated}` (the Open Synthesis consensus
        rule), else the median of the rated codes, a half-way median rounded toward N (the
        conservative tie rule of Open Synthesis' ``consensus_vote``, which uses the mean).
        ``disagreement``: :math:`\max(\mathrm{sd}(\mathbb{1}[\text{rated}]),
        \mathrm{sd}(x_{\text{rated}}))` with sample standard deviations, as Open Synthesis'
        ``calc_disagreement``. ``alpha``: Krippendorff's alpha from the ``krippendorff`` package.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication, University of Pennsylvania. Open Synthesis, ``openach/metrics.py``
    (github.com/twschiller/open-synthesis).
    """
    r = np.asarray(ratings, dtype=np.int8)
    if r.ndim != 3:
        raise AnalysisError(f"pool needs (analysts, items, hypotheses) ratings, got {r.ndim}-D")
    if r.shape[0] == 0:
        raise AnalysisError("pool needs at least one analyst")
    _check_codes(r)
    return _pool(r, alpha)


def _pool(r: NDArray[np.int8], alpha: bool) -> Agreement:
    pooled, dis = _median_pool(r)
    return Agreement(
        pooled=pooled,
        disagreement=dis,
        alpha=_alpha(r) if alpha else None,
        n_analysts=int(r.shape[0]),
    )


def _top_changes_removal(s: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.bool_]:
    new = s[None, :] - c
    top = s == s.max()
    new_top = new == new.max(axis=1, keepdims=True)
    return (new_top != top[None, :]).any(axis=1)


def _order_changes_removal(
    s: NDArray[np.float64], c: NDArray[np.float64], chunk: int
) -> NDArray[np.bool_]:
    base = _rank(s)
    out = np.zeros(c.shape[0], dtype=bool)
    for start in range(0, c.shape[0], chunk):
        new = s[None, :] - c[start : start + chunk]
        out[start : start + chunk] = (_rank(new) != base[None, :]).any(axis=1)
    return out


def _top_changes_cell(s: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Does adding ``d[i, h]`` to ``s[h]`` alone change the set of top hypotheses?"""
    m = s.max()
    top = s == m
    n_top = int(top.sum())
    # best score among the others, per hypothesis
    if s.size > 1:
        order = np.sort(s)
        second = order[-2]
        m_other = np.where(top & (n_top == 1), second, m)
    else:
        m_other = np.full_like(s, -np.inf)
    x = s[None, :] + d
    # top hypothesis h: stays the same set iff d == 0, or (sole top and still strictly above)
    top_change = np.where(n_top == 1, x <= m_other[None, :], d != 0)
    # other hypothesis h: joins/overtakes iff x >= m
    other_change = x >= m
    return np.where(top[None, :], top_change, other_change) & (d != 0)


def _order_changes_cell(s: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Does adding ``d[i, h]`` to ``s[h]`` alone change the (tie-aware) order?

    It does iff ``d != 0`` and another score lies in the closed interval between ``s[h]`` and
    ``s[h] + d`` (a tie broken, a tie made, or a rival overtaken).
    """
    srt = np.sort(s)
    x = s[None, :] + d
    lo = np.minimum(s[None, :], x)
    hi = np.maximum(s[None, :], x)
    count = np.searchsorted(srt, hi, side="right") - np.searchsorted(srt, lo, side="left")
    return (d != 0) & (count - 1 > 0)


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
    w = _weights(credibility, n_items, "credibility") * _weights(relevance, n_items, "relevance")

    agreement: Agreement | None = None
    names: tuple[str, ...] = ()
    per_analyst: tuple[tuple[float, ...], ...] = ()
    if r.ndim == 3:
        names = (
            tuple(analysts)
            if analysts is not None
            else tuple(f"A{k + 1}" for k in range(r.shape[0]))
        )
        if len(names) != r.shape[0]:
            raise AnalysisError(f"{len(names)} analyst names for {r.shape[0]} analysts")
        agreement = _pool(r, alpha)
        per_analyst = tuple(tuple(map(float, row)) for row in _weighted_sums(_contributions(r), w))
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
        rem = _top_changes_removal(winc, cw)
        cell_down = _top_changes_cell(winc, d_down)
        cell_up = _top_changes_cell(winc, d_up)
    else:
        rem = _order_changes_removal(winc, cw, chunk)
        cell_down = _order_changes_cell(winc, d_down)
        cell_up = _order_changes_cell(winc, d_up)
    linchpin = rem | cell_down.any(axis=1) | cell_up.any(axis=1)
    if progress:
        progress(1, 3 if r.ndim == 3 else 2, "scored")

    items = []
    for i in range(n_items):
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
    if progress:
        progress(1, 3 if r.ndim == 3 else 2, "items")

    return AchResult(
        hypotheses=tuple(
            HypothesisScore(hyps[j], int(inc[j]), float(winc[j]), int(cons[j]), int(rank[j]))
            for j in range(n_hyp)
        ),
        items=tuple(items),
        criterion=criterion,
        agreement=agreement,
        analysts=names,
        analyst_weighted_inconsistency=per_analyst,
    )


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
