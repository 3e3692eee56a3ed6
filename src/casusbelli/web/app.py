"""Build the web application from settings: ``create_app(WebSettings(...))``; no global app.

On start the workspace is loaded, built into its store (``casusbelli.pipeline.analyze``, which
also runs every available analysis section once) and the store opened for the web journal
(ACH edits, users, sessions, audit log). The CLI (``casus serve``), the tests and the load
benchmark all build the app the same way.

Every app checks the ``Host`` header and the origin of writes against
``WebSettings.allowed_hosts`` and refuses unusable input before any route runs
(:mod:`casusbelli.web.hosts`, :mod:`casusbelli.web.inputs`); :func:`server_config` is the
uvicorn configuration ``casus serve`` runs it with.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from casusbelli import __version__
from casusbelli.config import Settings, default_store_url
from casusbelli.store.db import Store
from casusbelli.web.auth import ANON_COOKIE
from casusbelli.web.deps import AppState
from casusbelli.web.errors import install_error_handlers
from casusbelli.web.hosts import LOCAL_HOSTS, check_origin, install_host_checks
from casusbelli.web.inputs import check_input

__all__ = ["WebSettings", "create_app", "server_config"]

_HERE = Path(__file__).parent

#: Content-Security-Policy: no inline script at all; Vega compiles expressions with Function().
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


class WebSettings(BaseModel):
    """What ``casus serve`` passes to :func:`create_app`."""

    workspace: str | None = Field(default=None, description="Folder or built-in name.")
    db: str | None = Field(default=None, description="Store URL (default: beside the workspace).")
    team: bool = Field(default=False, description="Accounts, roles, sessions (team server).")
    secure_cookies: bool = Field(default=False, description="Mark cookies Secure (behind TLS).")
    login_max_failures: int = 5
    login_window_seconds: float = 300.0
    session_seconds: float = 7 * 86400.0
    analyze: bool = Field(default=True, description="Run the analysis sections at start.")
    sections: list[str] | None = Field(
        default=None, description="Only these analysis sections (default: all available).")
    allowed_hosts: list[str] = Field(
        default_factory=lambda: list(LOCAL_HOSTS),
        description="Host names the app answers to (``Host`` header) and accepts writes from "
                    "(``Origin``); ``*.example.org`` matches subdomains, ``*`` anything.")
    forwarded_allow_ips: list[str] = Field(
        default_factory=list,
        description="Proxies whose X-Forwarded-For names the client (addresses or networks); "
                    "empty: the socket's peer address is the client.")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Load and build the workspace, open its store, and return the FastAPI application.

    Long: the app factory wires every router, middleware and handler in one place, in order.
    """
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.pipeline import Analysis, analyze, workspace_summary
    from casusbelli.store.build import build_store
    from casusbelli.workspace.load import resolve_workspace

    settings = settings or WebSettings()
    root = resolve_workspace(settings.workspace)
    url = settings.db or default_store_url(root, Settings())
    if settings.analyze:
        analysis = analyze(root, db=url, sections=settings.sections)
        ws = analysis.ws or load_workspace(root)
    else:
        ws = load_workspace(root)
        report = build_store(ws, url)
        analysis = Analysis(workspace={"name": ws.name}, store=report.url,
                            build={"counts": report.counts}, summary=workspace_summary(ws))
    store = Store(url)
    store.check_schema()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.dispose()

    app = FastAPI(
        lifespan=lifespan,
        dependencies=[Depends(check_origin), Depends(check_input)],
        title="casusbelli",
        version=__version__,
        description="Rival explanations of military interventions, scored against cases, "
                    "evidence and rhetoric. Every page of the web app has a JSON twin here.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    state = AppState(settings=settings, root=root, ws=ws, store=store, analysis=analysis,
                     secret=secrets.token_bytes(32), templates_dir=_HERE / "templates")
    app.state.casus = state
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    from casusbelli.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)

    @app.middleware("http")
    async def _headers(request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        anon = request.cookies.get(ANON_COOKIE)
        fresh = not anon or len(anon) > 64
        request.state.anon = secrets.token_urlsafe(24) if fresh else anon
        response = await call_next(request)
        if fresh:
            response.set_cookie(ANON_COOKIE, request.state.anon, httponly=True, samesite="lax",
                                secure=settings.secure_cookies, path="/")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    install_host_checks(app, settings)  # outermost: a foreign Host gets nothing at all
    return app


def server_config(app: FastAPI, host: str = "127.0.0.1", port: int = 8000,
                  **kw: Any) -> Any:
    """The ``uvicorn.Config`` that ``casus serve`` runs ``app`` with.

    uvicorn's own proxy-header handling is off: by default it believes ``X-Forwarded-For`` from
    127.0.0.1, so any local client could choose the address the login rate limit counts. The
    app applies ``WebSettings.forwarded_allow_ips`` itself (:mod:`casusbelli.web.hosts`).
    """
    import uvicorn

    kw.setdefault("log_level", "info")
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, **kw)
