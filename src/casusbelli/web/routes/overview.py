"""Overview: the verdict (which theory wins where) and every available analysis section."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from casusbelli import __version__
from casusbelli.pipeline import workspace_summary
from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import Health, Overview, TheoryStatus, VerdictRow, WorkspaceInfo
from casusbelli.web.views import section_out
from casusbelli.within.section import within_section

router = APIRouter(tags=["overview"], responses=AUTH_RESPONSES)

#: Sections the overview shows when their engine is installed, in data-flow order.
EXPECTED_SECTIONS = ("within", "cross", "discourse", "forecasts")


def workspace_info(state: AppState) -> WorkspaceInfo:
    """Name, description and content hash of the served workspace."""
    ws = state.ws
    return WorkspaceInfo(name=ws.name, description=ws.config.description,
                         content_hash=ws.content_hash, placeholder=ws.config.placeholder,
                         team=state.settings.team)


def _finite(v: float) -> float | None:
    return v if v == v and abs(v) != float("inf") else None


def build_overview(state: AppState) -> Overview:
    """The overview from the analysis run at start, with the within-case section recomputed
    on the edited workspace so ACH edits show at once."""
    ws = state.workspace()
    sections = dict(state.analysis.sections)
    within = within_section(ws, state.store.url)
    sections["within"] = within
    verdict = []
    wins: dict[str, list[str]] = {t: [] for t in ws.theory_ids}
    for cid, c in within.get("cases", {}).items():
        post = {h: round(float(p), 4) for h, p in c["posterior"].items()}
        best = max(post, key=lambda h: post[h]) if post else None
        if best is not None:
            wins.setdefault(best, []).append(cid)
        verdict.append(VerdictRow(case=cid, name=ws.cases[cid].name if cid in ws.cases else cid,
                                  items=c["items"], ach_ranking=list(c["ach_ranking"]),
                                  posterior=post, most_probable=best))
    order = [n for n in EXPECTED_SECTIONS if n in sections] + [
        n for n in sections if n not in EXPECTED_SECTIONS and n != "verdict"]
    audit = state.analysis.audit
    status = [] if audit is None else [
        TheoryStatus(theory=v.theory, status=v.status,
                     elpd_diff_vs_base=_finite(v.elpd_diff_vs_base), se=_finite(v.se),
                     weight=v.weight, weight_interval=v.weight_interval,
                     placebo_percentile=v.placebo_percentile, flags=list(v.flags))
        for v in audit.verdict]
    return Overview(
        workspace=workspace_info(state),
        counts=workspace_summary(ws)["counts"],
        theory_status=status,
        checks=audit.counts if audit is not None else {},
        verdict=verdict,
        wins=wins,
        sections=[section_out(n, sections[n]) for n in order],
        missing_sections=[n for n in EXPECTED_SECTIONS if n not in sections],
        warnings=list(state.analysis.warnings),
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, state: StateDep, principal: PrincipalDep) -> HTMLResponse:
    """The overview page."""
    return state.render(request, "overview.html", {"o": build_overview(state)})


@router.get("/api/v1/overview", response_model=Overview)
def overview_api(state: StateDep, principal: PrincipalDep) -> Overview:
    """The verdict per case and every available analysis section."""
    return build_overview(state)


#: Endpoints that need no sign-in.
meta_router = APIRouter(tags=["meta"])


@meta_router.get("/api/v1/health", response_model=Health)
def health(state: StateDep) -> Health:
    """A trivial answer: the server is up (no sign-in needed)."""
    return Health(workspace=state.ws.name, version=__version__)
