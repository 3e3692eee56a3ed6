"""Forecasts: questions with each theory's forecast; the registry and scores when available."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import ForecastsOut, QuestionOut
from casusbelli.web.views import section_out

router = APIRouter(tags=["forecasts"], responses=AUTH_RESPONSES)


def build_forecasts(state: AppState) -> ForecastsOut:
    """Every question of the workspace, plus the ``forecasts`` section if it ran."""
    ws = state.ws
    qs = []
    for qid, q in ws.questions.items():
        qs.append(QuestionOut(
            id=qid, title=q.title, type=q.type, closes=q.closes, criteria=q.criteria,
            forecasts={t: f.model_dump(mode="json") for t, f in q.forecasts.items()},
            resolution=q.resolution.model_dump(mode="json") if q.resolution else None))
    sec = state.analysis.forecasts
    return ForecastsOut(questions=qs, section=section_out("forecasts", sec) if sec else None)


@router.get("/forecasts", response_class=HTMLResponse, include_in_schema=False)
def forecasts_page(request: Request, state: StateDep, principal: PrincipalDep) -> HTMLResponse:
    """The forecasts page."""
    return state.render(request, "forecasts.html", {"fc": build_forecasts(state)})


@router.get("/api/v1/forecasts", response_model=ForecastsOut)
def forecasts_api(state: StateDep, principal: PrincipalDep) -> ForecastsOut:
    """Questions, theory forecasts, resolutions, and the forecasts section if available."""
    return build_forecasts(state)
