r"""Necessity of single conditions and their negations (R's ``pof`` with ``relation = "nec"``).

.. math::

    \mathrm{incl}_N = \frac{\sum \min(x, y)}{\sum y}, \quad
    \mathrm{RoN} = \frac{\sum (1 - x)}{\sum (1 - \min(x, y))}, \quad
    \mathrm{cov}_N = \frac{\sum \min(x, y)}{\sum x}.

Schneider & Wagemann (2012), ch. 9; Dusa (2019).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from casusbelli.cross.qca.fit import _incl_pri
from casusbelli.cross.qca.results import NecessityFit
from casusbelli.cross.qca.table import _check_data

__all__ = ["necessity"]


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
