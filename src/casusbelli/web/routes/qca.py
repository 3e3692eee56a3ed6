"""QCA: the cross-case section (truth table, solutions, theory evaluation) when available."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import QcaOut
from casusbelli.web.views import section_out

router = APIRouter(tags=["qca"], responses=AUTH_RESPONSES)


def build_qca(state: AppState) -> QcaOut:
    """The ``cross`` section of the analysis run at start, if the engine produced one."""
    sec = state.analysis.cross
    if sec is None:
        return QcaOut(available=False)
    return QcaOut(available=True, section=section_out("cross", sec))


@router.get("/qca", response_class=HTMLResponse, include_in_schema=False)
def qca_page(request: Request, state: StateDep, principal: PrincipalDep) -> HTMLResponse:
    """The QCA page."""
    return state.render(request, "qca.html", {"qca": build_qca(state)})


@router.get("/api/v1/qca", response_model=QcaOut)
def qca_api(state: StateDep, principal: PrincipalDep) -> QcaOut:
    """Cross-case results (QCA), or ``available: false``."""
    return build_qca(state)
