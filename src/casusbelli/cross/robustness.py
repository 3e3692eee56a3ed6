r"""Robustness of a QCA solution to cut-offs and calibration (in the spirit of SetMethods' rob.*).

Oana, Schneider & Thomann (2021) test a solution by re-running
the analysis under other sensible choices (inclusion and frequency cut-offs, calibration
anchors) and comparing each test solution :math:`S_j` with the initial one :math:`S_0`.
This module reports, for every variant:

* term overlap: :math:`|terms(S_j) \cap terms(S_0)| / |terms(S_0) \cup terms(S_j)|` (Jaccard);
* case retention: the share of cases with :math:`s_{0,i} > 0.5` that keep :math:`s_{j,i} > 0.5`;
* the cases whose solution membership flips across 0.5 (in either direction);
* the variant's consistency and coverage.

Solutions are evaluated on the baseline data, so that only the solution changes.

References: Oana, I.-E., Schneider, C. Q. & Thomann, E. (2021).
*Qualitative Comparative Analysis Using R*. Cambridge UP.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.cross.boolean import expression_membership
from casusbelli.cross.qca import (
    DEFAULT_INCL_CUT,
    Minimization,
    Model,
    Progress,
    _incl_pri,
    minimize,
    outcome_membership,
    truth_table,
)
from casusbelli.errors import AnalysisError

__all__ = ["RobustnessReport", "Variant", "robustness"]


@dataclass(frozen=True)
class Variant:
    """One re-run: its settings, solution and comparison with the baseline."""

    label: str
    settings: Mapping[str, Any]
    solution: str | None
    term_overlap: float
    case_retention: float
    flipped_in: tuple[str, ...]
    flipped_out: tuple[str, ...]
    incl: float | None
    cov: float | None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "label": self.label,
            "settings": dict(self.settings),
            "solution": self.solution,
            "term_overlap": self.term_overlap,
            "case_retention": self.case_retention,
            "flipped_in": list(self.flipped_in),
            "flipped_out": list(self.flipped_out),
            "inclS": self.incl,
            "covS": self.cov,
            "error": self.error,
        }


@dataclass(frozen=True)
class RobustnessReport:
    """Baseline solution and every variant compared with it."""

    baseline: str
    variants: tuple[Variant, ...]

    @property
    def robust_share(self) -> float:
        """Share of successful variants whose solution equals the baseline's."""
        ok = [v for v in self.variants if v.solution is not None]
        return sum(v.term_overlap == 1.0 for v in ok) / len(ok) if ok else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "baseline": self.baseline,
            "robust_share": self.robust_share,
            "variants": [v.to_dict() for v in self.variants],
        }


def _solve(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str],
    incl_cut: float,
    n_cut: int,
    kind: str,
    dir_exp: Any,
    pri_cut: float = 0.0,
) -> Minimization:
    tt = truth_table(data, outcome, conditions, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
    if kind == "complex":
        return minimize(tt)
    if kind == "parsimonious":
        return minimize(tt, include="?")
    return minimize(tt, include="?", dir_exp=dir_exp)


Run = tuple[str, dict[str, Any], Callable[[], Minimization]]


def _runs(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str],
    incl_cut: float,
    n_cut: int,
    incl_cuts: Sequence[float],
    n_cuts: Sequence[int],
    recalibrations: Mapping[str, Callable[[], pd.DataFrame]] | None,
    solution_type: str,
    dir_exp: Any,
    pri_cut: float,
) -> list[Run]:
    """The test runs of :func:`robustness`, not yet solved.

    Each alternative inclusion cut-off is tried with the baseline ``n_cut``, each alternative
    frequency cut-off with the baseline ``incl_cut``, and each recalibration with both baseline
    cut-offs: the one-choice-at-a-time sensitivity ranges of Oana, Schneider & Thomann (2021).

    Returns
    -------
    list of (label, settings, run)
        ``run()`` solves the variant (lazily, so a progress callback can announce it first).
    """
    runs: list[Run] = []
    for ic in incl_cuts:
        runs.append(
            (
                f"incl_cut={ic}",
                {"incl_cut": ic, "n_cut": n_cut, "pri_cut": pri_cut},
                lambda ic=ic: _solve(
                    data, outcome, conditions, ic, n_cut, solution_type, dir_exp, pri_cut
                ),
            )
        )
    for nc in n_cuts:
        runs.append(
            (
                f"n_cut={nc}",
                {"incl_cut": incl_cut, "n_cut": nc, "pri_cut": pri_cut},
                lambda nc=nc: _solve(
                    data, outcome, conditions, incl_cut, nc, solution_type, dir_exp, pri_cut
                ),
            )
        )
    for label, make in (recalibrations or {}).items():
        runs.append(
            (
                f"calibration={label}",
                {"calibration": label},
                lambda make=make: _solve(
                    make(), outcome, conditions, incl_cut, n_cut, solution_type, dir_exp, pri_cut
                ),
            )
        )
    return runs


def _compare(
    label: str,
    settings: dict[str, Any],
    base_terms: Sequence[str],
    model: Model,
    cols: Mapping[str, np.ndarray],
    y: np.ndarray,
    ids: np.ndarray,
    in0: np.ndarray,
) -> Variant:
    r"""Compare one test solution :math:`S_j` with the baseline :math:`S_0` on the baseline data.

    Term overlap is the Jaccard index :math:`|T_0 \cap T_j| / |T_0 \cup T_j|` of the two
    solutions' terms; case retention is the share of cases with :math:`s_{0,i} > 0.5` that keep
    :math:`s_{j,i} > 0.5`; flipped cases cross 0.5 in either direction; consistency and coverage
    of sufficiency are those of :math:`S_j` (Oana, Schneider & Thomann 2021).

    Parameters
    ----------
    base_terms : the baseline model's terms.
    model : the test run's first model (M1).
    cols : baseline memberships by column name; ``y`` the outcome membership.
    ids : case ids; ``in0`` the cases in the baseline solution (:math:`s_{0,i} > 0.5`).
    """
    a, b = set(base_terms), set(model.terms)
    overlap = len(a & b) / len(a | b)
    s1 = expression_membership(model.expression, cols)
    in1 = s1 > 0.5
    retention = float((in0 & in1).sum() / in0.sum()) if in0.any() else float("nan")
    incl, _ = _incl_pri(s1, y)
    cov = float(np.minimum(s1, y).sum() / y.sum())
    return Variant(
        label,
        settings,
        model.expression,
        overlap,
        retention,
        tuple(ids[~in0 & in1]),
        tuple(ids[in0 & ~in1]),
        None if np.isnan(incl) else float(incl),
        cov,
    )


def robustness(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str],
    incl_cut: float = DEFAULT_INCL_CUT,
    n_cut: int = 1,
    incl_cuts: Sequence[float] = (),
    n_cuts: Sequence[int] = (),
    recalibrations: Mapping[str, Callable[[], pd.DataFrame]] | None = None,
    solution_type: str = "parsimonious",
    dir_exp: Any = None,
    progress: Progress | None = None,
    pri_cut: float = 0.0,
) -> RobustnessReport:
    """Re-run a QCA across cut-offs and calibrations and compare with the baseline.

    Parameters
    ----------
    data : pandas.DataFrame
        Baseline memberships.
    outcome, conditions : see :func:`truth_table`.
    incl_cut, n_cut : baseline cut-offs.
    incl_cuts, n_cuts : alternative cut-offs, each tried with the other cut-off at baseline.
    recalibrations : mapping label -> callable returning recalibrated data (same cases).
    solution_type : {"parsimonious", "complex", "intermediate"}
    dir_exp : directional expectations for the intermediate solution.
    pri_cut : PRI cut-off, the same in the baseline and in every variant.

    Returns
    -------
    RobustnessReport
        The first model (M1) of every run is compared; a run that fails (e.g. nothing to
        explain) is kept with its error message and zero overlap.
    """
    if solution_type not in ("parsimonious", "complex", "intermediate"):
        raise AnalysisError(
            f"unknown solution_type {solution_type!r}; "
            "expected parsimonious, complex or intermediate",
            field="solution_type",
        )
    base = _solve(data, outcome, conditions, incl_cut, n_cut, solution_type, dir_exp, pri_cut)
    if not base.models:
        raise AnalysisError("the baseline analysis gives no model")
    base_model = base.models[0]
    cols = {str(c): data[c].to_numpy(dtype=float) for c in data.columns}
    y = outcome_membership(data, outcome)
    s0 = expression_membership(base_model.expression, cols)
    ids = np.array([str(i) for i in data.index])
    in0 = s0 > 0.5
    runs = _runs(data, outcome, conditions, incl_cut, n_cut, incl_cuts, n_cuts,
                 recalibrations, solution_type, dir_exp, pri_cut)
    variants = []
    for label, settings, run in runs:
        if progress is not None:
            progress(1, len(runs), label)
        try:
            res = run()
        except AnalysisError as err:
            variants.append(Variant(label, settings, None, 0.0, 0.0, (), (), None, None, str(err)))
            continue
        variants.append(_compare(label, settings, base_model.terms, res.models[0], cols, y,
                                 ids, in0))
    return RobustnessReport(base_model.expression, tuple(variants))
