"""Cases: the filterable table (htmx swaps ``_cases_table.html`` as the filter changes)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from casusbelli.pipeline import workspace_summary
from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import CaseList, CaseRow

router = APIRouter(tags=["cases"], responses=AUTH_RESPONSES)

QueryQ = Annotated[str, Query(max_length=200, description="Text in the id, name or target.")]
QueryKind = Annotated[Literal["", "intervention", "negative"],
                      Query(description="Only interventions or only negative cases.")]


def build_cases(state: AppState, q: str = "", kind: str = "") -> CaseList:
    """The cases whose id, name or target contains ``q`` (case-insensitive), of ``kind``."""
    ws = state.ws
    rows = workspace_summary(ws)["cases"]
    needle = q.strip().lower()
    out = []
    for r in rows:
        if kind and r["kind"] != kind:
            continue
        if needle and not any(needle in str(r[k]).lower() for k in ("id", "name", "target")):
            continue
        out.append(CaseRow(**r, has_evidence=r["id"] in ws.evidence))
    return CaseList(cases=out, total=len(rows), q=q, kind=kind)


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def cases_page(request: Request, state: StateDep, principal: PrincipalDep, q: QueryQ = "",
               kind: QueryKind = "") -> HTMLResponse:
    """The cases page; an htmx request gets only the table."""
    partial = request.headers.get("hx-request") == "true"
    return state.render(request, "cases_table.html" if partial else "cases.html",
                        {"cl": build_cases(state, q, kind)}, partial=partial)


@router.get("/api/v1/cases", response_model=CaseList)
def cases_api(state: StateDep, principal: PrincipalDep, q: QueryQ = "",
              kind: QueryKind = "") -> CaseList:
    """The cases table, filtered like the page."""
    return build_cases(state, q, kind)
