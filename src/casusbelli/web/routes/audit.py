"""Audit log: every change made through the web app, newest first (admins on a team server)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from casusbelli.store.webstate import AccessDeniedError, audit_entries
from casusbelli.web.auth import Principal
from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import AuditOut, AuditRecord, ErrorOut

router = APIRouter(tags=["audit"], responses=AUTH_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=1000)]


def build_audit(state: AppState, principal: Principal, limit: int = 200) -> AuditOut:
    """The newest ``limit`` audit entries of this workspace (admins only on a team server)."""
    if principal.team and not principal.user.can("admin"):
        raise AccessDeniedError("only admins read the audit log")
    rows = audit_entries(state.store, workspace=state.workspace_name, limit=limit)
    return AuditOut(entries=[AuditRecord(**e.to_dict()) for e in rows])


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, state: StateDep, principal: PrincipalDep,
               limit: Limit = 200) -> HTMLResponse:
    """The audit-log page."""
    return state.render(request, "audit.html", {"audit": build_audit(state, principal, limit)})


@router.get("/api/v1/audit", response_model=AuditOut, responses={403: {"model": ErrorOut}})
def audit_api(state: StateDep, principal: PrincipalDep, limit: Limit = 200) -> AuditOut:
    """The append-only audit log, newest first."""
    return build_audit(state, principal, limit)
