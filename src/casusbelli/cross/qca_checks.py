r"""Checks a methods referee asks of a QCA: outcome skew, trivial negations, chance, case sets.

Sufficiency consistency (inclS) says how far a condition :math:`X` is a subset of the
outcome :math:`Y` (notation of :mod:`casusbelli.cross.qca`):

.. math:: \mathrm{incl}_S(X \Rightarrow Y) = \frac{\sum_i \min(x_i, y_i)}{\sum_i x_i}.

Read alone it can mislead in three ways, each with a check here:

* **Skewed outcome** (:func:`skew_check`). For a crisp outcome,
  :math:`\sum_i \min(x_i, y_i) = \sum_{i: y_i = 1} x_i`, so inclS is the :math:`X`-weighted
  share of cases in the outcome; for any :math:`X` unrelated to :math:`Y` its expectation is
  the outcome's base rate. When the base rate reaches ``incl_cut``, almost any condition
  "passes" sufficiency. The check reports the base rate beside ``incl_cut``, warns when it
  is within :data:`SKEW_MARGIN` of the cut or above it, and (given an ``rng``) simulates how
  often a random uniform fuzzy condition passes.
* **A condition and its negation both pass** (:func:`negation_check`). If
  :math:`\mathrm{incl}_S(X) \ge c` and :math:`\mathrm{incl}_S(1 - X) \ge c`, the outcome
  follows whatever :math:`X` is: the consistency says nothing about :math:`X`.
* **Chance** (:func:`permutation_test`). A solution found by searching :math:`2^k`
  configurations may fit well by chance on a few dozen cases. Braumoeller (2015) proposes a
  permutation test: shuffle the outcome over the cases, which keeps the conditions and the
  outcome's distribution but breaks any link between them, and see how often the analysis
  finds a solution as good. Here the whole analysis (truth table, minimisation) is re-run on
  each shuffle with the same settings, so the search over configurations (the multiple
  testing Braumoeller adjusts for) is part of the null distribution.

:func:`same_cases` gives the cases coded in every theory's data, so rival theories can be
compared on identical cases rather than on whatever listwise deletion leaves for each.

References: Braumoeller, B. F. (2015). Guarding Against False Positives in Qualitative
Comparative Analysis. *Political Analysis*. doi:10.1093/pan/mpv017. Phipson, B. & Smyth,
G. K. (2010). Permutation P-values should never be zero: calculating exact P-values when
permutations are randomly drawn. *Statistical Applications in Genetics and Molecular
Biology* 9(1), article 39. doi:10.2202/1544-6115.1585. Dusa, A. (2019). *QCA with R*.
Springer (the parameters of fit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.cross.boolean import expression_membership
from casusbelli.cross.qca import (
    _TOL,
    DEFAULT_INCL_CUT,
    Minimization,
    TruthTable,
    _all_min_covers,
    _ccubes,
    _covers,
    _r_sort,
    _row_dominance,
    _term_membership,
    minimize,
    truth_table,
)
from casusbelli.errors import AnalysisError

__all__ = [
    "SKEW_MARGIN",
    "NegationCheck",
    "NegationRow",
    "PermutationTest",
    "SameCases",
    "SkewCheck",
    "negation_check",
    "permutation_test",
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


# --------------------------------------------------------------------------- permutation


@dataclass(frozen=True)
class PermutationTest:
    """Outcome-permutation test of a QCA solution (see :func:`permutation_test`)."""

    solution_type: str
    expression: str
    consistency: float
    coverage: float
    n_cases: int
    n_perm: int
    exceed_consistency: int
    exceed_coverage: int
    exceed_both: int
    no_solution: int
    distinct_patterns: int
    alpha: float
    null_consistency: np.ndarray = field(repr=False, compare=False)
    null_coverage: np.ndarray = field(repr=False, compare=False)

    @property
    def p_consistency(self) -> float:
        r""":math:`(1 + \#\{\mathrm{incl}^{(b)} \ge \mathrm{incl}\}) / (1 + B)`."""
        return (1 + self.exceed_consistency) / (1 + self.n_perm)

    @property
    def p_coverage(self) -> float:
        r""":math:`(1 + \#\{\mathrm{cov}^{(b)} \ge \mathrm{cov}\}) / (1 + B)`."""
        return (1 + self.exceed_coverage) / (1 + self.n_perm)

    @property
    def p_joint(self) -> float:
        """Share of permutations (+1 corrected) at least as good on both counts at once."""
        return (1 + self.exceed_both) / (1 + self.n_perm)

    @property
    def status(self) -> str:
        """``"pass"`` when ``p_joint <= alpha``, else ``"warn"`` (chance does as well)."""
        return "pass" if self.p_joint <= self.alpha else "warn"

    @property
    def detail(self) -> str:
        """One line for a table."""
        return (f"{self.solution_type} solution {self.expression} (inclS {self.consistency:.3f}, "
                f"covS {self.coverage:.3f}); outcome shuffled {self.n_perm} times: "
                f"p(inclS) {self.p_consistency:.3f}, p(covS) {self.p_coverage:.3f}, "
                f"p(both) {self.p_joint:.3f}; {self.no_solution} shuffles gave no solution")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (exact numbers; the null distributions as 5/50/95 % quantiles)."""
        q = (0.05, 0.5, 0.95)
        return {
            "check": "qca_permutation",
            "status": self.status,
            "solution_type": self.solution_type,
            "expression": self.expression,
            "inclS": self.consistency,
            "covS": self.coverage,
            "n_cases": self.n_cases,
            "n_perm": self.n_perm,
            "exceed_inclS": self.exceed_consistency,
            "exceed_covS": self.exceed_coverage,
            "exceed_both": self.exceed_both,
            "p_inclS": self.p_consistency,
            "p_covS": self.p_coverage,
            "p_joint": self.p_joint,
            "alpha": self.alpha,
            "no_solution": self.no_solution,
            "distinct_patterns": self.distinct_patterns,
            "null_inclS_quantiles": [float(v) for v in np.quantile(self.null_consistency, q)],
            "null_covS_quantiles": [float(v) for v in np.quantile(self.null_coverage, q)],
            "detail": self.detail,
        }


def _solution(tt: TruthTable, dir_exp: Any, row_dom: bool) -> Minimization | None:
    """The solution :func:`casusbelli.cross.qca.analyze` reports first, or ``None``.

    Intermediate (with ``dir_exp``), else parsimonious, else (no row with OUT 0 or C)
    complex, as ``casus analyze`` and ``casus evaluate`` read it.
    """
    if tt.codes(["1"]).size == 0:
        return None
    has_neg = tt.codes(["0", "C"]).size > 0
    if not has_neg:
        return minimize(tt, row_dom=row_dom)
    if dir_exp is not None:
        return minimize(tt, include="?", dir_exp=dir_exp, row_dom=row_dom)
    return minimize(tt, include="?", row_dom=row_dom)


def _first_model_membership(
    tt: TruthTable, labels: np.ndarray, dir_exp: Any, row_dom: bool,
    cols: Mapping[str, np.ndarray],
) -> np.ndarray | None:
    """Case memberships in model M1 of :func:`_solution` for ``tt`` with row OUT ``labels``.

    ``None`` when no row has OUT = 1. The parsimonious case (the usual one) repeats the
    steps of :func:`~casusbelli.cross.qca.minimize` that choose M1 (prime implicants, R's
    order, all minimum covers) and skips the rest (fit tables, simplifying assumptions); the
    tests check it against :func:`minimize`. Other solution types call :func:`minimize` on a
    copy of ``tt`` with the new labels.
    """
    codes = np.array([r.row_id - 1 for r in tt.observed], dtype=np.int64)
    explain = codes[labels == "1"]
    if explain.size == 0:
        return None
    neg = codes[(labels == "0") | (labels == "C")]
    if neg.size == 0 or dir_exp is not None:
        rows = tuple(replace(r, out=str(o)) for r, o in zip(tt.observed, labels, strict=True))
        sol = _solution(replace(tt, rows=rows, observed=rows), dir_exp, row_dom)
        if sol is None or not sol.models:
            return None
        terms = sol.models[0].terms
        if any(not t.strip() for t in terms):  # every row positive: the empty term, always 1
            return np.ones(tt.memberships.shape[0])
        return expression_membership(" + ".join(terms), cols)
    k = len(tt.conditions)
    raw = _ccubes(explain, neg, k, None)
    if row_dom and len(raw) > 1:
        keep = _row_dominance(_covers(raw, explain))
        raw = [raw[i] for i in keep]
    pis = [raw[i] for i in _r_sort(raw, k)]
    models, _ = _all_min_covers(_covers(pis, explain), 100)
    if not models:
        return None
    return np.max([_term_membership(*pis[t], tt.memberships) for t in models[0]], axis=0)


def _row_outs(
    m: np.ndarray, n_rows: np.ndarray, yp: np.ndarray, tt: TruthTable
) -> np.ndarray:
    """OUT codes (0 "0", 1 "1", 2 "C", 3 "?") of each observed row under each outcome column.

    ``m`` is rows x cases (row memberships), ``yp`` permutations x cases. The rule is that of
    :func:`casusbelli.cross.qca.truth_table`, vectorised over permutations.
    """
    ic1, ic0 = tt.incl_cut
    mn = np.minimum(m[None, :, :], yp[:, None, :])
    s_x = m.sum(axis=1)[None, :]
    s_xy = mn.sum(axis=2)
    s_xyn = np.minimum(mn, 1.0 - yp[:, None, :]).sum(axis=2)
    den = s_x - s_xyn
    with np.errstate(invalid="ignore", divide="ignore"):
        incl = np.where(s_x > 0, s_xy / s_x, np.nan)
        pri = np.where(den > 0, (s_xy - s_xyn) / den, np.nan)
    out = np.zeros(incl.shape, dtype=np.int8)
    one = (incl >= ic1 - _TOL) & (pri >= tt.pri_cut - _TOL)
    con = ~one & (incl >= ic0 - _TOL) & (incl < ic1)
    out[one] = 1
    out[con] = 2
    out[:, n_rows < tt.n_cut] = 3
    return out


_OUT = np.array(["0", "1", "C", "?"])


def permutation_test(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    rng: np.random.Generator,
    n_perm: int = 1000,
    incl_cut: float = DEFAULT_INCL_CUT,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None = None,
    row_dom: bool = False,
    alpha: float = 0.05,
    progress: Progress | None = None,
) -> PermutationTest:
    r"""Permutation test of a QCA solution's consistency and coverage (Braumoeller 2015).

    Parameters
    ----------
    data : pandas.DataFrame
        Memberships in [0, 1], cases in rows (index = case ids), as for
        :func:`casusbelli.cross.qca.truth_table`.
    outcome : str
        Outcome column (``~`` negates).
    conditions : sequence of str, optional
        Condition columns (default: every other column).
    rng : numpy.random.Generator
        Source of the permutations.
    n_perm : int
        Number of permutations :math:`B` (default 1,000).
    incl_cut, n_cut, pri_cut, dir_exp, row_dom
        The QCA settings, used for the observed analysis and every permutation alike.
    alpha : float
        Level for ``status`` (on ``p_joint``).
    progress : callable, optional
        ``progress(advance, total, label)``.

    Returns
    -------
    PermutationTest
        The observed solution (model M1 of the intermediate, else parsimonious, else complex
        solution, as ``casus analyze`` reports it), its inclS and covS, and the p-values.

    Raises
    ------
    AnalysisError
        When the observed truth table has no row with OUT = 1 (no solution to test), or on
        bad data (as :func:`~casusbelli.cross.qca.truth_table`).

    Notes
    -----
    Each permutation :math:`b` shuffles the outcome column over the cases (conditions fixed),
    rebuilds the truth table and minimises it with the same settings; the statistic is model
    M1's :math:`\mathrm{incl}^{(b)}` and :math:`\mathrm{cov}^{(b)}` (0 and 0 when no row has
    OUT = 1). With :math:`B` permutations,

    .. math::

        p_{\mathrm{incl}} = \frac{1 + \#\{b: \mathrm{incl}^{(b)} \ge \mathrm{incl}\}}{1 + B},
        \quad
        p_{\mathrm{cov}} = \frac{1 + \#\{b: \mathrm{cov}^{(b)} \ge \mathrm{cov}\}}{1 + B},

    and :math:`p_{\mathrm{joint}}` counts permutations at least as good on both; the
    :math:`+1` counts the observed data among the permutations, so :math:`p > 0` (Phipson &
    Smyth 2010). ``>=`` allows R's tolerance :math:`\sqrt{\epsilon}`. Braumoeller (2015)
    permutes the outcome against given configurations and adjusts for the number of
    configurations tested; re-running the minimisation on each shuffle puts that search
    inside the null distribution instead.

    The row memberships do not change between permutations, so the truth tables of all
    permutations are computed at once; each distinct pattern of OUT codes is minimised
    once (many permutations share one), and the solution's fit is then computed per
    permutation. With crisp data and no observed remainder row (``n_cut`` 1) no minimisation
    is needed: every minimal model covers exactly the observed rows with OUT = 1 (a prime
    implicant never covers a row with OUT 0 or C), so a case belongs to the solution iff its
    row has OUT = 1.
    """
    if int(n_perm) < 1:
        raise AnalysisError("n_perm must be at least 1", field="n_perm")
    if not 0.0 < alpha < 1.0:
        raise AnalysisError(f"alpha {alpha!r} must lie in (0, 1)", field="alpha")
    n_perm = int(n_perm)
    tt = truth_table(data, outcome, conditions, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
    observed = _solution(tt, dir_exp, row_dom)
    if observed is None or not observed.models:
        raise AnalysisError("the truth table has no row with OUT = 1: no solution to test",
                            field="incl_cut", hint="lower incl_cut, or there is nothing to test")
    x, y = tt.memberships, tt.outcome_membership
    cols = {c: x[:, j] for j, c in enumerate(tt.conditions)}
    k = len(tt.conditions)
    weights = np.array([1 << (k - 1 - j) for j in range(k)], dtype=np.int64)
    codes = (x > 0.5).astype(np.int64) @ weights
    is_crisp = bool(np.isin(x, (0.0, 1.0)).all())
    rows = tt.observed
    m = np.empty((len(rows), y.size))
    for r, row in enumerate(rows):
        if is_crisp:
            m[r] = codes == row.row_id - 1
        else:
            bits = np.array(row.values, dtype=bool)
            m[r] = np.where(bits[None, :], x, 1.0 - x).min(axis=1)
    n_rows = np.array([row.n for row in rows])

    yp = rng.permuted(np.broadcast_to(y, (n_perm, y.size)), axis=1)
    outs = np.empty((n_perm, len(rows)), dtype=np.int8)
    chunk = max(1, 2_000_000 // max(1, m.size))
    for start in range(0, n_perm, chunk):
        outs[start:start + chunk] = _row_outs(m, n_rows, yp[start:start + chunk], tt)
    patterns, inverse = np.unique(outs, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    cons = np.zeros(n_perm)
    cov = np.zeros(n_perm)
    if is_crisp and not (outs == 3).any():
        # Crisp data, no observed remainder: every model covers exactly the observed rows
        # with OUT = 1 (prime implicants never cover a row with OUT 0 or C), so a case's
        # membership in the solution is 1 iff its row has OUT = 1, whichever model is M1.
        u = m.T @ (outs == 1).T.astype(float)  # cases x permutations
        joint = np.minimum(u.T, yp).sum(axis=1)
        s_u = u.sum(axis=0)
        has = s_u > 0
        cons[has] = joint[has] / s_u[has]
        cov[has] = joint[has] / yp[has].sum(axis=1)
        no_solution = int((~has).sum())
        if progress is not None:
            progress(1, 1, "permutations")
        return _result(observed, y.size, n_perm, alpha, cons, cov, no_solution, len(patterns))
    no_solution = 0
    for p, pattern in enumerate(patterns):
        members = np.flatnonzero(inverse == p)
        labels = _OUT[pattern]
        u = _first_model_membership(tt, labels, dir_exp, row_dom, cols)
        if progress is not None:
            progress(1, len(patterns), "permutations")
        if u is None:
            no_solution += members.size
            continue
        ys = yp[members]
        joint = np.minimum(u[None, :], ys).sum(axis=1)
        s_u = float(u.sum())
        cons[members] = joint / s_u if s_u > 0 else 0.0
        cov[members] = joint / ys.sum(axis=1)
    return _result(observed, y.size, n_perm, alpha, cons, cov, no_solution, len(patterns))


def _result(
    observed: Minimization, n_cases: int, n_perm: int, alpha: float, cons: np.ndarray,
    cov: np.ndarray, no_solution: int, distinct: int,
) -> PermutationTest:
    best = observed.models[0]
    ge_cons = cons >= best.incl - _TOL
    ge_cov = cov >= best.cov - _TOL
    return PermutationTest(
        solution_type=observed.solution_type,
        expression=best.expression,
        consistency=float(best.incl),
        coverage=float(best.cov),
        n_cases=int(n_cases),
        n_perm=n_perm,
        exceed_consistency=int(ge_cons.sum()),
        exceed_coverage=int(ge_cov.sum()),
        exceed_both=int((ge_cons & ge_cov).sum()),
        no_solution=no_solution,
        distinct_patterns=distinct,
        alpha=float(alpha),
        null_consistency=cons,
        null_coverage=cov,
    )


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
