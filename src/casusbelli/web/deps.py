"""Request dependencies as ``Annotated`` aliases, so each route's signature says what it needs.

``StateDep`` (the app's workspace, store and analysis), ``PrincipalDep`` (who is asking, and
their CSRF token), ``WriterDep`` (a POST with a valid CSRF token from a user who may write).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from casusbelli import __version__
from casusbelli.analysis.sections import sig3
from casusbelli.pipeline import Analysis
from casusbelli.store.db import Store
from casusbelli.store.webstate import AchEdit, apply_edits, list_edits, session_user
from casusbelli.web.auth import (
    SESSION_COOKIE,
    AuthRequiredError,
    Principal,
    anonymous_csrf,
    check_csrf,
    local_principal,
)
from casusbelli.workspace.load import Workspace

if TYPE_CHECKING:
    from casusbelli.web.app import WebSettings

__all__ = ["AppState", "PrincipalDep", "StateDep", "WriterDep", "get_principal", "get_state"]


@dataclass
class AppState:
    """Everything a request needs: settings, the loaded workspace, the store, the analysis."""

    settings: WebSettings
    root: Path
    ws: Workspace
    store: Store
    analysis: Analysis
    secret: bytes
    templates_dir: Path
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        # autoescape on for every template: evidence text is hostile until escaped
        self.env = Environment(loader=FileSystemLoader(self.templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(version=__version__, team=self.settings.team,
                                workspace_name=self.ws.name)
        # numbers for reading: 3 significant digits (the JSON twins keep them exact)
        self.env.filters["num"] = sig3

    @property
    def workspace_name(self) -> str:
        """The workspace's name (``casus.toml``): the key of its rows in the store's journal."""
        return str(self.ws.name)

    def edits(self, case_id: str | None = None) -> list[AchEdit]:
        """This workspace's saved ACH edits (of one case, or of all)."""
        return list_edits(self.store, case_id, workspace=self.workspace_name)

    def edited(self, case_id: str | None = None) -> tuple[Workspace, list[AchEdit]]:
        """The saved ACH edits (of one case, or of all) and the workspace with them applied,
        from one read of the store (the files are not touched).

        With ``case_id`` only that case's edits are read and applied: the other cases'
        evidence is the files' (a page of one case reads nothing else).
        """
        edits = self.edits(case_id)
        ws: Workspace = apply_edits(self.ws, edits)
        return ws, edits

    def workspace(self) -> Workspace:
        """The workspace with all its saved ACH edits applied (the files are not touched)."""
        return self.edited()[0]

    def render(self, request: Request, name: str, context: dict[str, Any], *,
               status_code: int = 200, headers: dict[str, str] | None = None,
               partial: bool = False) -> HTMLResponse:
        """Render a template; ``partial`` renders the ``_name`` fragment htmx swaps in."""
        principal = getattr(request.state, "principal", None)
        ctx = {"request": request, "principal": principal,
               "csrf_token": principal.csrf_token if principal else
               anonymous_csrf(self.secret, request.state.anon),
               "path": request.url.path, **context}
        template = "_" + name if partial and not name.startswith("_") else name
        html = self.env.get_template(template).render(ctx)
        return HTMLResponse(html, status_code=status_code, headers=headers)


def get_state(request: Request) -> AppState:
    """The application's state."""
    state: AppState = request.app.state.casus
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_principal(request: Request, state: StateDep) -> Principal:
    """Who is asking: the local user, or the signed-in account on a team server."""
    if not state.settings.team:
        p = local_principal(anonymous_csrf(state.secret, request.state.anon))
    else:
        token = request.cookies.get(SESSION_COOKIE, "")
        found = (session_user(state.store, token, workspace=state.workspace_name)
                 if token else None)
        if found is None:
            raise AuthRequiredError("sign in to use this team server",
                                    hint="POST /api/v1/session or open /login")
        user, csrf = found
        p = Principal(user, csrf, team=True, session_token=token)
    request.state.principal = p
    return p


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_csrf(request: Request, principal: PrincipalDep) -> Principal:
    """Refuse a write without the CSRF token (header ``X-CSRF-Token`` or form ``csrf_token``)."""
    sent = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    check_csrf(principal.csrf_token, sent)
    return principal


WriterDep = Annotated[Principal, Depends(require_csrf)]
