"""The forecasts section of ``casus analyze``: the open questions with each theory's forecast
and the ensemble, the scores on resolved questions, and the signposts to watch."""

from __future__ import annotations

from typing import Any

from casusbelli.errors import AnalysisError, ForecastError
from casusbelli.forecast.service import forecast_view, rank_signposts, score_forecasts

__all__ = ["forecast_section"]

TITLE = "Forecasts (questions, ensemble, scores, signposts)"


def forecast_section(ws: Any, store_url: str, progress: Any = None) -> dict[str, Any]:
    """Open questions (base scenario) with each theory's forecast and the weighted ensemble,
    mean scores per theory and the ensemble on resolved questions, and the top signposts.

    Reads the store's journal but writes nothing. Returns the data plus ``tables`` and
    ``lines`` for display; a workspace with no questions gets a one-line section.
    """
    del progress
    if not ws.questions:
        return {"title": TITLE, "questions": 0,
                "lines": ["No forecast questions (questions/<id>.yaml)."], "tables": []}
    try:
        view = forecast_view(ws, store_url)
        scores = score_forecasts(ws, store_url)
        signposts = rank_signposts(ws, store_url)
    except ForecastError as exc:
        raise AnalysisError(str(exc), hint=exc.hint) from exc
    base = [r for r in view.rows if r.scenario == "base"]
    table = view.table()
    table["rows"] = [row for row, r in zip(table["rows"], view.rows, strict=True)
                     if r.scenario == "base"]
    table["title"] = table["title"].split(";")[0] + "; base scenario (casus forecast shows all)"
    lines = [f"{len(base)} open questions, {len(scores.resolved)} resolved; theory weights: "
             + ", ".join(f"{t} {w:.2f}" for t, w in view.weights.current.items())]
    lines += [f"warning: {w}" for w in view.weights.warnings]
    if any(s.retrospective for s in scores.scores):
        lines.append("Backtest scores are on retrospective questions written after the outcome "
                     "was known, with forecasts from a fixed rule: a backtest, not a track record.")
    lines += [f"note: {w}" for w in scores.warnings]
    lines += [s.line() for s in signposts[:3] if s.observed is None]
    tables = [table]
    if scores.summary:
        tables.append(scores.table())
    return {
        "title": TITLE,
        "forecasts": view.to_dict(),
        "scores": scores.to_dict(),
        "signposts": [s.to_dict() for s in signposts],
        "tables": tables,
        "lines": lines,
    }
