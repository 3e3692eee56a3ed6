"""One handler turns any :class:`~casusbelli.errors.CasusError` into a 4xx page or JSON.

As Datasette's ``handle_exception``: pick the status and message in one place, then render as
JSON for ``/api/`` paths and as an HTML page (or an htmx fragment) for the rest. Request
validation errors (FastAPI's ``RequestValidationError``) go through the same handler as an
:class:`InvalidInputError` (422, naming the field); their JSON keeps FastAPI's ``detail`` list,
with each submitted value cut to a short, encodable preview (a 5 MB name is not echoed back,
and ``1e400`` or a lone surrogate cannot break the response).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from casusbelli.errors import AnalysisError, CasusError, StoreError, UnknownIdError, WorkspaceError
from casusbelli.store.webstate import (
    AccessDeniedError,
    LoginError,
    StaleEditError,
    TooManyAttemptsError,
)
from casusbelli.web.auth import AuthRequiredError, CsrfError
from casusbelli.web.inputs import preview
from casusbelli.web.models import ErrorOut

__all__ = ["AUTH_RESPONSES", "InvalidInputError", "error_body", "install_error_handlers",
           "status_of"]


class InvalidInputError(CasusError):
    """A request's parameters or body failed validation; ``detail`` lists every problem."""

    def __init__(self, message: str, *, detail: list[dict[str, Any]] | None = None,
                 **kw: Any) -> None:
        super().__init__(message, **kw)
        self.detail = list(detail or [])

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
    (InvalidInputError, 422, "Invalid input"),
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
    body: dict[str, Any] = {
        "error": type(exc).__name__, "message": str(exc) if many else exc.message,
        "file": exc.file, "line": exc.line, "field": exc.field, "hint": exc.hint}
    if isinstance(exc, InvalidInputError):
        body["detail"] = exc.detail  # FastAPI's shape, so HTTPValidationError still fits
    return body


def _field(loc: Any) -> str:
    """``("body", "items", 0, "id")`` -> ``"items.0.id"`` (the source part dropped)."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return preview(".".join(parts), 120)


def _safe(value: Any) -> Any:
    """A JSON-safe, short copy of a value of an error's ``ctx``."""
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return value
    return preview(value)


def invalid_input(exc: RequestValidationError) -> InvalidInputError:
    """The :class:`InvalidInputError` of a request validation failure, its inputs cut short."""
    detail = []
    for err in exc.errors():
        item: dict[str, Any] = {"loc": [p if isinstance(p, int) else preview(p, 120)
                                        for p in err.get("loc", ())],
                                "msg": preview(err.get("msg", "invalid")),
                                "type": str(err.get("type", "value_error"))}
        if "input" in err:
            item["input"] = preview(err["input"])
        if isinstance(err.get("ctx"), dict):
            item["ctx"] = {str(k): _safe(v) for k, v in err["ctx"].items()}
        detail.append(item)
    first = detail[0] if detail else {"loc": [], "msg": "invalid request"}
    field = _field(first["loc"]) or None
    more = f" (and {len(detail) - 1} more)" if len(detail) > 1 else ""
    return InvalidInputError(f"{first['msg']}{more}", field=field, detail=detail,
                             hint="see detail for every invalid value" if more else None)


def install_error_handlers(app: FastAPI) -> None:
    """Register the one handler for :class:`CasusError` on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _invalid_input(request: Request, exc: RequestValidationError) -> Response:
        return await _casus_error(request, invalid_input(exc))

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
