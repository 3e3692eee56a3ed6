"""Settings and typed results of the per-theory Bayesian models.

See :mod:`casusbelli.cross.models` for the model and the references.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from casusbelli.errors import AnalysisError

__all__ = [
    "BASE_RATE",
    "Coefficient",
    "Comparison",
    "MODEL_VERSION",
    "ModelFit",
    "ModelSettings",
]

Progress = Callable[[int, "int | None", str], None]

#: Name of the intercept-only model in every comparison.
BASE_RATE = "base_rate"
#: Bumped whenever a change here changes results, so cached results are not reused.
MODEL_VERSION = 1
_MISSING_PRIORS = ("empirical", "uniform")
_MIN_CODED_FOR_MOMENTS = 3


@dataclass(frozen=True)
class ModelSettings:
    """How the models are fitted; part of the cache key.

    Attributes
    ----------
    draws, tune, chains
        NUTS draws kept and tuning steps per chain, and the number of chains (run one after
        the other on one core).
    seed
        Seed of the ``numpy.random.Generator`` used when the caller does not pass one.
    coef_scale, intercept_scale
        Standard deviations of the normal priors on the standardised coefficients and on the
        intercept.
    imputation_draws
        :math:`M`, the stratified draws that integrate each unknown coding out.
    missing_prior
        ``"empirical"`` (Beta matched to the indicator's coded values) or ``"uniform"``.
    """

    draws: int = 500
    tune: int = 500
    chains: int = 2
    seed: int = 20_250_601
    coef_scale: float = 2.5
    intercept_scale: float = 2.5
    imputation_draws: int = 64
    missing_prior: str = "empirical"

    def __post_init__(self) -> None:
        if self.missing_prior not in _MISSING_PRIORS:
            raise AnalysisError(
                f"unknown missing_prior {self.missing_prior!r}; expected one of "
                f"{', '.join(_MISSING_PRIORS)}",
                field="missing_prior",
            )
        for name in ("draws", "tune", "chains", "imputation_draws"):
            if int(getattr(self, name)) < 1:
                raise AnalysisError(f"{name} must be at least 1", field=name)
        if self.chains * self.draws < 100:
            raise AnalysisError("chains * draws must be at least 100 for PSIS-LOO", field="draws")
        if self.coef_scale <= 0 or self.intercept_scale <= 0:
            raise AnalysisError("prior scales must be positive", field="coef_scale")

    def to_dict(self) -> dict[str, Any]:
        """The settings as a JSON-ready mapping (with the model version)."""
        return {**asdict(self), "model_version": MODEL_VERSION}


@dataclass(frozen=True)
class Coefficient:
    """Posterior summary of one indicator's coefficient.

    ``mean``, ``sd``, ``low``, ``high`` (a central 90 % interval) are on the membership scale:
    the change in log-odds of intervention when the indicator moves from 0 to 1.
    """

    indicator: str
    mean: float
    sd: float
    low: float
    high: float
    unknown: int


@dataclass(frozen=True)
class ModelFit:
    """One model's out-of-sample scores and diagnostics."""

    name: str
    indicators: tuple[str, ...]
    elpd_loo: float
    se: float
    p_loo: float
    pareto_k: tuple[float, ...]
    k_threshold: float
    loo_probability: tuple[float, ...]
    brier_loo: float
    coefficients: tuple[Coefficient, ...]
    unknown: int
    max_rhat: float
    min_ess: float
    divergences: int
    #: each case's leave-one-out elpd (the terms of ``elpd_loo``), for paired differences
    elpd_pointwise: tuple[float, ...] = ()

    @property
    def high_k(self) -> int:
        """Cases whose Pareto :math:`\\hat k` exceeds the threshold."""
        return sum(1 for k in self.pareto_k if k > self.k_threshold)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        d = asdict(self)
        d["indicators"] = list(self.indicators)
        d["pareto_k"] = list(self.pareto_k)
        d["loo_probability"] = list(self.loo_probability)
        d["elpd_pointwise"] = list(self.elpd_pointwise)
        d["coefficients"] = [asdict(c) for c in self.coefficients]
        d["high_k"] = self.high_k
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ModelFit:
        """Inverse of :meth:`to_dict`."""
        kw = {k: v for k, v in d.items() if k != "high_k"}
        kw["indicators"] = tuple(kw["indicators"])
        kw["pareto_k"] = tuple(kw["pareto_k"])
        kw["loo_probability"] = tuple(kw["loo_probability"])
        kw["elpd_pointwise"] = tuple(kw.get("elpd_pointwise", ()))
        kw["coefficients"] = tuple(Coefficient(**c) for c in kw["coefficients"])
        return cls(**kw)


@dataclass(frozen=True)
class Comparison:
    """Every theory's model and the base-rate model, compared on the same cases.

    ``weights`` are stacking weights over the theories alone (they sum to 1);
    ``weights_with_base`` include the base-rate model. ``elpd_diff`` and ``dse`` are each
    model's elpd difference from the best model and its standard error (ArviZ's
    ``compare``), ``rank`` its rank (0 = best).
    """

    cases: tuple[str, ...]
    outcome: tuple[int, ...]
    models: tuple[ModelFit, ...]
    weights: Mapping[str, float]
    weights_with_base: Mapping[str, float]
    rank: Mapping[str, int]
    elpd_diff: Mapping[str, float]
    dse: Mapping[str, float]
    settings: Mapping[str, Any]
    cached: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def model(self, name: str) -> ModelFit:
        """The fit of model ``name`` (a theory id or :data:`BASE_RATE`)."""
        for m in self.models:
            if m.name == name:
                return m
        raise AnalysisError(f"no model named {name!r} in this comparison")

    def to_dict(self) -> dict[str, Any]:
        """A stable JSON document (what the cache stores and ``casus compare --json`` prints)."""
        return {
            "cases": list(self.cases),
            "outcome": list(self.outcome),
            "models": [m.to_dict() for m in self.models],
            "weights": dict(self.weights),
            "weights_with_base": dict(self.weights_with_base),
            "rank": dict(self.rank),
            "elpd_diff": dict(self.elpd_diff),
            "dse": dict(self.dse),
            "settings": dict(self.settings),
            "cached": self.cached,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, cached: bool = False) -> Comparison:
        """Inverse of :meth:`to_dict`; ``cached`` marks a result read back from the store."""
        return cls(
            cases=tuple(d["cases"]),
            outcome=tuple(int(v) for v in d["outcome"]),
            models=tuple(ModelFit.from_dict(m) for m in d["models"]),
            weights=dict(d["weights"]),
            weights_with_base=dict(d["weights_with_base"]),
            rank={k: int(v) for k, v in d["rank"].items()},
            elpd_diff=dict(d["elpd_diff"]),
            dse=dict(d["dse"]),
            settings=dict(d["settings"]),
            cached=cached,
            notes=tuple(d.get("notes", ())),
        )
