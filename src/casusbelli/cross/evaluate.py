r"""Theory evaluation: a theory's expected paths intersected with the empirical solution.

Ragin (1987) proposed intersecting a theory :math:`T` with an empirical solution
:math:`S`; Schneider & Wagemann (2012) give the four areas and what each says, and
SetMethods' ``theory.evaluation`` (Oana, Schneider & Thomann 2021) reports them:

* :math:`T \cdot S` — what theory and findings both expect (theory confirmed);
* :math:`T \cdot \sim S` — expected by the theory, not found (theory too broad here);
* :math:`\sim T \cdot S` — found, not expected (the theory misses these paths);
* :math:`\sim T \cdot \sim S` — neither expects the outcome.

Each area's membership is :math:`\min(t_i, s_i)` (with :math:`1 - t_i` or :math:`1 - s_i`
for the negations); its sufficiency consistency and coverage for :math:`Y` use the module
formulas of :mod:`casusbelli.cross.qca`. Member cases are those with membership above 0.5,
split into cases in the outcome (:math:`y > 0.5`) and not in it.

References: Ragin (1987), *The Comparative Method* (as named in the task; not in the
project bibliography yet). Schneider, C. Q. &
Wagemann, C. (2012). *Set-Theoretic Methods for the Social Sciences*. Cambridge UP. Oana,
I.-E., Schneider, C. Q. & Thomann, E. (2021). *Qualitative Comparative Analysis Using R*.
Cambridge UP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.cross.boolean import expression_membership, parse_expression
from casusbelli.cross.qca import Model, _incl_pri, outcome_membership
from casusbelli.errors import AnalysisError

__all__ = ["Intersection", "TheoryEvaluation", "evaluate_theories", "evaluate_theory", "theory_fit"]

AREAS = ("T*S", "T*~S", "~T*S", "~T*~S")


@dataclass(frozen=True)
class Intersection:
    """One of the four areas: fit for the outcome and member cases."""

    area: str
    incl: float | None
    pri: float | None
    cov: float
    cases_in_outcome: tuple[str, ...]
    cases_not_in_outcome: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "area": self.area,
            "inclS": self.incl,
            "PRI": self.pri,
            "covS": self.cov,
            "cases_in_outcome": list(self.cases_in_outcome),
            "cases_not_in_outcome": list(self.cases_not_in_outcome),
        }


@dataclass(frozen=True)
class TheoryEvaluation:
    """A theory against a solution: the four intersections, and the theory's own fit."""

    theory_id: str
    theory: str
    solution: str
    intersections: tuple[Intersection, ...]
    theory_incl: float | None
    theory_cov: float

    def area(self, name: str) -> Intersection:
        """The intersection called ``name`` (one of ``T*S``, ``T*~S``, ``~T*S``, ``~T*~S``)."""
        for x in self.intersections:
            if x.area == name:
                return x
        raise AnalysisError(f"unknown area {name!r}; expected one of {', '.join(AREAS)}")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "theory_id": self.theory_id,
            "theory": self.theory,
            "solution": self.solution,
            "theory_inclS": self.theory_incl,
            "theory_covS": self.theory_cov,
            "intersections": [x.to_dict() for x in self.intersections],
        }


def _nan_none(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def evaluate_theory(
    theory: str,
    solution: str | Model,
    data: pd.DataFrame,
    outcome: str,
    theory_id: str = "T",
) -> TheoryEvaluation:
    """Intersect one theory expression with an empirical solution.

    Parameters
    ----------
    theory : str
        Sum of products over data columns, e.g. ``"A*B + ~C"``.
    solution : str or Model
        The empirical solution (an expression, or a model from :func:`minimize`).
    data : pandas.DataFrame
        Memberships; the index holds case ids.
    outcome : str
        Outcome column (``~`` negates).

    Returns
    -------
    TheoryEvaluation
    """
    sol = solution.expression if isinstance(solution, Model) else str(solution)
    cols = {str(c): data[c].to_numpy(dtype=float) for c in data.columns}
    names = list(cols)
    parse_expression(theory, names)
    parse_expression(sol, names)
    y = outcome_membership(data, outcome)
    t = expression_membership(theory, cols)
    s = expression_membership(sol, cols)
    ids = [str(i) for i in data.index]
    s_y = float(y.sum())
    if s_y == 0:
        raise AnalysisError("no case has membership in the outcome", field="outcome")
    areas = {
        "T*S": np.minimum(t, s),
        "T*~S": np.minimum(t, 1 - s),
        "~T*S": np.minimum(1 - t, s),
        "~T*~S": np.minimum(1 - t, 1 - s),
    }
    out = []
    for name in AREAS:
        m = areas[name]
        incl, pri = _incl_pri(m, y)
        cov = float(np.minimum(m, y).sum()) / s_y
        member = m > 0.5
        cin = tuple(ids[i] for i in np.flatnonzero(member & (y > 0.5)))
        cout = tuple(ids[i] for i in np.flatnonzero(member & (y <= 0.5)))
        out.append(Intersection(name, _nan_none(incl), _nan_none(pri), cov, cin, cout))
    t_incl, _ = _incl_pri(t, y)
    t_cov = float(np.minimum(t, y).sum()) / s_y
    return TheoryEvaluation(theory_id, theory, sol, tuple(out), _nan_none(t_incl), t_cov)


def theory_fit(theory: str, data: pd.DataFrame, outcome: str) -> tuple[float | None, float]:
    """Consistency (inclS) and coverage (covS) of ``theory`` as sufficient for ``outcome``
    on its own, for when there is no empirical solution to intersect it with (Ragin 2008,
    *Redesigning Social Inquiry*, ch. 3: the set-theoretic consistency and coverage)."""
    cols = {str(c): data[c].to_numpy(dtype=float) for c in data.columns}
    parse_expression(theory, list(cols))
    y = outcome_membership(data, outcome)
    t = expression_membership(theory, cols)
    s_y = float(y.sum())
    if s_y == 0:
        raise AnalysisError("no case has membership in the outcome", field="outcome")
    incl, _ = _incl_pri(t, y)
    return _nan_none(incl), float(np.minimum(t, y).sum()) / s_y


def evaluate_theories(
    theories: Mapping[str, str],
    solution: str | Model,
    data: pd.DataFrame,
    outcome: str,
) -> tuple[TheoryEvaluation, ...]:
    """Evaluate rival theories side by side against the same solution (order kept).

    ``theories`` maps a theory id to its expression, e.g.
    ``{"opportunism": "OPENING*~COST", "insecurity": "PROTEST"}``.
    """
    if not theories:
        raise AnalysisError("no theories given", field="theories")
    return tuple(
        evaluate_theory(expr, solution, data, outcome, theory_id=tid)
        for tid, expr in theories.items()
    )
