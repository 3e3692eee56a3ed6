"""Case page: codings with sources, the ACH matrix (editable) and the process-tracing chart.

An ACH edit is an htmx POST of one cell; the response is the ``_ach.html`` fragment (matrix,
scores and chart), so the cell and the scores change without a full reload. A stale edit
(someone saved the cell since the page was loaded) answers 409 with the newer value shown.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from casusbelli.errors import CasusError
from casusbelli.store.webstate import StaleEditError, save_edit
from casusbelli.web.auth import Principal
from casusbelli.web.deps import AppState, PrincipalDep, StateDep, WriterDep
from casusbelli.web.errors import AUTH_RESPONSES, error_body
from casusbelli.web.models import (
    AchOut,
    CaseOut,
    CodingOut,
    ConflictOut,
    EditIn,
    EditOut,
    EditRecord,
    ErrorOut,
)
from casusbelli.web.views import ach_view, case_or_404, source_refs, trace_spec

router = APIRouter(tags=["case"], responses=AUTH_RESPONSES)

CaseId = Annotated[str, Path(max_length=80, description="The case id (its file stem).")]
AnalystQ = Annotated[str | None, Query(max_length=120,
                                       description="Whose ratings (default: your own).")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut},
    409: {"model": ConflictOut},
    422: {"model": ErrorOut}}


def build_case(state: AppState, case_id: str, analyst: str) -> CaseOut:
    """A case with its codings, and its ACH matrix as ``analyst`` sees it (the case's saved
    edits are read from the store once and applied once)."""
    ws, edits = state.edited(case_id)
    case = case_or_404(ws, case_id)
    codings = []
    for ind_id, cd in case.codings.items():
        ind = ws.indicators.get(ind_id)
        codings.append(CodingOut(indicator=ind_id, label=ind.label if ind else ind_id,
                                 theory=ind.theory if ind else "", value=cd.value,
                                 rationale=cd.rationale, sources=source_refs(ws, cd.sources)))
    return CaseOut(id=case_id, name=case.name, actor=case.actor, target=case.target,
                   start=case.start, end=case.end, kind=case.kind, summary=case.summary,
                   tags=list(case.tags), sources=source_refs(ws, case.sources), codings=codings,
                   ach=ach_view(ws, case_id, analyst, edits) if case_id in ws.evidence
                   else None)


def _analyst(principal: Principal, requested: str | None) -> str:
    return requested or principal.analyst


@router.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, case_id: CaseId, state: StateDep, principal: PrincipalDep,
              analyst: AnalystQ = None) -> HTMLResponse:
    """The case page."""
    c = build_case(state, case_id, _analyst(principal, analyst))
    return state.render(request, "case.html", {"c": c, "ach": c.ach, "conflict": None,
                                               "saved": None})


@router.get("/api/v1/cases/{case_id}", response_model=CaseOut,
            responses={404: {"model": ErrorOut}})
def case_api(case_id: CaseId, state: StateDep, principal: PrincipalDep,
             analyst: AnalystQ = None) -> CaseOut:
    """A case: facts, codings with sources, and its ACH matrix when it has evidence."""
    return build_case(state, case_id, _analyst(principal, analyst))


@router.get("/api/v1/cases/{case_id}/ach", response_model=AchOut, responses=_ERRORS)
def ach_api(case_id: CaseId, state: StateDep, principal: PrincipalDep,
            analyst: AnalystQ = None) -> AchOut:
    """The ACH matrix of a case as you (or ``analyst``) rate it, with scores and tracing."""
    ws, edits = state.edited(case_id)
    case_or_404(ws, case_id)
    return ach_view(ws, case_id, _analyst(principal, analyst), edits)


@router.get("/api/v1/cases/{case_id}/trace.vl.json", response_model=dict[str, Any],
            responses=_ERRORS)
def trace_chart(case_id: CaseId, state: StateDep, principal: PrincipalDep,
                analyst: AnalystQ = None) -> dict[str, Any]:
    """Vega-Lite spec of the process-tracing chart (posterior after each cluster of items)."""
    ach = ach_api(case_id, state, principal, analyst)
    if ach.trace is None:
        return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
                "title": ach.trace_error or "no process tracing", "data": {"values": []},
                "mark": "point"}
    return trace_spec(ach.trace, f"Posterior after each cluster of items — {case_id}")


def _save(state: AppState, principal: Principal, case_id: str, body: EditIn) -> Any:
    analyst = body.analyst or principal.analyst
    principal.check_edit(body.field, analyst)
    case_or_404(state.ws, case_id)  # edits change evidence, never the cases: no store read
    return save_edit(state.store, state.ws, case_id=case_id, item_id=body.item,
                     field=body.field, value=body.value, version=body.version,
                     actor=principal.user.name, hypothesis=body.hypothesis, analyst=analyst)


@router.post("/api/v1/cases/{case_id}/ach/edits", response_model=EditOut, responses=_ERRORS)
def edit_api(case_id: CaseId, body: EditIn, state: StateDep, principal: WriterDep) -> Response:
    """Save one ACH edit (optimistic locking on ``version``); 409 gives the newer value."""
    try:
        edit = _save(state, principal, case_id, body)
    except StaleEditError as exc:
        out = ConflictOut(**error_body(exc), current=EditRecord(**exc.current.to_dict()),
                          attempted=exc.attempted)
        return JSONResponse(out.model_dump(), status_code=409)
    ach = ach_api(case_id, state, principal, body.analyst)
    return JSONResponse(EditOut(edit=EditRecord(**edit.to_dict()), ach=ach).model_dump())


@router.post("/cases/{case_id}/ach", response_class=HTMLResponse, include_in_schema=False)
def edit_form(
    request: Request,
    case_id: CaseId,
    state: StateDep,
    principal: WriterDep,
    item: Annotated[str, Form(max_length=80)],
    field: Annotated[str, Form(max_length=12)],
    value: Annotated[str, Form(max_length=10)],
    version: Annotated[int, Form(ge=0)],
    hypothesis: Annotated[str, Form(max_length=80)] = "",
    analyst: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """The htmx ACH editor: save one cell, answer with the new matrix fragment."""
    try:
        body = EditIn(item=item, field=field, hypothesis=hypothesis,  # type: ignore[arg-type]
                      analyst=analyst or None, value=value, version=version)
    except ValidationError as exc:
        raise CasusError(f"invalid edit: {exc.errors()[0]['msg']}",
                         field=str(exc.errors()[0]['loc'][0])) from exc
    htmx = request.headers.get("hx-request") == "true"
    conflict, saved, status = None, None, 200
    try:
        saved = _save(state, principal, case_id, body)
    except StaleEditError as exc:
        conflict, status = exc, 409
    if not htmx and conflict is None:
        return RedirectResponse(f"/cases/{case_id}#ach", status_code=303)
    c = build_case(state, case_id, body.analyst or principal.analyst)
    return state.render(request, "ach.html" if htmx else "case.html",
                        {"c": c, "ach": c.ach, "conflict": conflict, "saved": saved},
                        status_code=status, partial=htmx)
