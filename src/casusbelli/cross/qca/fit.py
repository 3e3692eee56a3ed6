r"""Parameters of fit: inclS, PRI, covS, covU of terms and solutions (R's ``pof``).

For a set :math:`X` and outcome :math:`Y` with memberships :math:`x_i, y_i`
(Ragin 2008; Dusa 2019):

.. math::

    \mathrm{incl}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i x_i}, \qquad
    \mathrm{cov}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i y_i},

    \mathrm{PRI} = \frac{\sum \min(x, y) - \sum \min(x, y, 1 - y)}
                        {\sum x - \sum \min(x, y, 1 - y)},

    \mathrm{cov}_U(T_j) = \mathrm{cov}_S(T_j)
        - \frac{\sum_i \min(t_{ij}, y_i, \max_{k \ne j} t_{ik})}{\sum_i y_i}.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from casusbelli.cross.boolean import expression_membership
from casusbelli.cross.qca.results import TermFit
from casusbelli.errors import AnalysisError

if TYPE_CHECKING:
    from casusbelli.cross.qca.results import TruthTable

__all__ = ["outcome_membership", "sufficiency"]


def _incl_pri(m: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    s_x = float(m.sum())
    s_xy = float(np.minimum(m, y).sum())
    s_xyn = float(np.minimum(np.minimum(m, y), 1.0 - y).sum())
    incl = s_xy / s_x if s_x > 0 else float("nan")
    den = s_x - s_xyn
    pri = (s_xy - s_xyn) / den if den > 0 else float("nan")
    return incl, pri


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
