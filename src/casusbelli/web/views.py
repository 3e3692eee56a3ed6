"""Page data built from library calls, shared by each HTML page and its JSON twin.

Nothing here computes an analysis: scores come from :mod:`casusbelli.analysis.within`, the
typed sections from :func:`casusbelli.pipeline.analyze`, summaries from
:func:`casusbelli.pipeline.workspace_summary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from casusbelli.analysis.discourse import FrameRate
from casusbelli.analysis.sections import Section
from casusbelli.analysis.within import case_ach, case_trace, evidence_matrix
from casusbelli.errors import AnalysisError, UnknownIdError
from casusbelli.store.webstate import DEFAULT_ANALYST, AchEdit, edit_versions
from casusbelli.web.models import (
    AchCell,
    AchItem,
    AchOut,
    HypothesisScoreOut,
    SectionOut,
    SectionTable,
    SourceRefOut,
    TraceOut,
)

__all__ = ["ach_view", "case_or_404", "section_out", "source_refs", "trace_spec"]

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def case_or_404(ws: Any, case_id: str) -> Any:
    """The case, or :class:`UnknownIdError` (404)."""
    case = ws.cases.get(case_id)
    if case is None:
        raise UnknownIdError(f"no case {case_id!r}", field="case",
                             hint="the cases page lists every case id")
    return case


def source_refs(ws: Any, refs: Any) -> list[SourceRefOut]:
    """Citations with their bibliography title and year."""
    out = []
    for r in refs or []:
        src = ws.sources.get(r.source)
        out.append(SourceRefOut(source=r.source, locator=r.locator,
                                title=src.title if src else None,
                                year=src.year() if src else None))
    return out


def section_out(name: str, sec: Section) -> SectionOut:
    """A typed section of ``casus analyze`` as a response model (its tables and lines, exact
    numbers; the HTML rounds them)."""
    tables = [SectionTable(title=t.title, columns=list(t.columns), rows=[list(r) for r in t.rows])
              for t in sec.tables]
    return SectionOut(name=name, title=sec.title, lines=list(sec.lines), tables=tables,
                      error=sec.error)


def _scores(res: Any) -> list[HypothesisScoreOut]:
    return [HypothesisScoreOut(**h.to_dict()) for h in res.hypotheses]


def ach_view(ws: Any, case_id: str, analyst: str, edits: list[AchEdit]) -> AchOut:
    """The ACH matrix of ``case_id`` as ``analyst`` edits it, with scores and process tracing.

    ``ws`` already has the saved edits applied (:func:`~casusbelli.store.webstate.apply_edits`);
    ``edits`` gives each cell's version for optimistic locking. An analyst without a column of
    their own yet sees (and starts from) the workspace's default ratings. The case's evidence
    matrix is built once and gives the analyst's scores, the pooled scores and the tracing.
    """
    ev = ws.evidence.get(case_id)
    if ev is None:
        raise UnknownIdError(f"no evidence for case {case_id!r}", field="case")
    hyps = list(ev.hypotheses or ws.theory_ids)
    versions = edit_versions(e for e in edits if e.case_id == case_id)
    everyone = evidence_matrix(ws, case_id)
    own = analyst if analyst in everyone.analysts else DEFAULT_ANALYST
    res = case_ach(ws, case_id, own, matrix=everyone)
    pooled = case_ach(ws, case_id, matrix=everyone) if len(everyone.analysts) > 1 else None
    items = []
    for i, item in enumerate(ev.items):
        col = item.ratings if own == DEFAULT_ANALYST else (item.analysts or {}).get(own, {})
        cells = [AchCell(hypothesis=h, value=str(col.get(h, "NA")),
                         version=versions.get((case_id, item.id, "rating", h, analyst), 0))
                 for h in hyps]
        score = res.items[i]
        items.append(AchItem(
            id=item.id, text=item.text, kind=item.kind, date=item.date,
            credibility=item.credibility,
            credibility_version=versions.get((case_id, item.id, "credibility", "", ""), 0),
            relevance=item.relevance,
            relevance_version=versions.get((case_id, item.id, "relevance", "", ""), 0),
            sources=source_refs(ws, item.sources), ratings=cells,
            diagnosticity=round(float(score.diagnosticity), 3), linchpin=bool(score.linchpin)))
    trace, trace_error = None, None
    try:
        tr = case_trace(ws, case_id, matrix=everyone)
        d = tr.to_dict()
        steps = ["prior", *(c.id for c in tr.clusters)]
        rows = [tr.prior.tolist(), *(c.posterior_after.tolist() for c in tr.clusters)]
        path = [{"step": f"{k} {s}", "item": s, "hypothesis": h, "posterior": float(p)}
                for k, (s, row) in enumerate(zip(steps, rows, strict=True))
                for h, p in zip(tr.hypotheses, row, strict=True)]
        trace = TraceOut(hypotheses=list(tr.hypotheses), prior=d["prior"],
                         posterior=d["posterior"], path=path,
                         most_influential=list(tr.most_influential[:3]),
                         decision_date=d["decision_date"],
                         posterior_before_decision=d["posterior_before_decision"],
                         leader=d["sensitivity"]["leader"],
                         leader_band=d["sensitivity"]["leader_band"])
    except AnalysisError as exc:
        trace_error = str(exc)
    return AchOut(
        case=case_id, analyst=analyst, analysts=list(everyone.analysts), hypotheses=hyps,
        items=items, scores=_scores(res), top=list(res.top),
        pooled_scores=_scores(pooled) if pooled else None,
        pooled_top=list(pooled.top) if pooled else None,
        trace=trace, trace_error=trace_error)


def trace_spec(trace: TraceOut, title: str) -> dict[str, Any]:
    """Vega-Lite spec: the posterior of each hypothesis after each evidence item."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": trace.path},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "step", "type": "ordinal", "sort": None, "title": "after item"},
            "y": {"field": "posterior", "type": "quantitative", "scale": {"domain": [0, 1]},
                  "title": "posterior probability"},
            "color": {"field": "hypothesis", "type": "nominal"},
            "tooltip": [{"field": "item"}, {"field": "hypothesis"},
                        {"field": "posterior", "format": ".3f"}],
        },
    }


def frames_spec(records: Sequence[FrameRate], corpus: str) -> dict[str, Any]:
    """Vega-Lite spec: frame rate per 10,000 tokens by window, one line per frame."""
    values = [{"window": r.window, "frame": r.frame, "rate": r.rate}
              for r in records if r.rate is not None]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": f"Frame rates per 10,000 tokens — {corpus}",
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "window", "type": "ordinal", "title": "year"},
            "y": {"field": "rate", "type": "quantitative", "title": "per 10,000 tokens"},
            "color": {"field": "frame", "type": "nominal"},
            "tooltip": [{"field": "window"}, {"field": "frame"},
                        {"field": "rate", "format": ".1f"}],
        },
    }
