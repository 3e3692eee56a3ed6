"""Frames: discourse frames, their rates over time (chart) and measured indicators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import FramesOut
from casusbelli.web.views import frames_spec, section_out

router = APIRouter(tags=["frames"], responses=AUTH_RESPONSES)


def build_frames(state: AppState) -> FramesOut:
    """Frame definitions from the workspace, rates from the ``discourse`` section."""
    ws = state.ws
    frames = [{"id": fid, "label": fr.label,
               "description": getattr(fr, "description", "") or ""}
              for fid, fr in ws.frames.items()]
    sec = state.analysis.sections.get("discourse")
    if sec is None:
        return FramesOut(available=False, frames=frames)
    chart = None
    corpora: dict[str, Any] = sec.get("corpora") or {}
    if corpora:
        name, records = next(iter(corpora.items()))
        chart = frames_spec(list(records), name)
    return FramesOut(available=True, frames=frames, section=section_out("discourse", sec),
                     chart=chart)


@router.get("/frames", response_class=HTMLResponse, include_in_schema=False)
def frames_page(request: Request, state: StateDep, principal: PrincipalDep) -> HTMLResponse:
    """The frames page."""
    return state.render(request, "frames.html", {"fr": build_frames(state)})


@router.get("/api/v1/frames", response_model=FramesOut)
def frames_api(state: StateDep, principal: PrincipalDep) -> FramesOut:
    """Frames and their rates, or ``available: false``."""
    return build_frames(state)


@router.get("/api/v1/frames/chart.vl.json", response_model=dict[str, Any])
def frames_chart(state: StateDep, principal: PrincipalDep,
                 corpus: Annotated[str | None, Query(max_length=80)] = None) -> dict[str, Any]:
    """Vega-Lite spec of frame rates over time (empty when there is no corpus)."""
    sec = state.analysis.sections.get("discourse") or {}
    corpora: dict[str, Any] = sec.get("corpora") or {}
    if corpus is None and corpora:
        corpus = next(iter(corpora))
    records = corpora.get(corpus or "", [])
    return frames_spec(list(records), corpus or "none")
