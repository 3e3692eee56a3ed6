"""One handler turns any :class:`~casusbelli.errors.CasusError` into a 4xx page or JSON.

As Datasette's ``handle_exception``: pick the status and message in one place, then render as
JSON for ``/api/`` paths and as an HTML page (or an htmx fragment) for the rest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from casusbelli.errors import AnalysisError, CasusError, StoreError, UnknownIdError, WorkspaceError
from casusbelli.store.webstate import (
    AccessDeniedError,
    LoginError,
    StaleEditError,
    TooManyAttemptsError,
)
from casusbelli.web.auth import AuthRequiredError, CsrfError
from casusbelli.web.models import ErrorOut

__all__ = ["AUTH_RESPONSES", "error_body", "install_error_handlers", "status_of"]

#: OpenAPI entry of the 401 every page's API answers on a team server without a session.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Sign-in required (team server)"}}

_STATUS: tuple[tuple[type[CasusError], int, str], ...] = (
    (AuthRequiredError, 401, "Sign-in required"),
    (LoginError, 401, "Sign-in failed"),
    (CsrfError, 403, "Request refused"),
    (AccessDeniedError, 403, "Not allowed"),
    (UnknownIdError, 404, "Not found"),
    (StaleEditError, 409, "Edited meanwhile"),
    (TooManyAttemptsError, 429, "Too many attempts"),
    (AnalysisError, 422, "Cannot analyse"),
    (WorkspaceError, 422, "Workspace problem"),
    (StoreError, 503, "Store unavailable"),
)


def status_of(exc: CasusError) -> tuple[int, str]:
    """HTTP status and page title for a library error."""
    for cls, status, title in _STATUS:
        if isinstance(exc, cls):
            return status, title
    return 400, "Bad request"


def error_body(exc: CasusError) -> dict[str, Any]:
    """The JSON body of an error response (:class:`~casusbelli.web.models.ErrorOut`)."""
    many = isinstance(exc, WorkspaceError) and bool(exc.problems)
    return {"error": type(exc).__name__, "message": str(exc) if many else exc.message,
            "file": exc.file,
            "line": exc.line, "field": exc.field, "hint": exc.hint}


def install_error_handlers(app: FastAPI) -> None:
    """Register the one handler for :class:`CasusError` on ``app``."""

    @app.exception_handler(CasusError)
    async def _casus_error(request: Request, exc: CasusError) -> Response:
        status, title = status_of(exc)
        headers = {"Retry-After": "300"} if status == 429 else None
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(exc), status_code=status, headers=headers)
        if isinstance(exc, AuthRequiredError) and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        state = request.app.state.casus
        return state.render(request, "error.html",
                            {"title": title, "status": status, "error": exc},
                            status_code=status, headers=headers,
                            partial=request.headers.get("hx-request") == "true")
