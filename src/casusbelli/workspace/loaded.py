"""The loaded workspace: every file's validated model, with where each id was declared."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from casusbelli.errors import Problem
from casusbelli.workspace.models import (
    Case,
    EvidenceSet,
    Frame,
    Indicator,
    Question,
    Signpost,
    Source,
    Theory,
    WorkspaceConfig,
)

__all__ = ["Workspace"]


@dataclass
class Workspace:
    """A loaded, validated workspace. Mappings keep file order (cases sorted by id)."""

    root: Path
    config: WorkspaceConfig
    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    theories: dict[str, Theory]
    cases: dict[str, Case]
    evidence: dict[str, EvidenceSet] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    frames: dict[str, Frame] = field(default_factory=dict)
    signposts: dict[str, Signpost] = field(default_factory=dict)
    content_hash: str = ""
    #: where each id was declared: ("case", "hungary-1956") -> (file, line)
    origins: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    #: what ``casus validate`` reports without failing (e.g. evidence metadata in a user's
    #: workspace)
    warnings: list[Problem] = field(default_factory=list)
    #: whether the codings of measured indicators and the values of rule-based forecasts are
    #: filled in; loading leaves them out and
    #: :func:`casusbelli.analysis.measured.measure_workspace` computes them
    measured: bool = False

    @property
    def name(self) -> str:
        """The workspace's name from ``casus.toml``."""
        return self.config.name

    @property
    def theory_ids(self) -> list[str]:
        """Theories analysed by default, in display order."""
        return list(self.config.theories) or list(self.theories)

    @property
    def outcome(self) -> str:
        """The outcome indicator's id."""
        return self.config.outcome

    def prior(self) -> dict[str, float]:
        """The prior over the default theories, normalised (flat when not configured)."""
        ids = self.theory_ids
        raw = self.config.prior or {t: 1.0 for t in ids}
        total = sum(raw.get(t, 0.0) for t in ids)
        return {t: raw.get(t, 0.0) / total for t in ids}

    def indicators_of(self, theory: str) -> list[str]:
        """Indicator ids that belong to ``theory``, in file order."""
        return [i.id for i in self.indicators.values() if i.theory == theory]

    def predictors_of(self, theory: str) -> list[tuple[str, int]]:
        """The cross-case predictors of ``theory`` with the sign it expects (+1, -1 or 0).

        A theory's predictors are the indicators its implications name (with ``expect: high``
        as +1 and ``low`` as -1); a theory with no implications uses its own indicators with a
        free sign (0). Only indicators that are observable before the decision and codeable
        for every case (:attr:`Indicator.predictor`) are kept; the rest stay within-case.
        """
        th = self.theories[theory]
        if th.implications:
            pairs = [(m.indicator, 1 if m.expect == "high" else -1) for m in th.implications]
        else:
            pairs = [(i, 0) for i in self.indicators_of(theory)]
        seen: set[str] = set()
        out = []
        for ind, sign in pairs:
            spec = self.indicators.get(ind)
            if spec is None or not spec.predictor or ind in seen:
                continue
            seen.add(ind)
            out.append((ind, sign))
        return out

    def excluded_of(self, theory: str) -> list[str]:
        """Indicators of ``theory`` (own or implied) that cross-case engines leave out, because
        they describe the intervention (``timing: after``) or can be n/a."""
        th = self.theories[theory]
        ids = [m.indicator for m in th.implications] + self.indicators_of(theory)
        out: list[str] = []
        for ind in ids:
            spec = self.indicators.get(ind)
            if spec is not None and not spec.predictor and ind not in out:
                out.append(ind)
        return out

