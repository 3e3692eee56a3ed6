"""Outcome skew, trivial negations and common case sets of a QCA (see
:mod:`casusbelli.cross.qca_checks` for what each check guards against, and the references).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.cross.qca import (
    _TOL,
    DEFAULT_INCL_CUT,
)
from casusbelli.errors import AnalysisError

__all__ = [
    "NegationCheck",
    "NegationRow",
    "SKEW_MARGIN",
    "SameCases",
    "SkewCheck",
    "negation_check",
    "same_cases",
    "skew_check",
]

#: The skew warning fires when the outcome's base rate is at least ``incl_cut - SKEW_MARGIN``.
SKEW_MARGIN = 0.1

Progress = Callable[[int, "int | None", str], None]


def _finite(v: float) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)


def _unit_array(values: Any, name: str, ndim: int) -> np.ndarray:
    """A float array of memberships in [0, 1] (NaN allowed), with a located error otherwise."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{name} must hold numbers in [0, 1]: {exc}", field=name) from None
    if ndim == 2 and arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != ndim:
        raise AnalysisError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}", field=name)
    bad = ~np.isnan(arr) & ((arr < 0) | (arr > 1))
    if bad.any():
        pos = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AnalysisError(
            f"{name} value {float(arr[pos])!r} at {pos} is outside [0, 1]",
            field=name,
            line=pos[0],
            hint="calibrate raw values first (casusbelli.cross.calibrate)",
        )
    return arr


def _check_cut(incl_cut: float) -> float:
    cut = float(incl_cut)
    if not 0.0 <= cut <= 1.0:
        raise AnalysisError(f"incl_cut {cut!r} must lie in [0, 1]", field="incl_cut")
    return cut


# --------------------------------------------------------------------------- skew


@dataclass(frozen=True)
class SkewCheck:
    """The outcome's base rate beside ``incl_cut`` (see :func:`skew_check`)."""

    n_cases: int
    mean_membership: float
    share_in_outcome: float
    base_rate: float
    incl_cut: float
    margin: float
    status: str
    null_pass_rate: float | None = None
    n_sim: int = 0

    @property
    def detail(self) -> str:
        """One line for a table."""
        if self.status == "pass":
            where = "below"
        elif self.base_rate >= self.incl_cut - _TOL:
            where = "at or above"
        else:
            where = f"within {self.margin:g} of"
        text = (f"outcome base rate {self.base_rate:.3f} (mean membership "
                f"{self.mean_membership:.3f}, {self.share_in_outcome:.0%} of {self.n_cases} cases "
                f"in the outcome) is {where} incl_cut {self.incl_cut:g}")
        if self.status != "pass":
            text += ": conditions unrelated to the outcome pass sufficiency"
        if self.null_pass_rate is not None:
            text += (f"; a random fuzzy condition passes in {self.null_pass_rate:.0%} of "
                     f"{self.n_sim} simulations")
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (exact numbers)."""
        return {
            "check": "qca_skew",
            "status": self.status,
            "n_cases": self.n_cases,
            "mean_membership": self.mean_membership,
            "share_in_outcome": self.share_in_outcome,
            "base_rate": self.base_rate,
            "incl_cut": self.incl_cut,
            "margin": self.margin,
            "null_pass_rate": self.null_pass_rate,
            "n_sim": self.n_sim,
            "detail": self.detail,
        }


def skew_check(
    outcome: Any,
    incl_cut: float = DEFAULT_INCL_CUT,
    *,
    margin: float = SKEW_MARGIN,
    rng: np.random.Generator | None = None,
    n_sim: int = 1000,
) -> SkewCheck:
    r"""Warn when the outcome is so common that sufficiency consistency is uninformative.

    Parameters
    ----------
    outcome : array_like, shape (n,)
        Outcome memberships in [0, 1]; NaN (unknown) cases are ignored.
    incl_cut : float
        The inclusion cut-off of the QCA (as in :func:`~casusbelli.cross.qca.truth_table`).
    margin : float
        "Near" the cut means a base rate of at least ``incl_cut - margin`` (default 0.1).
    rng : numpy.random.Generator, optional
        When given, also simulate ``n_sim`` conditions :math:`X \sim U(0, 1)` independent of
        the outcome and report the share whose inclS reaches ``incl_cut``.
    n_sim : int
        Number of simulated random conditions.

    Returns
    -------
    SkewCheck
        ``status`` is ``"warn"`` when the base rate is near or above ``incl_cut``, else
        ``"pass"``.

    Notes
    -----
    The base rate is :math:`\max(\bar y, \tfrac{1}{n}\#\{i: y_i > 0.5\})`, the larger of the
    mean membership and the share of cases in the outcome. For a crisp outcome
    :math:`\mathrm{incl}_S = \sum_{i: y_i = 1} x_i / \sum_i x_i`, the :math:`X`-weighted share
    of cases in the outcome, whose expectation for an unrelated :math:`X` is that share;
    so with a base rate at ``incl_cut`` a condition unrelated to the outcome passes about half
    the time, and more often as the base rate rises. Braumoeller (2015) makes the same point
    about the chance consistency of QCA results.
    """
    cut = _check_cut(incl_cut)
    y = _unit_array(outcome, "outcome", 1)
    y = y[~np.isnan(y)]
    if y.size == 0:
        raise AnalysisError("no case has a known outcome", field="outcome")
    if not 0.0 <= margin < 1.0:
        raise AnalysisError(f"margin {margin!r} must lie in [0, 1)", field="margin")
    mean = float(y.mean())
    share = float(np.mean(y > 0.5))
    base = max(mean, share)
    status = "warn" if base >= cut - margin - _TOL else "pass"
    null_rate = None
    sims = 0
    if rng is not None:
        if n_sim < 1:
            raise AnalysisError("n_sim must be at least 1", field="n_sim")
        x = rng.random((int(n_sim), y.size))
        incl = np.minimum(x, y[None, :]).sum(axis=1) / x.sum(axis=1)
        null_rate = float(np.mean(incl >= cut - _TOL))
        sims = int(n_sim)
    return SkewCheck(int(y.size), mean, share, base, cut, float(margin), status, null_rate, sims)


# --------------------------------------------------------------------------- negation


@dataclass(frozen=True)
class NegationRow:
    """inclS of one condition and of its negation for the outcome."""

    condition: str
    n_cases: int
    incl: float | None
    incl_negated: float | None
    both_pass: bool

    @property
    def status(self) -> str:
        """``"warn"`` when both the condition and its negation pass, else ``"pass"``."""
        return "warn" if self.both_pass else "pass"

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (exact numbers)."""
        return {
            "condition": self.condition,
            "n_cases": self.n_cases,
            "inclS": self.incl,
            "inclS_negated": self.incl_negated,
            "both_pass": self.both_pass,
            "status": self.status,
        }


@dataclass(frozen=True)
class NegationCheck:
    """:func:`negation_check` for every condition."""

    incl_cut: float
    rows: tuple[NegationRow, ...]

    @property
    def flagged(self) -> tuple[str, ...]:
        """Conditions that pass sufficiency both present and absent."""
        return tuple(r.condition for r in self.rows if r.both_pass)

    @property
    def status(self) -> str:
        """``"warn"`` when any condition is flagged, else ``"pass"``."""
        return "warn" if self.flagged else "pass"

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (exact numbers)."""
        return {
            "check": "qca_negation",
            "status": self.status,
            "incl_cut": self.incl_cut,
            "flagged": list(self.flagged),
            "conditions": [r.to_dict() for r in self.rows],
        }


def negation_check(
    X: Any, Y: Any, names: Sequence[str], incl_cut: float = DEFAULT_INCL_CUT
) -> NegationCheck:
    r"""Flag conditions whose presence and absence are both "sufficient" for the outcome.

    Parameters
    ----------
    X : array_like, shape (n, k)
        Condition memberships in [0, 1]; NaN marks an unknown.
    Y : array_like, shape (n,)
        Outcome memberships in [0, 1]; NaN marks an unknown.
    names : sequence of str
        The k condition names.
    incl_cut : float
        The inclusion cut-off.

    Returns
    -------
    NegationCheck
        Per condition :math:`\mathrm{incl}_S(X)` and :math:`\mathrm{incl}_S(1 - X)` over the
        cases where both :math:`X` and :math:`Y` are known, and ``both_pass`` when both are at
        least ``incl_cut`` (R's tolerance, :math:`\sqrt{\epsilon}`).

    Notes
    -----
    :math:`\mathrm{incl}_S(1 - X) = \sum_i \min(1 - x_i, y_i) / \sum_i (1 - x_i)`. When both
    pass, :math:`Y` is (almost) a superset of :math:`X` and of its complement, so of every
    case: the outcome's skew, not :math:`X`, produces the consistency (see
    :func:`skew_check`).
    """
    cut = _check_cut(incl_cut)
    x = _unit_array(X, "X", 2)
    y = _unit_array(Y, "Y", 1)
    names = [str(n) for n in names]
    if x.shape[0] != y.size:
        raise AnalysisError(f"X has {x.shape[0]} cases but Y has {y.size}", field="Y")
    if x.shape[1] != len(names):
        raise AnalysisError(f"X has {x.shape[1]} conditions but {len(names)} names are given",
                            field="names")
    rows = []
    for j, name in enumerate(names):
        ok = ~np.isnan(x[:, j]) & ~np.isnan(y)
        xj, yj = x[ok, j], y[ok]
        incl = _incl(xj, yj)
        incl_neg = _incl(1.0 - xj, yj)
        both = (incl is not None and incl_neg is not None
                and incl >= cut - _TOL and incl_neg >= cut - _TOL)
        rows.append(NegationRow(name, int(ok.sum()), incl, incl_neg, bool(both)))
    return NegationCheck(cut, tuple(rows))


def _incl(x: np.ndarray, y: np.ndarray) -> float | None:
    s_x = float(x.sum())
    return float(np.minimum(x, y).sum()) / s_x if s_x > 0 else None


# --------------------------------------------------------------------------- same cases


@dataclass(frozen=True)
class SameCases:
    """The cases coded in every theory's data (see :func:`same_cases`)."""

    cases: tuple[str, ...]
    names: tuple[str, ...]
    coded: tuple[int, ...]
    left_out: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: the common cases, and per frame how many it codes and which it loses."""
        return {
            "check": "same_cases",
            "n_cases": len(self.cases),
            "cases": list(self.cases),
            "frames": [
                {"name": n, "coded": c, "left_out": list(self.left_out.get(n, ()))}
                for n, c in zip(self.names, self.coded, strict=True)
            ],
        }


def same_cases(
    *frames: pd.DataFrame | tuple[Sequence[Any], Any],
    names: Sequence[str] | None = None,
) -> SameCases:
    """Case ids coded (no unknown) in every one of several case x condition matrices.

    Parameters
    ----------
    *frames : pandas.DataFrame or (case_ids, matrix)
        One per theory: rows are cases (DataFrame index, or the ``case_ids`` given with a
        NumPy matrix), columns conditions; NaN marks an unknown. A case absent from a frame
        counts as not coded there.
    names : sequence of str, optional
        A name per frame (default ``"0"``, ``"1"``, ...), used in ``left_out``.

    Returns
    -------
    SameCases
        ``cases``: the intersection, in the order of the first frame; ``coded``: how many
        cases each frame codes fully; ``left_out``: per frame, its fully coded cases that
        are not in the intersection.
    """
    if not frames:
        raise AnalysisError("same_cases needs at least one frame", field="frames")
    labels = [str(i) for i in range(len(frames))] if names is None else [str(n) for n in names]
    if len(labels) != len(frames):
        raise AnalysisError(f"{len(labels)} names for {len(frames)} frames", field="names")
    coded: list[list[str]] = []
    for label, frame in zip(labels, frames, strict=True):
        if isinstance(frame, pd.DataFrame):
            ids = [str(i) for i in frame.index]
            values = frame.to_numpy(dtype=float)
        else:
            try:
                raw_ids, matrix = frame
            except (TypeError, ValueError):
                raise AnalysisError(f"frame {label!r} must be a DataFrame or (case_ids, matrix)",
                                    field=label) from None
            ids = [str(i) for i in raw_ids]
            values = np.asarray(matrix, dtype=float)
            if values.ndim == 1:
                values = values[:, None]
            if values.shape[0] != len(ids):
                raise AnalysisError(f"frame {label!r}: {len(ids)} case ids for "
                                    f"{values.shape[0]} rows", field=label)
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise AnalysisError(f"frame {label!r}: duplicate case id(s) {', '.join(dup)}",
                                field=label)
        full = ~np.isnan(values).any(axis=1) if values.size else np.ones(len(ids), dtype=bool)
        coded.append([i for i, ok in zip(ids, full, strict=True) if ok])
    common = set(coded[0]).intersection(*map(set, coded[1:]))
    cases = tuple(i for i in coded[0] if i in common)
    left = {lab: tuple(i for i in c if i not in common) for lab, c in zip(labels, coded,
                                                                           strict=True)}
    return SameCases(cases, tuple(labels), tuple(len(c) for c in coded), left)
