r"""Truth tables as R QCA's ``truthTable()`` builds them (Dusa 2019; Ragin 2008).

A case belongs to the truth-table row whose crisp code it has (membership above 0.5); its
membership in a row is the minimum over the conditions of :math:`x` or :math:`1 - x`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from casusbelli.cross.qca.fit import _incl_pri
from casusbelli.cross.qca.results import (
    _TOL,
    DEFAULT_INCL_CUT,
    MAX_CONDITIONS,
    TruthTable,
    TruthTableRow,
)
from casusbelli.errors import AnalysisError

__all__ = ["truth_table"]


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
        _check_column(data, c)
    return name, negated, conds


def _check_column(data: pd.DataFrame, c: str) -> None:
    """A used column must be numeric memberships in [0, 1], complete and not constant."""
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
    module docstring. Cases with a condition at exactly 0.5 are not listed in any row (they
    are in ``half_cases``, with a warning). Over 60 lines only through this documentation:
    the work is in ``_check_data``, ``_observed_rows`` and ``_complete_rows``.
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
    rows = _observed_rows(x, y, codes, case_ids, half, (ic1, ic0), int(n_cut), pri_cut)
    half_cases = tuple(case_ids[i] for i in np.flatnonzero(half))
    if half_cases:
        _warn_half(half_cases)
    if not any(r.out != "?" for r in rows):
        raise AnalysisError(
            "there are no configurations, using these cut-off values", field="n_cut"
        )
    observed = tuple(rows)
    shown = _complete_rows(observed, k) if complete else list(observed)
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


def _observed_rows(
    x: np.ndarray, y: np.ndarray, codes: np.ndarray, case_ids: tuple[str, ...],
    half: np.ndarray, cut: tuple[float, float], n_cut: int, pri_cut: float,
) -> list[TruthTableRow]:
    """One row per observed configuration, with n, incl, PRI, OUT and its cases."""
    k = x.shape[1]
    ic1, ic0 = cut
    is_crisp = bool(np.isin(x, (0.0, 1.0)).all())
    rows: list[TruthTableRow] = []
    for code in (int(c) for c in np.unique(codes)):
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
    return rows


def _warn_half(half_cases: tuple[str, ...]) -> None:
    more = ", ..." if len(half_cases) > 5 else ""
    warnings.warn(
        f"{len(half_cases)} case(s) with a membership of exactly 0.5 in a condition "
        f"({', '.join(half_cases[:5])}{more}): they belong to no truth-table row (counted in "
        "n, not listed); recalibrate to move them off 0.5",
        stacklevel=3,
    )


def _complete_rows(observed: tuple[TruthTableRow, ...], k: int) -> list[TruthTableRow]:
    """All 2^k rows, the unobserved ones as remainders (R's ``complete = TRUE``)."""
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
    return shown


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
