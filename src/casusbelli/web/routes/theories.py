"""Theories: each rival explanation, its indicators, implications and references."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from casusbelli.pipeline import workspace_summary
from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import TheoryOut
from casusbelli.web.views import source_refs

router = APIRouter(tags=["theories"], responses=AUTH_RESPONSES)


def build_theories(state: AppState) -> list[TheoryOut]:
    """Every theory, in the workspace's display order."""
    ws = state.ws
    shares = {t["id"]: t["coded_share"] for t in workspace_summary(ws)["theories"]}
    order = ws.theory_ids + [t for t in ws.theories if t not in ws.theory_ids]
    out = []
    for tid in order:
        th = ws.theories[tid]
        out.append(TheoryOut(
            id=tid, name=th.name, summary=th.summary, paths=th.paths,
            indicators=ws.indicators_of(tid),
            implications=[m.model_dump(mode="json") for m in th.implications],
            predictions=list(th.predictions), references=source_refs(ws, th.references),
            coded_share=shares.get(tid)))
    return out


@router.get("/theories", response_class=HTMLResponse, include_in_schema=False)
def theories_page(request: Request, state: StateDep, principal: PrincipalDep) -> HTMLResponse:
    """The theories page."""
    return state.render(request, "theories.html", {"theories": build_theories(state)})


@router.get("/api/v1/theories", response_model=list[TheoryOut])
def theories_api(state: StateDep, principal: PrincipalDep) -> list[TheoryOut]:
    """Every theory with indicators, implications, predictions and references."""
    return build_theories(state)
