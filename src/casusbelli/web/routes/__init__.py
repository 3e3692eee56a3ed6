"""One ``APIRouter`` per page; each page's HTML route and its ``/api/v1/`` twin live together."""

from casusbelli.web.routes import (
    audit,
    case,
    cases,
    forecasts,
    frames,
    login,
    overview,
    qca,
    theories,
)

ROUTERS = [overview.meta_router, overview.router, theories.router, cases.router, case.router,
           qca.router, frames.router, forecasts.router, login.router, audit.router]

__all__ = ["ROUTERS"]
