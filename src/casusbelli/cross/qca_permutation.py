"""Permutation test of a QCA solution's consistency and coverage (Braumoeller 2015; p-values as
Phipson & Smyth 2010). See :mod:`casusbelli.cross.qca_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from casusbelli.cross.qca_fit_checks import Progress
from casusbelli.errors import AnalysisError

__all__ = [
    "PermutationTest",
    "permutation_test",
]


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
    y = tt.outcome_membership
    m, n_rows, is_crisp = _row_memberships(tt)
    yp = rng.permuted(np.broadcast_to(y, (n_perm, y.size)), axis=1)
    outs = np.empty((n_perm, len(tt.observed)), dtype=np.int8)
    chunk = max(1, 2_000_000 // max(1, m.size))
    for start in range(0, n_perm, chunk):
        outs[start:start + chunk] = _row_outs(m, n_rows, yp[start:start + chunk], tt)
    patterns, inverse = np.unique(outs, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if is_crisp and not (outs == 3).any():
        cons, cov, no_solution = _crisp_fit(m, outs, yp)
        if progress is not None:
            progress(1, 1, "permutations")
    else:
        cons, cov, no_solution = _pattern_fit(tt, patterns, inverse, yp, dir_exp, row_dom,
                                              progress)
    return _result(observed, y.size, n_perm, alpha, cons, cov, no_solution, len(patterns))


def _row_memberships(tt: TruthTable) -> tuple[np.ndarray, np.ndarray, bool]:
    """Each observed row's membership of every case (rows x cases), the rows' case counts,
    and whether the data are crisp."""
    x = tt.memberships
    k = len(tt.conditions)
    weights = np.array([1 << (k - 1 - j) for j in range(k)], dtype=np.int64)
    codes = (x > 0.5).astype(np.int64) @ weights
    is_crisp = bool(np.isin(x, (0.0, 1.0)).all())
    rows = tt.observed
    m = np.empty((len(rows), x.shape[0]))
    for r, row in enumerate(rows):
        if is_crisp:
            m[r] = codes == row.row_id - 1
        else:
            bits = np.array(row.values, dtype=bool)
            m[r] = np.where(bits[None, :], x, 1.0 - x).min(axis=1)
    return m, np.array([row.n for row in rows]), is_crisp


def _crisp_fit(m: np.ndarray, outs: np.ndarray,
               yp: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Consistency and coverage per permutation for crisp data with no observed remainder.

    Every model covers exactly the observed rows with OUT = 1 (prime implicants never cover a
    row with OUT 0 or C), so a case's membership in the solution is 1 iff its row has OUT = 1,
    whichever model is M1.
    """
    n_perm = yp.shape[0]
    cons = np.zeros(n_perm)
    cov = np.zeros(n_perm)
    u = m.T @ (outs == 1).T.astype(float)  # cases x permutations
    joint = np.minimum(u.T, yp).sum(axis=1)
    s_u = u.sum(axis=0)
    has = s_u > 0
    cons[has] = joint[has] / s_u[has]
    cov[has] = joint[has] / yp[has].sum(axis=1)
    return cons, cov, int((~has).sum())


def _pattern_fit(tt: TruthTable, patterns: np.ndarray, inverse: np.ndarray, yp: np.ndarray,
                 dir_exp: Any, row_dom: bool,
                 progress: Progress | None) -> tuple[np.ndarray, np.ndarray, int]:
    """Consistency and coverage per permutation, minimising each distinct OUT pattern once."""
    x = tt.memberships
    cols = {c: x[:, j] for j, c in enumerate(tt.conditions)}
    n_perm = yp.shape[0]
    cons = np.zeros(n_perm)
    cov = np.zeros(n_perm)
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
    return cons, cov, no_solution


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
