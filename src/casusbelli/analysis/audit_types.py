"""The audit's settings and typed results: :class:`Check`, :class:`TheoryVerdict`, :class:`Audit`
(see :mod:`casusbelli.analysis.audit`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from casusbelli.cross.checks import (
    ElpdDifference,
)
from casusbelli.errors import AnalysisError

__all__ = [
    "AUDIT_VERSION",
    "Audit",
    "AuditSettings",
    "Check",
    "TheoryVerdict",
]

Progress = Callable[[int, "int | None", str], None]

#: Version of the audit's JSON document; bumped on breaking changes (part of the cache key).
AUDIT_VERSION = 2
#: Standard errors of the paired elpd difference a theory needs over the base rate.
Z_SUPPORTED = 2.0
#: Placebo percentile a supported theory needs.
PLACEBO_LEVEL = 0.95
#: Shifts of the unknown values (negative cases, interventions) for the sensitivity grid.
MNAR_SHIFTS = (-0.3, 0.0, 0.3)
#: Difference in unknown shares (negatives minus interventions) that draws a warning.
MISSING_GAP = 0.15
STATUSES = ("supported", "inconclusive", "not supported", "suspect")
BASE = "base_rate"


@dataclass(frozen=True)
class AuditSettings:
    """How much work the audit does; part of the cache key."""

    placebos: int = 100
    bootstrap: int = 400
    permutations: int = 1000
    seed: int = 20_261_202
    draws: int = 2000
    placebo_draws: int = 500
    imputation_draws: int = 32

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (with the audit version)."""
        return {**asdict(self), "audit_version": AUDIT_VERSION}


@dataclass(frozen=True)
class Check:
    """One row of the audit table."""

    check: str
    status: str  # pass | warn | fail
    detail: str
    theory: str | None = None
    indicator: str | None = None
    case: str | None = None
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (exact numbers)."""
        return {"check": self.check, "theory": self.theory, "indicator": self.indicator,
                "case": self.case, "status": self.status, "value": self.value,
                "detail": self.detail}


@dataclass(frozen=True)
class TheoryVerdict:
    """One theory's status, with the uncertainty and the flags behind it."""

    theory: str
    status: str
    elpd: float
    elpd_diff_vs_base: float
    se: float
    elpd_diff_vs_best: float
    se_vs_best: float
    weight: float
    weight_interval: tuple[float, float]
    top_share: float
    placebo_percentile: float | None
    predictors: tuple[str, ...]
    excluded: tuple[str, ...]
    flags: tuple[str, ...] = ()

    @property
    def z(self) -> float:
        """Elpd difference over the base rate in standard errors."""
        return ElpdDifference(self.elpd_diff_vs_base, self.se).z

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (exact numbers)."""
        d = asdict(self)
        d["weight_interval"] = list(self.weight_interval)
        d["predictors"] = list(self.predictors)
        d["excluded"] = list(self.excluded)
        d["flags"] = list(self.flags)
        return d


@dataclass(frozen=True)
class Audit:
    """The audit of one workspace: the checks, and the verdict they support."""

    workspace: str
    content_hash: str
    cases: tuple[str, ...]
    outcome: tuple[int, ...]
    settings: dict[str, Any]
    checks: tuple[Check, ...]
    verdict: tuple[TheoryVerdict, ...]
    base_elpd: float
    seconds: float
    notes: tuple[str, ...] = ()
    #: per theory: ``placebo_gains`` (elpd gains of the noise theories), ``loio`` ({indicator:
    #: [diff, se]} without it), ``sensitivity`` ([[d_neg, d_int, z], ...]); for the charts
    robustness: dict[str, dict[str, Any]] = field(default_factory=dict)
    cached: bool = field(default=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        """Checks by status."""
        out = {"pass": 0, "warn": 0, "fail": 0}
        for c in self.checks:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def theory(self, tid: str) -> TheoryVerdict:
        """The verdict row of one theory."""
        for v in self.verdict:
            if v.theory == tid:
                return v
        raise AnalysisError(f"no theory {tid!r} in this audit")

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document ``casus audit --json`` prints (non-finite numbers are
        ``null``, so the document is standard JSON)."""
        return _finite({
            "schema_version": AUDIT_VERSION,
            "workspace": self.workspace,
            "content_hash": self.content_hash,
            "cases": list(self.cases),
            "outcome": list(self.outcome),
            "settings": dict(self.settings),
            "counts": self.counts,
            "base_elpd": self.base_elpd,
            "checks": [c.to_dict() for c in self.checks],
            "verdict": [v.to_dict() for v in self.verdict],
            "notes": list(self.notes),
            "robustness": self.robustness,
            "seconds": self.seconds,
        })

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, cached: bool = False) -> Audit:
        """Inverse of :meth:`to_dict`."""
        checks = tuple(Check(**{k: c[k] for k in ("check", "status", "detail", "theory",
                                                  "indicator", "case", "value")})
                       for c in d["checks"])
        nan = float("nan")
        verdict = []
        for v in d["verdict"]:
            kw: dict[str, Any] = {k: (nan if x is None and k in _FLOAT_FIELDS else x)
                                  for k, x in v.items()}
            kw.update(weight_interval=tuple(v["weight_interval"]),
                      predictors=tuple(v["predictors"]), excluded=tuple(v["excluded"]),
                      flags=tuple(v["flags"]))
            verdict.append(TheoryVerdict(**kw))
        return cls(workspace=d["workspace"], content_hash=d["content_hash"],
                   cases=tuple(d["cases"]), outcome=tuple(d["outcome"]),
                   settings=dict(d["settings"]), checks=checks, verdict=tuple(verdict),
                   base_elpd=d["base_elpd"], seconds=d["seconds"],
                   notes=tuple(d.get("notes", ())), robustness=d.get("robustness", {}),
                   cached=cached)


_FLOAT_FIELDS = ("elpd", "elpd_diff_vs_base", "se", "elpd_diff_vs_best", "se_vs_best")


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj
