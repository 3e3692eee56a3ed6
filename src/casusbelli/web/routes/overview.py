"""Overview: the verdict (which theory wins where) and every available analysis section."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from casusbelli import __version__
from casusbelli.analysis.sections import Section
from casusbelli.analysis.within import WithinSection, within_section
from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import Health, Overview, TheoryStatus, VerdictRow, WorkspaceInfo
from casusbelli.web.views import section_out

router = APIRouter(tags=["overview"], responses=AUTH_RESPONSES)

#: Sections the overview shows when their engine is installed, in data-flow order.
EXPECTED_SECTIONS = ("within", "cross", "discourse", "forecasts")


def workspace_info(state: AppState) -> WorkspaceInfo:
    """Name, description and content hash of the served workspace."""
    ws = state.ws
    return WorkspaceInfo(name=ws.name, description=ws.config.description,
                         content_hash=ws.content_hash, placeholder=ws.config.placeholder,
                         team=state.settings.team)


def _within(state: AppState) -> WithinSection | None:
    """The within-case section: the analysis's, or, when ACH edits are saved, the same library
    call on the edited workspace (so an edit shows at once)."""
    ws, edits = state.edited()
    if edits:
        return within_section(ws, state.store.url)
    return state.analysis.within


def _theory_status(state: AppState) -> list[TheoryStatus]:
    """The audited rows of the analysis's verdict (read, never recomputed)."""
    verdict = state.analysis.verdict
    if verdict is None:
        return []
    return [TheoryStatus(theory=r.theory, status=r.status,
                         elpd_diff_vs_base=_finite(r.elpd_diff_vs_base), se=_finite(r.se),
                         weight=r.weight, weight_interval=r.weight_interval,
                         placebo_percentile=_placebo(state, r.theory), flags=list(r.flags))
            for r in verdict.theories.values()
            if r.weight is not None and r.weight_interval is not None]


def _finite(v: float | None) -> float | None:
    return v if v is not None and v == v and abs(v) != float("inf") else None


def _placebo(state: AppState, tid: str) -> float | None:
    audit = state.analysis.audit
    v = next((v for v in audit.verdict if v.theory == tid), None) if audit else None
    return v.placebo_percentile if v is not None else None


def build_overview(state: AppState) -> Overview:
    """The overview from the analysis run at start: the audited verdict as the analysis has it,
    the within-case results per case (with any saved ACH edits applied), every section."""
    within = _within(state)
    verdict = []
    wins: dict[str, list[str]] = {t: [] for t in state.ws.theory_ids}
    for cid, c in (within.cases if within is not None else {}).items():
        if c.most_probable is not None:
            wins.setdefault(c.most_probable, []).append(cid)
        verdict.append(VerdictRow(case=cid, name=state.ws.cases[cid].name
                                  if cid in state.ws.cases else cid,
                                  items=c.items, ach_ranking=list(c.ach_ranking),
                                  posterior=dict(c.posterior), most_probable=c.most_probable))
    sections: dict[str, Section] = dict(state.analysis.sections)
    if within is not None:
        sections["within"] = within
    order = [n for n in EXPECTED_SECTIONS if n in sections] + [
        n for n in sections if n not in EXPECTED_SECTIONS and n != "verdict"]
    audit = state.analysis.audit
    return Overview(
        workspace=workspace_info(state),
        counts=state.analysis.summary["counts"],
        theory_status=_theory_status(state),
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
