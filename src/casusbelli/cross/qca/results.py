"""Result types of the QCA engine: truth tables, models, solutions, necessity fits.

Frozen dataclasses with ``to_dict()`` (the stable JSON, R's column names), ``to_frame()``
(pandas) and a ``repr`` laid out as R's QCA prints (:mod:`casusbelli.cross.qca.display`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_INCL_CUT",
    "MAX_CONDITIONS",
    "IntermediateCombo",
    "Minimization",
    "Model",
    "NecessityFit",
    "Progress",
    "QCAResult",
    "TermFit",
    "TruthTable",
    "TruthTableRow",
]

#: Largest number of conditions accepted (3**20 candidate terms; R itself stops far earlier).
MAX_CONDITIONS = 20

#: The one default inclusion cut-off of the package (truth tables, the CLI, robustness, checks).
#: R's ``truthTable()`` defaults to 1; 0.8 is the usual fuzzy-set choice (Ragin 2008: at least
#: 0.75; Schneider & Wagemann 2012), and it is what every analysis here used so far.
DEFAULT_INCL_CUT = 0.8

_TOL = 1.4901161193847656e-08  # sqrt(machine epsilon), R/admisc's tolerance for >=

Progress = Callable[[int, "int | None", str], None]


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
    """A truth table (R's ``truthTable``): ``rows`` the observed rows (all with ``complete``)."""

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

        from casusbelli.cross.qca.display import truth_table_frame

        return truth_table_frame(self)

    def __repr__(self) -> str:
        from casusbelli.cross.qca.display import format_truth_table

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
    #: The same cases grouped by the truth-table row they come from (R prints them so).
    case_rows: tuple[tuple[str, ...], ...] = ()

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
        from casusbelli.cross.qca.display import model_frame

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
        from casusbelli.cross.qca.display import minimization_frame

        return minimization_frame(self)

    def __repr__(self) -> str:
        from casusbelli.cross.qca.display import format_minimization

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
        import pandas as pd

        frames = [m.to_frame() for m in (self.complex, self.parsimonious, self.intermediate)
                  if m is not None]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def __repr__(self) -> str:
        from casusbelli.cross.qca.display import format_result

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
