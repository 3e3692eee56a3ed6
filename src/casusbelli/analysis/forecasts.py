"""The forecasts section of ``casus analyze``: the open questions with each theory's forecast
and the ensemble, the scores on resolved questions, and the signposts to watch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# the result types are imported at run time: the section cache validates them (pydantic)
from casusbelli.analysis.forecast_ops import (
    ForecastView,
    ScoreReport,
    SignpostRank,
    current_weights,
    forecast_view,
    rank_signposts,
    score_forecasts,
)
from casusbelli.analysis.sections import Section, Table
from casusbelli.errors import AnalysisError, ForecastError

__all__ = ["ForecastSection", "forecast_section"]

TITLE = "Forecasts (questions, ensemble, scores, signposts)"


@dataclass(frozen=True, kw_only=True)
class ForecastSection(Section):
    """The typed results of the forecast engine: the forecasts of the open questions
    (:class:`~casusbelli.analysis.forecast_ops.ForecastView`), the scores on resolved ones
    (:class:`~casusbelli.analysis.forecast_ops.ScoreReport`) and the ranked signposts.
    All three are ``None`` / empty for a workspace without questions."""

    view: ForecastView | None = None
    scores: ScoreReport | None = None
    signposts: tuple[SignpostRank, ...] = ()

    def ensemble(self, question: str, scenario: str = "base") -> Any:
        """The weighted ensemble forecast of ``question`` (``None``: not an open question)."""
        if self.view is None:
            return None
        return next((r.ensemble for r in self.view.rows
                     if r.question == question and r.scenario == scenario), None)

    def mean_brier(self, group: str = "backtest") -> dict[str, float]:
        """Forecaster -> mean Brier score on the resolved questions of ``group``."""
        if self.scores is None:
            return {}
        return {row["forecaster"]: row["brier"] for row in self.scores.summary
                if row.get("group") == group and row.get("brier") is not None}

    def data(self) -> dict[str, Any]:
        if self.view is None or self.scores is None:
            return {"questions": 0}
        return {"forecasts": self.view.to_dict(), "scores": self.scores.to_dict(),
                "signposts": [s.to_dict() for s in self.signposts]}


def forecast_section(ws: Any, store_url: str, progress: Any = None) -> ForecastSection:
    """Open questions (base scenario) with each theory's forecast and the weighted ensemble,
    mean scores per theory and the ensemble on resolved questions, and the top signposts.

    Reads the store's journal but writes nothing. A workspace with no questions gets a
    one-line section.
    """
    del progress
    if not ws.questions:
        return ForecastSection(title=TITLE, lines=("No forecast questions (questions/<id>.yaml).",))
    try:
        scores = score_forecasts(ws, store_url)
        weights = current_weights(ws, store_url, scores=scores)  # one scoring of the journal
        view = forecast_view(ws, store_url, weights=weights)
        signposts = rank_signposts(ws, store_url, weights=weights)
    except ForecastError as exc:
        raise AnalysisError(str(exc), hint=exc.hint) from exc
    base = [r for r in view.rows if r.scenario == "base"]
    table = view.table()
    rows = [row for row, r in zip(table["rows"], view.rows, strict=True) if r.scenario == "base"]
    title = table["title"].split(";")[0] + "; base scenario (casus forecast shows all)"
    lines = [f"{len(base)} open questions, {len(scores.resolved)} resolved; theory weights: "
             + ", ".join(f"{t} {w:.2f}" for t, w in view.weights.current.items())]
    lines += [f"warning: {w}" for w in view.weights.warnings]
    if any(s.retrospective for s in scores.scores):
        lines.append("Backtest scores are on retrospective questions written after the outcome "
                     "was known, with forecasts from a fixed rule: a backtest, not a track record.")
    lines += [f"note: {w}" for w in scores.warnings]
    lines += [s.line() for s in signposts[:3] if s.observed is None]
    tables = [Table.of(title, table["columns"], rows)]
    if scores.summary:
        st = scores.table()
        tables.append(Table.of(st["title"], st["columns"], st["rows"]))
    return ForecastSection(title=TITLE, view=view, scores=scores, signposts=tuple(signposts),
                           tables=tuple(tables), lines=tuple(lines))
