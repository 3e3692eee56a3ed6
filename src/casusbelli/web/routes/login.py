"""Sign in and out (team server). Failed logins are rate limited per user and address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from casusbelli.errors import CasusError
from casusbelli.store.webstate import LoginSession, authenticate, end_session
from casusbelli.web.auth import SESSION_COOKIE, anonymous_csrf, check_csrf
from casusbelli.web.deps import AppState, PrincipalDep, StateDep, WriterDep
from casusbelli.web.models import ErrorOut, LoginIn, SessionOut

router = APIRouter(tags=["session"])


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def _login(state: AppState, request: Request, name: str, password: str) -> LoginSession:
    if not state.settings.team:
        raise CasusError("this server runs without accounts (start it with --team)")
    ip = request.client.host if request.client else ""
    s = state.settings
    return authenticate(state.store, name, password, ip=ip, workspace=state.workspace_name,
                        max_failures=s.login_max_failures,
                        window_seconds=s.login_window_seconds,
                        session_seconds=s.session_seconds)


def _set_cookie(state: AppState, response: Response, session: LoginSession) -> None:
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax",
                        secure=state.settings.secure_cookies, path="/",
                        max_age=int(state.settings.session_seconds))


def _anon_csrf(request: Request, state: StateDep) -> str:
    return anonymous_csrf(state.secret, request.state.anon)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, state: StateDep,
               next: Annotated[str, Query(max_length=500)] = "/") -> HTMLResponse:
    """The sign-in form."""
    return state.render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False)
def login_form(
    request: Request,
    state: StateDep,
    csrf: Annotated[str, Depends(_anon_csrf)],
    name: Annotated[str, Form(max_length=120)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Sign in from the form; back to the form with a message on failure."""
    check_csrf(csrf, csrf_token)
    session = _login(state, request, name, password)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(state, response, session)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, state: StateDep, principal: WriterDep) -> Response:
    """Sign out."""
    if principal.session_token:
        end_session(state.store, principal.session_token, workspace=state.workspace_name)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/api/v1/session", response_model=SessionOut,
             responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut},
                        400: {"model": ErrorOut}})
def session_api(request: Request, body: LoginIn, state: StateDep) -> Response:
    """Sign in with JSON; the session cookie is set and the CSRF token returned."""
    session = _login(state, request, body.name, body.password)
    out = SessionOut(name=session.user.name, role=session.user.role,
                     csrf_token=session.csrf_token, team=True)
    response = JSONResponse(out.model_dump())
    _set_cookie(state, response, session)
    return response


@router.get("/api/v1/session", response_model=SessionOut, responses={401: {"model": ErrorOut}})
def whoami(principal: PrincipalDep) -> SessionOut:
    """Who you are, and the CSRF token to send with every write (header ``X-CSRF-Token``)."""
    return SessionOut(name=principal.user.name, role=principal.user.role,
                      csrf_token=principal.csrf_token, team=principal.team)
