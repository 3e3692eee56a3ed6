"""Frames: discourse frames, their rates over time (chart) and measured indicators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from casusbelli.web.deps import AppState, PrincipalDep, StateDep
from casusbelli.web.errors import AUTH_RESPONSES
from casusbelli.web.models import FramesOut, KwicLineOut, KwicOut
from casusbelli.web.views import frames_spec, section_out

router = APIRouter(tags=["frames"], responses=AUTH_RESPONSES)


def _corpus_store(state: AppState) -> Any:
    from casusbelli.config import workspace_data_dir
    from casusbelli.sources import CorpusStore

    return CorpusStore(workspace_data_dir(state.root) / "corpora")


def build_kwic(state: AppState, frame: str, corpus: str, limit: int) -> KwicOut:
    """KWIC lines of ``frame`` in the ingested ``corpus`` (library: analysis.discourse_ops)."""
    from casusbelli.config import workspace_data_dir
    from casusbelli.analysis.discourse_ops import kwic_lines
    from casusbelli.errors import AnalysisError

    store = _corpus_store(state)
    names = store.names()
    if corpus not in names:
        raise AnalysisError(f"no ingested corpus {corpus!r}", field="corpus",
                            hint="casus ingest corpus FILE --name NAME ... (KWIC needs the texts)")
    lines = kwic_lines(state.ws, store, corpus, frame, limit=limit,
                       cache_dir=workspace_data_dir(state.root) / "lexicon-cache")
    return KwicOut(frame=frame, corpus=corpus, corpora=names,
                   lines=[KwicLineOut(doc_id=ln.doc_id, date=ln.date, title=ln.title,
                                      offset=ln.offset, left=ln.left, match=ln.match,
                                      right=ln.right, frame=ln.frame) for ln in lines])


def build_frames(state: AppState) -> FramesOut:
    """Frame definitions from the workspace, rates from the ``discourse`` section."""
    ws = state.ws
    frames = [{"id": fid, "label": fr.label,
               "description": getattr(fr, "description", "") or ""}
              for fid, fr in ws.frames.items()]
    sec = state.analysis.discourse
    if sec is None:
        return FramesOut(available=False, frames=frames)
    chart = None
    if sec.corpora:
        name, records = next(iter(sec.corpora.items()))
        chart = frames_spec(records, name)
    return FramesOut(available=True, frames=frames, section=section_out("discourse", sec),
                     chart=chart)


@router.get("/frames", response_class=HTMLResponse, include_in_schema=False)
def frames_page(request: Request, state: StateDep, principal: PrincipalDep) -> HTMLResponse:
    """The frames page."""
    return state.render(request, "frames.html",
                        {"fr": build_frames(state), "corpora": _corpus_store(state).names()})


FrameQ = Annotated[str, Query(max_length=80, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
CorpusQ = Annotated[str, Query(max_length=80)]
LimitQ = Annotated[int, Query(ge=1, le=500)]


@router.get("/frames/kwic", response_class=HTMLResponse, include_in_schema=False)
def kwic_page(request: Request, state: StateDep, principal: PrincipalDep, frame: FrameQ,
              corpus: CorpusQ, limit: LimitQ = 50) -> HTMLResponse:
    """Keyword in context: the hits of a frame, to check what was counted (htmx partial)."""
    partial = request.headers.get("hx-request") == "true"
    kw = build_kwic(state, frame, corpus, limit)
    return state.render(request, "kwic.html", {"kw": kw}, partial=partial)


@router.get("/api/v1/frames/kwic", response_model=KwicOut)
def kwic_api(state: StateDep, principal: PrincipalDep, frame: FrameQ, corpus: CorpusQ,
             limit: LimitQ = 50) -> KwicOut:
    """Keyword-in-context lines of a frame in an ingested corpus."""
    return build_kwic(state, frame, corpus, limit)


@router.get("/api/v1/frames", response_model=FramesOut)
def frames_api(state: StateDep, principal: PrincipalDep) -> FramesOut:
    """Frames and their rates, or ``available: false``."""
    return build_frames(state)


@router.get("/api/v1/frames/chart.vl.json", response_model=dict[str, Any])
def frames_chart(state: StateDep, principal: PrincipalDep,
                 corpus: Annotated[str | None, Query(max_length=80)] = None) -> dict[str, Any]:
    """Vega-Lite spec of frame rates over time (empty when there is no corpus)."""
    sec = state.analysis.discourse
    corpora = sec.corpora if sec is not None else {}
    if corpus is None and corpora:
        corpus = next(iter(corpora))
    return frames_spec(corpora.get(corpus or "", ()), corpus or "none")
