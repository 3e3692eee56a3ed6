r"""Qualitative Comparative Analysis: truth table, minimisation, consistency and coverage.

The definitions follow R's QCA package by Adrian Dusa (version 3.25; Dusa 2019), so that a
truth table and its complex (conservative), parsimonious and intermediate solutions agree
with R's ``truthTable()`` and ``minimize()`` term for term and model for model.

Parameters of fit (Ragin 2008; Dusa 2019), for a set :math:`X` and outcome
:math:`Y` with memberships :math:`x_i, y_i`:

.. math::

    \mathrm{incl}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i x_i}, \qquad
    \mathrm{cov}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i y_i},

    \mathrm{PRI} = \frac{\sum \min(x, y) - \sum \min(x, y, 1 - y)}
                        {\sum x - \sum \min(x, y, 1 - y)},

    \mathrm{cov}_U(T_j) = \mathrm{cov}_S(T_j) - \frac{\sum_i \min(t_{ij}, y_i, \max_{k \ne j} t_{ik})}{\sum_i y_i},

    \mathrm{incl}_N = \frac{\sum \min(x, y)}{\sum y}, \quad
    \mathrm{RoN} = \frac{\sum (1 - x)}{\sum (1 - \min(x, y))}, \quad
    \mathrm{cov}_N = \frac{\sum \min(x, y)}{\sum x}.

A case belongs to the truth-table row whose crisp code it has (membership above 0.5); its
membership in a row is the minimum over the conditions of :math:`x` or :math:`1 - x`.

Minimisation: the complex solution minimises the positive rows alone with Quine–McCluskey;
the parsimonious one finds prime implicants of the positive rows plus the remainders,
level by level as R's CCubes algorithm does, with R's stopping rule;
both then solve the prime implicant chart for *all* covers of minimum size. The
intermediate solution follows R's easy-counterfactual rule (Ragin 2008; Dusa 2019): a literal of a complex term that is absent from the parsimonious term it
implies and contradicts a directional expectation is dropped; the remainders covered by
the resulting terms (and by the parsimonious model) are the easy counterfactuals, added to
the positive rows before a new Quine–McCluskey pass. Terms and models are sorted as R
sorts them.

References: Ragin, C. C. (2008). *Redesigning Social Inquiry*. Chicago UP. Dusa, A. (2019).
*QCA with R*. Springer. Schneider, C. Q. & Wagemann, C. (2012). *Set-Theoretic Methods for
the Social Sciences*. Cambridge UP. Thiem, A. & Duşa, A. (2013). QCA: A package for
Qualitative Comparative Analysis. *The R Journal* 5(1), 87-97. doi:10.32614/RJ-2013-009.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.cross.boolean import expression_membership
from casusbelli.errors import AnalysisError

__all__ = [
    "DEFAULT_INCL_CUT",
    "MAX_CONDITIONS",
    "Minimization",
    "Model",
    "NecessityFit",
    "QCAResult",
    "TermFit",
    "TruthTable",
    "TruthTableRow",
    "analyze",
    "minimize",
    "necessity",
    "outcome_membership",
    "parse_dir_exp",
    "sufficiency",
    "truth_table",
]

#: Largest number of conditions accepted (3**20 candidate terms; R itself stops far earlier).
MAX_CONDITIONS = 20
#: The one default inclusion cut-off of the package (truth tables, the CLI, robustness, checks).
#: R's ``truthTable()`` defaults to 1; 0.8 is the usual fuzzy-set choice (Ragin 2008: at least
#: 0.75; Schneider & Wagemann 2012), and it is what every analysis here used so far.
DEFAULT_INCL_CUT = 0.8
_TOL = 1.4901161193847656e-08  # sqrt(machine epsilon), R/admisc's tolerance for >=

Progress = Callable[[int, "int | None", str], None]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TruthTableRow:
    """One configuration: its condition values, outcome code and fit."""

    row_id: int
    values: tuple[int, ...]
    out: str
    n: int
    incl: float | None
    pri: float | None
    cases: tuple[str, ...]

    def to_dict(self, conditions: Sequence[str]) -> dict[str, Any]:
        """Return the row as a JSON-ready mapping (R's column names)."""
        d: dict[str, Any] = {"row_id": self.row_id}
        d.update(dict(zip(conditions, self.values, strict=True)))
        d.update({"OUT": self.out, "n": self.n, "incl": self.incl, "PRI": self.pri})
        d["cases"] = list(self.cases)
        return d


@dataclass(frozen=True, eq=False)
class TruthTable:
    """A truth table (R's ``truthTable``); ``rows`` holds observed rows, or all with ``complete``."""

    outcome: str
    conditions: tuple[str, ...]
    rows: tuple[TruthTableRow, ...]
    observed: tuple[TruthTableRow, ...]
    incl_cut: tuple[float, float]
    n_cut: int
    pri_cut: float
    case_ids: tuple[str, ...]
    memberships: np.ndarray = field(repr=False)
    outcome_membership: np.ndarray = field(repr=False)
    #: Cases with a condition membership of exactly 0.5: counted in ``n`` of their crisp row
    #: (as R counts them) but listed in no row's ``cases``, since they are in no corner.
    half_cases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the truth table as a JSON-ready list of rows under ``truth_table``."""
        return {
            "outcome": self.outcome,
            "conditions": list(self.conditions),
            "incl_cut": list(self.incl_cut),
            "n_cut": self.n_cut,
            "pri_cut": self.pri_cut,
            "rows": [r.to_dict(self.conditions) for r in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """The shown rows as a pandas DataFrame indexed by R's row number."""
        from casusbelli.cross.qca_display import truth_table_frame

        return truth_table_frame(self)

    def __repr__(self) -> str:
        from casusbelli.cross.qca_display import format_truth_table

        return format_truth_table(self)

    def codes(self, outs: Sequence[str]) -> np.ndarray:
        """Row codes (row_id - 1) of observed rows whose OUT is in ``outs``, ascending."""
        return np.array([r.row_id - 1 for r in self.observed if r.out in outs], dtype=np.int64)


@dataclass(frozen=True)
class TermFit:
    """Consistency and coverage of one term (R's ``pof`` on a solution)."""

    term: str
    incl: float
    pri: float
    cov: float
    cov_unique: float
    cases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON shape with R's names (inclS, PRI, covS, covU)."""
        return {
            "term": self.term,
            "inclS": self.incl,
            "PRI": self.pri,
            "covS": self.cov,
            "covU": self.cov_unique,
            "cases": list(self.cases),
        }


@dataclass(frozen=True)
class Model:
    """One equally minimal model (R's M1, M2, ...)."""

    name: str
    terms: tuple[str, ...]
    fits: tuple[TermFit, ...]
    incl: float
    pri: float
    cov: float

    @property
    def expression(self) -> str:
        """The model as ``term + term``."""
        return " + ".join(self.terms)

    def to_frame(self) -> pd.DataFrame:
        """inclS, PRI, covS, covU and cases per term, then the model's own line."""
        from casusbelli.cross.qca_display import model_frame

        return model_frame(self)

    def __repr__(self) -> str:
        return (f"Model({self.name}: {self.expression}; inclS {self.incl:.3f}, "
                f"PRI {self.pri:.3f}, covS {self.cov:.3f})")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: terms, inclS, PRI, covS and terms_detail."""
        return {
            "model": self.name,
            "terms": list(self.terms),
            "inclS": self.incl,
            "PRI": self.pri,
            "covS": self.cov,
            "terms_detail": [f.to_dict() for f in self.fits],
        }


@dataclass(frozen=True)
class IntermediateCombo:
    """One complex-by-parsimonious combination of an intermediate solution (R's C1P1, ...)."""

    name: str
    complex_terms: tuple[str, ...]
    parsimonious_terms: tuple[str, ...]
    easy_counterfactuals: tuple[int, ...]
    prime_implicants: tuple[str, ...]
    essential: tuple[str, ...]
    models: tuple[Model, ...]
    truncated: bool = False


@dataclass(frozen=True)
class Minimization:
    """Result of :func:`minimize` for one solution type."""

    solution_type: str
    outcome: str
    conditions: tuple[str, ...]
    models: tuple[Model, ...]
    prime_implicants: tuple[str, ...]
    essential: tuple[str, ...]
    simplifying_assumptions: Mapping[str, tuple[int, ...]]
    overall: tuple[TermFit, ...]
    combos: tuple[IntermediateCombo, ...] = ()
    numbers: Mapping[str, int] = field(default_factory=dict)
    truncated: bool = False

    def to_frame(self) -> pd.DataFrame:
        """Every model's terms and solution line (columns solution, model, term, inclS, ...)."""
        from casusbelli.cross.qca_display import minimization_frame

        return minimization_frame(self)

    def __repr__(self) -> str:
        from casusbelli.cross.qca_display import format_minimization

        return format_minimization(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"solutions": {type: [model, ...]}}`` plus details."""
        return {
            "solution_type": self.solution_type,
            "outcome": self.outcome,
            "prime_implicants": list(self.prime_implicants),
            "essential": list(self.essential),
            "simplifying_assumptions": {
                k: list(v) for k, v in self.simplifying_assumptions.items()
            },
            "truncated": self.truncated,
            "solutions": {self.solution_type: [m.to_dict() for m in self.models]},
        }


@dataclass(frozen=True)
class QCAResult:
    """A truth table with its complex, parsimonious and (optional) intermediate solutions."""

    truth_table: TruthTable
    complex: Minimization | None
    parsimonious: Minimization | None
    intermediate: Minimization | None

    @property
    def main_solution(self) -> Minimization | None:
        """The solution reported first: intermediate, else parsimonious, else complex."""
        return self.intermediate or self.parsimonious or self.complex

    def to_frame(self) -> pd.DataFrame:
        """The solutions computed, one frame (columns solution, model, term, inclS, ...)."""
        frames = [m.to_frame() for m in (self.complex, self.parsimonious, self.intermediate)
                  if m is not None]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def __repr__(self) -> str:
        from casusbelli.cross.qca_display import format_result

        return format_result(self)

    def to_dict(self) -> dict[str, Any]:
        """``{"truth_table": [...], "solutions": {"complex": [...], ...}}``."""
        sols: dict[str, list[dict[str, Any]]] = {}
        for name in ("complex", "parsimonious", "intermediate"):
            m: Minimization | None = getattr(self, name)
            sols[name] = [x.to_dict() for x in m.models] if m is not None else []
        tt = self.truth_table
        return {
            "outcome": tt.outcome,
            "conditions": list(tt.conditions),
            "truth_table": [r.to_dict(tt.conditions) for r in tt.rows],
            "solutions": sols,
        }


@dataclass(frozen=True)
class NecessityFit:
    """Necessity (and sufficiency) fit of one condition or its negation."""

    term: str
    incl: float
    ron: float
    cov: float
    incl_sufficiency: float
    pri: float
    cov_sufficiency: float

    def to_dict(self) -> dict[str, Any]:
        """JSON shape with R's names."""
        return {
            "term": self.term,
            "inclN": self.incl,
            "RoN": self.ron,
            "covN": self.cov,
            "inclS": self.incl_sufficiency,
            "PRI": self.pri,
            "covS": self.cov_sufficiency,
        }


# --------------------------------------------------------------------------- input checks


def _check_data(
    data: pd.DataFrame, outcome: str, conditions: Sequence[str] | None
) -> tuple[str, bool, list[str]]:
    if not isinstance(data, pd.DataFrame):
        raise AnalysisError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if data.shape[0] == 0:
        raise AnalysisError("empty data: no cases")
    if not isinstance(outcome, str) or not outcome.strip():
        raise AnalysisError("outcome must be a column name", field="outcome")
    name = outcome.strip()
    negated = False
    while name.startswith("~"):
        negated = not negated
        name = name[1:].strip()
    if name not in data.columns:
        raise AnalysisError(
            f"outcome {name!r} not in data",
            field="outcome",
            hint=f"columns: {', '.join(map(str, data.columns))}",
        )
    conds = [c for c in data.columns if c != name] if conditions is None else list(conditions)
    if not conds:
        raise AnalysisError("no conditions given", field="conditions")
    if len(conds) > MAX_CONDITIONS:
        raise AnalysisError(
            f"{len(conds)} conditions given; the limit is {MAX_CONDITIONS} conditions",
            field="conditions",
            hint="reduce the number of conditions (or aggregate them into macro-conditions)",
        )
    if len(set(conds)) != len(conds):
        dup = sorted({c for c in conds if conds.count(c) > 1})
        raise AnalysisError(f"duplicate condition(s): {', '.join(dup)}", field="conditions")
    for c in conds:
        if c not in data.columns:
            raise AnalysisError(f"condition {c!r} not in data", field=c)
        if c == name:
            raise AnalysisError(f"{c!r} is both the outcome and a condition", field=c)
    for c in [*conds, name]:
        col = data[c]
        if not pd.api.types.is_numeric_dtype(col):
            raise AnalysisError(f"column {c!r} is not numeric", field=c)
        vals = col.to_numpy(dtype=float)
        bad = np.isnan(vals)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise AnalysisError(
                f"missing value (NaN) in column {c!r} at row {k} (case {data.index[k]!r})",
                field=c,
                line=k,
                hint="QCA needs a membership for every case; drop or code the case",
            )
        out = (vals < 0) | (vals > 1)
        if out.any():
            k = int(np.flatnonzero(out)[0])
            raise AnalysisError(
                f"value {float(vals[k])!r} in column {c!r} at row {k} (case {data.index[k]!r}) "
                "is outside [0, 1]",
                field=c,
                line=k,
                hint="calibrate raw values first (casusbelli.cross.calibrate)",
            )
        if np.all(vals == vals[0]):
            raise AnalysisError(
                f"column {c!r} is constant ({float(vals[0])!r} in every case)",
                field=c,
                hint="a constant set cannot distinguish cases; drop it",
            )
    return name, negated, conds


def _parse_cut(incl_cut: float | Sequence[float]) -> tuple[float, float]:
    if isinstance(incl_cut, (int, float)):
        ic = (float(incl_cut), float(incl_cut))
    else:
        vals = [float(v) for v in incl_cut]
        if len(vals) not in (1, 2):
            raise AnalysisError("incl_cut takes one or two values", field="incl_cut")
        ic = (vals[0], vals[-1])
    if not all(0 <= v <= 1 for v in ic) or ic[1] > ic[0]:
        raise AnalysisError(
            f"incl_cut {ic} must lie in [0, 1] with the exclusion cut not above the inclusion cut",
            field="incl_cut",
        )
    return ic


# --------------------------------------------------------------------------- truth table


def truth_table(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    incl_cut: float | Sequence[float] = DEFAULT_INCL_CUT,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    complete: bool = False,
    sort_by: Sequence[str] | None = None,
    decreasing: bool = True,
) -> TruthTable:
    r"""Build a truth table as R QCA's ``truthTable()`` does.

    Parameters
    ----------
    data : pandas.DataFrame
        Set memberships in [0, 1] (crisp or fuzzy); the index holds case ids.
    outcome : str
        Outcome column; a leading ``~`` negates it (:math:`1 - y`).
    conditions : sequence of str, optional
        Condition columns (default: every other column), at most 20.
    incl_cut : float or (float, float)
        Inclusion cut-off for OUT = 1; a pair ``(ic1, ic0)`` marks rows with
        :math:`ic0 \le incl < ic1` as contradictions ("C").
    n_cut : int
        Rows with fewer cases are remainders ("?").
    pri_cut : float
        Rows with PRI below it get OUT = 0.
    complete : bool
        Show every one of the :math:`2^k` rows, not only the observed ones.
    sort_by : sequence of {"OUT", "n", "incl", "PRI"}, optional
        Order of displayed rows (remainders last), as R's ``sort.by``.

    Returns
    -------
    TruthTable

    Notes
    -----
    For row :math:`r`, case membership :math:`m_{ir} = \min_j (x_{ij} \text{ or } 1 - x_{ij})`,
    :math:`\mathrm{incl}_r = \sum_i \min(m_{ir}, y_i) / \sum_i m_{ir}` and PRI as in the
    module docstring. Cases with a condition at exactly 0.5 are not listed in any row.
    """
    name, negated, conds = _check_data(data, outcome, conditions)
    ic1, ic0 = _parse_cut(incl_cut)
    if int(n_cut) < 1:
        raise AnalysisError("n_cut must be at least 1", field="n_cut")
    k = len(conds)
    x = data[conds].to_numpy(dtype=float)
    y = data[name].to_numpy(dtype=float)
    if negated:
        y = 1.0 - y
    weights = np.array([1 << (k - 1 - j) for j in range(k)], dtype=np.int64)
    crisp = x > 0.5
    codes = crisp.astype(np.int64) @ weights
    case_ids = tuple(str(i) for i in data.index)
    half = np.isclose(x, 0.5, rtol=0, atol=_TOL).any(axis=1)
    uniq = np.unique(codes)
    is_crisp = bool(np.isin(x, (0.0, 1.0)).all())
    rows: list[TruthTableRow] = []
    for code in uniq:
        code = int(code)
        bits = np.array([(code >> (k - 1 - j)) & 1 for j in range(k)], dtype=bool)
        if is_crisp:
            m = (codes == code).astype(float)
        else:
            m = np.where(bits[None, :], x, 1.0 - x).min(axis=1)
        n = int(np.count_nonzero(codes == code))
        incl, pri = _incl_pri(m, y)
        if n < n_cut:
            out = "?"
        elif incl >= ic1 - _TOL and pri >= pri_cut - _TOL:
            out = "1"
        elif incl >= ic0 - _TOL and incl < ic1:
            out = "C"
        else:
            out = "0"
        members = tuple(case_ids[i] for i in np.flatnonzero((codes == code) & ~half))
        rows.append(
            TruthTableRow(code + 1, tuple(int(b) for b in bits), out, n, incl, pri, members)
        )
    half_cases = tuple(case_ids[i] for i in np.flatnonzero(half))
    if half_cases:
        warnings.warn(
            f"{len(half_cases)} case(s) with a membership of exactly 0.5 in a condition "
            f"({', '.join(half_cases[:5])}{', ...' if len(half_cases) > 5 else ''}): they belong "
            "to no truth-table row (counted in n, not listed); recalibrate to move them off 0.5",
            stacklevel=2,
        )
    if not any(r.out != "?" for r in rows):
        raise AnalysisError(
            "there are no configurations, using these cut-off values", field="n_cut"
        )
    observed = tuple(rows)
    shown: list[TruthTableRow]
    if complete:
        if k > 16:
            raise AnalysisError("complete=True is limited to 16 conditions", field="complete")
        have = {r.row_id: r for r in observed}
        shown = []
        for code in range(1 << k):
            if code + 1 in have:
                shown.append(have[code + 1])
            else:
                vals = tuple((code >> (k - 1 - j)) & 1 for j in range(k))
                shown.append(TruthTableRow(code + 1, vals, "?", 0, None, None, ()))
    else:
        shown = list(observed)
    if sort_by:
        shown = _sort_rows(shown, sort_by, decreasing)
    return TruthTable(
        outcome=outcome.strip(),
        conditions=tuple(conds),
        rows=tuple(shown),
        observed=observed,
        incl_cut=(ic1, ic0),
        n_cut=int(n_cut),
        pri_cut=float(pri_cut),
        case_ids=case_ids,
        memberships=x,
        outcome_membership=y,
        half_cases=half_cases,
    )


def _sort_rows(
    rows: list[TruthTableRow], sort_by: Sequence[str], decreasing: bool
) -> list[TruthTableRow]:
    keys = {
        "OUT": lambda r: {"1": 2, "C": 1, "0": 0}.get(r.out, -1),
        "n": lambda r: r.n,
        "incl": lambda r: -1.0 if r.incl is None else r.incl,
        "PRI": lambda r: -1.0 if r.pri is None else r.pri,
    }
    for key in sort_by:
        if key not in keys:
            raise AnalysisError(f"cannot sort by {key!r}; use OUT, n, incl or PRI", field="sort_by")
    out = list(rows)
    for key in reversed(list(sort_by)):
        out.sort(key=keys[key], reverse=decreasing)
    out.sort(key=lambda r: r.out == "?")
    return out


def _incl_pri(m: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    s_x = float(m.sum())
    s_xy = float(np.minimum(m, y).sum())
    s_xyn = float(np.minimum(np.minimum(m, y), 1.0 - y).sum())
    incl = s_xy / s_x if s_x > 0 else float("nan")
    den = s_x - s_xyn
    pri = (s_xy - s_xyn) / den if den > 0 else float("nan")
    return incl, pri


# --------------------------------------------------------------------------- implicant helpers
# A term is a pair (mask, val) of ints over k bits; bit (k - 1 - j) stands for condition j.


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
    cols = [c for c in range(n_cols) if not covered[c]]
    # column dominance: a column whose implicants include all of another's is redundant
    masks = {c: sum(1 << t for t in col_terms[c]) for c in cols}
    by_size = sorted(cols, key=lambda c: (len(col_terms[c]), c))
    kept: list[int] = []
    for c in by_size:
        mc = masks[c]
        if not any(masks[d] & ~mc == 0 for d in kept):
            kept.append(c)
    if not kept:
        return [tuple(essential)], False
    # independent blocks (union-find over implicants sharing a column)
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


# --------------------------------------------------------------------------- prime implicants


def _ccubes(
    pos: np.ndarray, neg: np.ndarray, k: int, progress: Progress | None
) -> list[tuple[int, int]]:
    """Prime implicants of positives plus remainders, found level by level (R's CCubes).

    Returns implicants in discovery order. The search stops, as in R, once the positive
    rows are covered and two successive levels bring no new prime implicant.
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
        new: list[tuple[int, int]] = []
        for comb in itertools.combinations(range(k), level):
            cmask = 0
            for j in comb:
                cmask |= 1 << (k - 1 - j)
            subs = [m for m in by_mask if not m & ~cmask]
            if small:
                cand = list(dict.fromkeys(v & cmask for v in pos_list))
                if neg_list:
                    blocked = {v & cmask for v in neg_list}
                    cand = [v for v in cand if v not in blocked]
                if cand and subs:
                    cand = [c for c in cand if not any(c & m in by_mask[m] for m in subs)]
            else:
                u, first = np.unique(pos & cmask, return_index=True)
                arr = u[np.argsort(first, kind="stable")]
                if neg.size:
                    arr = arr[~np.isin(arr, neg & cmask)]
                for m in subs:
                    if not arr.size:
                        break
                    arr = arr[~np.isin(arr & m, by_mask_arr[m])]
                cand = arr.tolist()
            for v in cand:
                new.append((cmask, int(v)))
        if progress is not None:
            progress(1, k, f"prime implicants, level {level}")
        if new:
            found.extend(new)
            for m, v in new:
                by_mask.setdefault(m, set()).add(v)
            for m in {m for m, _ in new}:
                by_mask_arr[m] = np.fromiter(by_mask[m], dtype=np.int64)
            if small:
                for i, p in enumerate(pos_list):
                    if not covered[i]:
                        covered[i] = any(p & m == v for m, v in new)
            else:
                nm = np.array([t[0] for t in new], dtype=np.int64)[:, None]
                nv = np.array([t[1] for t in new], dtype=np.int64)[:, None]
                covered |= ((pos[None, :] & nm) == nv).any(axis=0)
        if found and covered.all():
            counter = 0 if new else counter + 1
            if counter > 1:
                break
    return found


# --------------------------------------------------------------------------- fit (pof)


def _memberships(tt: TruthTable) -> dict[str, np.ndarray]:
    return {c: tt.memberships[:, j] for j, c in enumerate(tt.conditions)}


def _term_membership(mask: int, val: int, x: np.ndarray) -> np.ndarray:
    k = x.shape[1]
    out = np.ones(x.shape[0])
    for j in range(k):
        b = 1 << (k - 1 - j)
        if mask & b:
            out = np.minimum(out, x[:, j] if val & b else 1.0 - x[:, j])
    return out


def _fit_terms(
    names: Sequence[str], tm: np.ndarray, y: np.ndarray, cases: Sequence[tuple[str, ...]]
) -> tuple[tuple[TermFit, ...], float, float, float]:
    """inclS, PRI, covS, covU per term (columns of ``tm``) and of their union."""
    s_y = float(y.sum())
    pmin = np.minimum(tm, y[:, None])
    fits = []
    for c, nm in enumerate(names):
        x = tm[:, c]
        incl, pri = _incl_pri(x, y)
        cov = float(pmin[:, c].sum()) / s_y
        others = np.delete(pmin, c, axis=1)
        max_ec = others.max(axis=1) if others.shape[1] else np.zeros(x.size)
        cov_u = cov - float(np.minimum(pmin[:, c], max_ec).sum()) / s_y
        fits.append(TermFit(nm, incl, pri, cov, cov_u, tuple(cases[c])))
    union = tm.max(axis=1)
    incl, pri = _incl_pri(union, y)
    cov = float(np.minimum(union, y).sum()) / s_y
    return tuple(fits), incl, pri, cov


def sufficiency(expression: str, data: pd.DataFrame, outcome: str) -> TermFit:
    """Sufficiency fit (inclS, PRI, covS) of a Boolean expression for an outcome.

    ``outcome`` may start with ``~``; ``cov_unique`` equals ``cov`` (a single expression).
    """
    y = outcome_membership(data, outcome)
    cols = {str(c): data[c].to_numpy(dtype=float) for c in data.columns}
    x = expression_membership(expression, cols)
    fits, _, _, _ = _fit_terms([expression], x[:, None], y, [()])
    return fits[0]


def outcome_membership(data: pd.DataFrame, outcome: str) -> np.ndarray:
    """Membership in the outcome (``~`` negates), checked for range and missing values."""
    name = outcome.strip()
    negated = False
    while name.startswith("~"):
        negated = not negated
        name = name[1:].strip()
    if name not in data.columns:
        raise AnalysisError(f"outcome {name!r} not in data", field="outcome")
    y = data[name].to_numpy(dtype=float)
    if np.isnan(y).any():
        k = int(np.flatnonzero(np.isnan(y))[0])
        raise AnalysisError(
            f"missing value (NaN) in column {name!r} at row {k}", field=name, line=k
        )
    if ((y < 0) | (y > 1)).any():
        raise AnalysisError(f"outcome {name!r} has values outside [0, 1]", field=name)
    return 1.0 - y if negated else y


# --------------------------------------------------------------------------- minimize


def parse_dir_exp(
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None, conds: Sequence[str]
) -> dict[str, int]:
    """Read directional expectations as R's ``minimize(dir.exp = ...)`` takes them.

    Parameters
    ----------
    dir_exp : str, sequence of str, mapping or None
        R QCA 3.x's names form ``"DEV, URB, ~LIT"`` (a bare name expects presence, ``~``
        absence; a condition left out, ``-`` or ``X=-`` has no expectation; ``X=1``/``X=0``
        are also read), the older positional form with one ``1``, ``0`` or ``-`` per
        condition (``"1, 1, -"``), or a mapping ``{"DEV": 1, "LIT": 0, "URB": "-"}``.
    conds : sequence of str
        The truth table's conditions.

    Returns
    -------
    dict
        Condition -> expected value (1 presence, 0 absence) for the conditions with an
        expectation.

    Raises
    ------
    AnalysisError
        ``field="dir_exp"``: an unknown condition, a value other than 1/0/-, a positional
        form of the wrong length, or a conjunctural expectation (``A*B``), which is not
        supported.
    """
    if dir_exp is None:
        return {}
    if isinstance(dir_exp, Mapping):
        return _dir_exp_mapping(dir_exp, conds)
    parts = [str(p).strip() for p in (dir_exp.split(",") if isinstance(dir_exp, str) else dir_exp)]
    if parts and all(p in ("0", "1", "-") for p in parts):
        if len(parts) != len(conds):
            raise AnalysisError(
                f"dir_exp has {len(parts)} values for {len(conds)} conditions", field="dir_exp"
            )
        return {c: int(p) for c, p in zip(conds, parts, strict=True) if p != "-"}
    out: dict[str, int] = {}
    for p in parts:
        if not p or p == "-":
            continue
        if "*" in p or "+" in p:
            raise AnalysisError(
                f"conjunctural directional expectation {p!r} is not supported", field="dir_exp"
            )
        if "=" in p:
            name, _, val = (t.strip() for t in p.partition("="))
            out.update(_dir_exp_mapping({name: val}, conds))
            continue
        value = 1
        while p.startswith("~"):
            value = 1 - value
            p = p[1:].strip()
        if p.endswith("[-]") or p.endswith("{-}"):
            continue
        if p not in conds:
            raise AnalysisError(
                f"unknown condition {p!r} in dir_exp",
                field="dir_exp",
                hint=f"conditions: {', '.join(conds)}",
            )
        out[p] = value
    return out


def _dir_exp_mapping(dir_exp: Mapping[str, Any], conds: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c, v in dir_exp.items():
        if c not in conds:
            raise AnalysisError(
                f"unknown condition {c!r} in dir_exp",
                field="dir_exp",
                hint=f"conditions: {', '.join(conds)}",
            )
        if v in ("-", "dc", None):
            continue
        if v not in (0, 1, "0", "1"):
            raise AnalysisError(
                f"directional expectation for {c!r} must be 1, 0 or '-', got {v!r}",
                field="dir_exp",
            )
        out[c] = int(v)
    return out


_parse_dir_exp = parse_dir_exp


def _expand(mask: int, val: int, k: int) -> np.ndarray:
    """All row codes covered by a term."""
    free = [b for b in (1 << (k - 1 - j) for j in range(k)) if not mask & b]
    codes = np.array([val], dtype=np.int64)
    for b in free:
        codes = np.concatenate([codes, codes | b])
    return np.sort(codes)


@dataclass(frozen=True)
class _Solved:
    pis: list[tuple[int, int]]  # all (sorted) implicants on the chart
    models: list[tuple[int, ...]]  # indices into pis
    truncated: bool = False


def _solve(
    pis: list[tuple[int, int]], explain: np.ndarray, row_dom: bool, max_models: int
) -> _Solved:
    chart = _covers(pis, explain)
    keep = [i for i in range(len(pis)) if chart[i].any()]
    pis = [pis[i] for i in keep]
    chart = chart[keep]
    if row_dom and len(pis) > 1:
        keep = _row_dominance(chart)
        pis = [pis[i] for i in keep]
        chart = chart[keep]
    models, truncated = _all_min_covers(chart, max_models)
    return _Solved(pis, models, truncated)


def minimize(
    tt: TruthTable,
    include: str = "",
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None = None,
    row_dom: bool = False,
    max_models: int = 100,
    progress: Progress | None = None,
) -> Minimization:
    """Minimise a truth table into complex, parsimonious or intermediate models (R's ``minimize``).

    Parameters
    ----------
    tt : TruthTable
    include : str
        ``""`` for the complex (conservative) solution; ``"?"`` to let remainders be
        simplifying assumptions (parsimonious, or intermediate with ``dir_exp``); ``"?, C"``
        also includes contradictions.
    dir_exp : str, sequence or mapping, optional
        Directional expectations, e.g. ``"DEV, URB, ~NATPRIDE"`` or ``{"DEV": 1, "URB": "-"}``
        (1 presence, 0 absence, ``"-"`` none). Requires ``include="?"``.
    row_dom : bool
        Drop prime implicants whose rows are a strict subset of another's (R's ``row.dom``).
    max_models : int
        Stop after this many equally minimal models; ``truncated`` then says the list is
        incomplete (R has no such cap and runs out of time or memory instead).
    progress : callable, optional
        ``progress(advance, total, label)``.

    Returns
    -------
    Minimization
        Every model of minimum size (R's M1, M2, ...) with inclS, PRI, covS and covU per term.
    """
    inc = {p.strip() for p in include.split(",") if p.strip()} if include else set()
    if not inc <= {"?", "C"}:
        raise AnalysisError(f"include must be '', '?' or '?, C', got {include!r}", field="include")
    expect = _parse_dir_exp(dir_exp, tt.conditions)
    if dir_exp is not None and "?" not in inc:
        raise AnalysisError(
            "directional expectations need the remainders: use include='?'", field="dir_exp"
        )
    k = len(tt.conditions)
    explain = tt.codes(["1"])
    if explain.size == 0:
        raise AnalysisError("none of the truth table rows has OUT = 1: nothing to explain")
    pos_outs = ["1", *(["C"] if "C" in inc else [])]
    pos = tt.codes(pos_outs)
    neg = tt.codes([o for o in ("0", "C") if o not in pos_outs])
    remainders = "?" in inc
    if remainders and neg.size == 0:
        raise AnalysisError(
            "all truth table configurations are used: every condition is minimised away"
        )
    numbers = {
        "OUT1": sum(r.n for r in tt.observed if r.out == "1"),
        "OUT0": sum(r.n for r in tt.observed if r.out == "0"),
        "OUTC": sum(r.n for r in tt.observed if r.out == "C"),
    }
    numbers["Total"] = numbers["OUT1"] + numbers["OUT0"] + numbers["OUTC"]
    complex_ = None
    if not remainders or dir_exp is not None:
        complex_ = _solve(_qmc(pos.tolist(), k), explain, row_dom, max_models)
    if not remainders:
        assert complex_ is not None
        return _package(tt, "complex", complex_, explain, {}, numbers)
    raw = _ccubes(pos, neg, k, progress)
    chart = _covers(raw, explain)
    if row_dom and len(raw) > 1:
        keep = _row_dominance(chart)
        raw = [raw[i] for i in keep]
    order = _r_sort(raw, k)
    pis = [raw[i] for i in order]
    pars = _Solved(pis, *_all_min_covers(_covers(pis, explain), max_models))
    pos_set = set(pos.tolist())
    sa: dict[str, tuple[int, ...]] = {}
    sa_codes: list[np.ndarray] = []
    for mi, model in enumerate(pars.models):
        rows = np.unique(np.concatenate([_expand(*pars.pis[t], k) for t in model]))
        rows = rows[~np.isin(rows, list(pos_set))]
        sa_codes.append(rows)
        sa[f"M{mi + 1}"] = tuple(int(r) + 1 for r in rows)
    if dir_exp is None:
        return _package(tt, "parsimonious", pars, explain, sa, numbers)
    assert complex_ is not None
    return _intermediate(
        tt, complex_, pars, sa_codes, expect, explain, row_dom, max_models, numbers, sa
    )


def _intermediate(
    tt: TruthTable,
    comp: _Solved,
    pars: _Solved,
    sa_codes: list[np.ndarray],
    expect: Mapping[str, int],
    explain: np.ndarray,
    row_dom: bool,
    max_models: int,
    numbers: Mapping[str, int],
    sa: Mapping[str, tuple[int, ...]],
) -> Minimization:
    k = len(tt.conditions)
    conds = tt.conditions
    combos: list[IntermediateCombo] = []
    merged: list[tuple[tuple[int, int], ...]] = []
    for ci, cmodel in enumerate(comp.models):
        for pi_, pmodel in enumerate(pars.models):
            res_terms: list[tuple[int, int]] = []
            for ct in cmodel:
                cm, cv = comp.pis[ct]
                for pt in pmodel:
                    pm, pv = pars.pis[pt]
                    if pm & ~cm or (cv & pm) != pv:
                        continue
                    rm, rv = cm, cv
                    for j, c in enumerate(conds):
                        b = 1 << (k - 1 - j)
                        if cm & b and not pm & b and c in expect:
                            if (1 if cv & b else 0) != expect[c]:
                                rm &= ~b
                                rv &= ~b
                    res_terms.append((rm, rv))
            sap = sa_codes[pi_]
            if res_terms and sap.size:
                ec = sap[_covers(res_terms, sap).any(axis=0)]
            else:
                ec = sap[:0]
            rows = list(dict.fromkeys([*explain.tolist(), *ec.tolist()]))
            solved = _solve(_qmc(rows, k), explain, row_dom, max_models)
            sub = _package(tt, "intermediate", solved, explain, {}, numbers)
            combos.append(
                IntermediateCombo(
                    name=f"C{ci + 1}P{pi_ + 1}",
                    complex_terms=tuple(_term_string(*comp.pis[t], conds) for t in cmodel),
                    parsimonious_terms=tuple(_term_string(*pars.pis[t], conds) for t in pmodel),
                    easy_counterfactuals=tuple(int(r) + 1 for r in ec),
                    prime_implicants=sub.prime_implicants,
                    essential=sub.essential,
                    models=sub.models,
                    truncated=solved.truncated,
                )
            )
            for m in solved.models:
                key = tuple(solved.pis[t] for t in m)
                if key not in merged:
                    merged.append(key)
    all_terms: list[tuple[int, int]] = []
    for key in merged:
        for t in key:
            if t not in all_terms:
                all_terms.append(t)
    order = _r_sort(all_terms, k)
    all_terms = [all_terms[i] for i in order]
    models = [tuple(sorted(all_terms.index(t) for t in key)) for key in merged]
    cut = comp.truncated or pars.truncated or any(c.truncated for c in combos)
    result = _package(tt, "intermediate", _Solved(all_terms, models, cut), explain, sa, numbers)
    return Minimization(
        solution_type="intermediate",
        outcome=result.outcome,
        conditions=result.conditions,
        models=result.models,
        prime_implicants=tuple(_term_string(*t, conds) for t in pars.pis),
        essential=result.essential,
        simplifying_assumptions=sa,
        overall=result.overall,
        combos=tuple(combos),
        numbers=numbers,
        truncated=cut,
    )


def _package(
    tt: TruthTable,
    kind: str,
    solved: _Solved,
    explain: np.ndarray,
    sa: Mapping[str, tuple[int, ...]],
    numbers: Mapping[str, int],
) -> Minimization:
    conds = tt.conditions
    used = sorted({t for m in solved.models for t in m})
    names = {t: _term_string(*solved.pis[t], conds) for t in used}
    row_cases = {r.row_id - 1: r.cases for r in tt.observed}
    x, y = tt.memberships, tt.outcome_membership
    tm = {t: _term_membership(*solved.pis[t], x) for t in used}
    cases = {}
    for t in used:
        covered = explain[_covers([solved.pis[t]], explain)[0]]
        cases[t] = tuple(c for code in covered.tolist() for c in row_cases.get(code, ()))
    models = []
    for mi, m in enumerate(solved.models):
        fits, incl, pri, cov = _fit_terms(
            [names[t] for t in m], np.column_stack([tm[t] for t in m]), y, [cases[t] for t in m]
        )
        models.append(Model(f"M{mi + 1}", tuple(names[t] for t in m), fits, incl, pri, cov))
    essential = [t for t in used if all(t in m for m in solved.models)]
    ordered = essential + [t for t in used if t not in essential]
    overall, _, _, _ = _fit_terms(
        [names[t] for t in ordered],
        np.column_stack([tm[t] for t in ordered]) if ordered else np.zeros((y.size, 0)),
        y,
        [cases[t] for t in ordered],
    )
    return Minimization(
        solution_type=kind,
        outcome=tt.outcome,
        conditions=conds,
        models=tuple(models),
        prime_implicants=tuple(_term_string(*t, conds) for t in solved.pis),
        essential=tuple(names[t] for t in essential),
        simplifying_assumptions=dict(sa),
        overall=overall,
        numbers=dict(numbers),
        truncated=solved.truncated,
    )


def analyze(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    incl_cut: float | Sequence[float] = DEFAULT_INCL_CUT,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None = None,
    row_dom: bool = False,
    progress: Progress | None = None,
    include: str | None = None,
) -> QCAResult:
    """Truth table plus complex, parsimonious and (with ``dir_exp``) intermediate solutions.

    ``include=None`` (default) computes all of them. An R ``include`` string restricts the
    result to what R's ``minimize(include=...)`` returns: ``""`` the complex solution only,
    ``"?"`` (or ``"?, C"``) the parsimonious one, or the intermediate one with ``dir_exp``.
    """
    tt = truth_table(data, outcome, conditions, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
    inc = "?" if include is None else include
    want_complex = include is None or "?" not in inc
    want_pars = "?" in inc and (include is None or dir_exp is None)
    comp = None
    if want_complex:
        comp = minimize(tt, include=inc.replace("?", "").strip(", "), row_dom=row_dom,
                        progress=progress)
    has_neg = tt.codes(["0", *([] if "C" in inc else ["C"])]).size > 0
    pars = None
    if want_pars and has_neg:
        pars = minimize(tt, include=inc, row_dom=row_dom, progress=progress)
    inter = None
    if dir_exp is not None and has_neg and "?" in inc:
        inter = minimize(tt, include=inc, dir_exp=dir_exp, row_dom=row_dom, progress=progress)
    return QCAResult(tt, comp, pars, inter)


# --------------------------------------------------------------------------- necessity


def necessity(
    data: pd.DataFrame, outcome: str, conditions: Sequence[str] | None = None
) -> tuple[NecessityFit, ...]:
    r"""Necessity fit of every single condition, then of every negated condition (R's ``pof``).

    Returns inclN, RoN, covN (and inclS, PRI, covS for reference) for ``A, B, ...`` then
    ``~A, ~B, ...``. Formulas in the module docstring (Schneider & Wagemann 2012;
    Dusa 2019).
    """
    name, negated, conds = _check_data(data, outcome, conditions)
    y = data[name].to_numpy(dtype=float)
    if negated:
        y = 1.0 - y
    out = []
    for neg in (False, True):
        for c in conds:
            x = data[c].to_numpy(dtype=float)
            if neg:
                x = 1.0 - x
            mn = np.minimum(x, y)
            s_mn = float(mn.sum())
            incl_n = s_mn / float(y.sum())
            ron = float((1 - x).sum()) / float((1 - mn).sum())
            cov_n = s_mn / float(x.sum()) if x.sum() > 0 else math.nan
            incl_s, pri = _incl_pri(x, y)
            out.append(NecessityFit(f"~{c}" if neg else c, incl_n, ron, cov_n, incl_s, pri, incl_n))
    return tuple(out)
