"""The report's parts built from the typed analysis: within-case, cross-case (QCA per theory
with XY plots), robustness, frames over time, forecasts.

Each function reads the fields of one typed section (:mod:`casusbelli.analysis`) and the
workspace, and returns the template's context for that part; it never recomputes a number and
never searches the JSON.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from casusbelli.report import charts
from casusbelli.report.context import ChartRef, Charts, iso_date
from casusbelli.report.xy import xy_plot
from casusbelli.workspace.load import Workspace

if TYPE_CHECKING:
    from casusbelli.analysis.audit import Audit
    from casusbelli.analysis.cross import CasePoint, CrossSection, QcaResult
    from casusbelli.analysis.discourse import DiscourseSection
    from casusbelli.analysis.forecasts import ForecastSection
    from casusbelli.analysis.within import WithinSection

__all__ = ["MIN_WINDOW_TOKENS", "cross_part", "discourse_part", "forecasts_part",
           "robustness_part", "within_part"]

#: A window with fewer tokens than this is left out of the frames chart (a rate over a handful
#: of documents is noise: one 2015 page of 496 tokens would otherwise dwarf every other year).
MIN_WINDOW_TOKENS = 20_000


def _ratings(item: Any, hyps: list[str]) -> list[dict[str, Any]]:
    return [dict(h=h, rating=item.ratings.get(h, "NA"),
                 colour=charts.ACH_COLOURS.get(item.ratings.get(h, "NA"), "#fff"))
            for h in hyps]


def within_part(ws: Workspace, sec: WithinSection | None, ch: Charts) -> list[dict[str, Any]]:
    """Per evidence set: the ACH matrix, the case's ACH scores and its posterior chart."""
    labels = {t: ws.theories[t].name for t in ws.theories}
    out = []
    for key, es in ws.evidence.items():
        case_id = es.case or key
        hyps = list(es.hypotheses or ws.theory_ids)
        name = ws.cases[case_id].name if case_id in ws.cases else case_id
        rows = [dict(id=it.id, text=it.text, kind=it.kind, date=it.date,
                     credibility=it.credibility, relevance=it.relevance, note=it.note,
                     sources=[dict(source=s.source, locator=s.locator) for s in it.sources],
                     ratings=_ratings(it, hyps)) for it in es.items]
        block: dict[str, Any] = dict(case=case_id, name=name, rows=rows, scores=None,
                                     posterior=None, chart=None, diagnosticity={},
                                     hypotheses=[dict(id=h, name=labels.get(h, h))
                                                 for h in hyps])
        res = sec.cases.get(case_id) if sec is not None else None
        if res is not None:
            block["scores"] = [dict(hypothesis=h, inconsistency=a.inconsistency,
                                    weighted_inconsistency=a.weighted_inconsistency, rank=a.rank)
                               for h, a in sorted(res.ach.items(), key=lambda kv: kv[1].rank)]
            block["diagnosticity"] = dict(res.diagnosticity)
            if res.posterior:
                block["posterior"] = dict(res.posterior)
                title = f"Posterior: {name}"
                block["chart"] = ch.add(title, partial(charts.posterior_chart,
                                                       dict(res.posterior), labels=labels,
                                                       title=title))
        out.append(block)
    return out


def _xy(ch: Charts, title: str, points: tuple[CasePoint, ...], x_title: str,
        outcome: str) -> ChartRef | None:
    if not points:
        return None
    pts = [p.to_dict() for p in points]
    return ch.add(title, lambda: xy_plot(pts, x_title=x_title, y_title=outcome, title=title))


def _qca_theory(ws: Workspace, q: QcaResult, ch: Charts) -> dict[str, Any]:
    """One theory's QCA for the report: solution, terms, path fit and their XY plots."""
    th = ws.theories[q.theory]
    row: dict[str, Any] = dict(theory=q.theory, name=th.name, n=q.n, left_out=q.left_out,
                               conditions=list(q.conditions), error=q.error,
                               dropped=dict(q.dropped_conditions), solution=q.solution,
                               expected=q.expected, solution_chart=None, path_chart=None)
    if q.solution is not None:
        title = f"Solution {q.solution.expression} ({th.name}, n = {q.n})"
        row["solution_chart"] = _xy(ch, title, q.solution.points,
                                    f"membership in {q.solution.expression}", ws.outcome)
    if q.expected is not None and q.expected.error is None:
        title = f"{th.name}: {q.expected.expression} (n = {q.expected.n})"
        row["path_chart"] = _xy(ch, title, q.expected.points,
                                f"membership in {q.expected.expression}", ws.outcome)
    return row


def cross_part(ws: Workspace, sec: CrossSection | None, ch: Charts) -> dict[str, Any]:
    """QCA per theory (solutions with their XY plots, expected paths with theirs)."""
    if sec is None:
        return dict(theories=[], settings={})
    return dict(theories=[_qca_theory(ws, q, ch) for q in sec.qca],
                settings=dict(sec.qca_settings))


def robustness_part(audit: Audit | None, ch: Charts) -> dict[str, Any]:
    """Charts of the audit's robustness data (leave one out, placebos, unknowns shifted)."""
    out: dict[str, Any] = dict(counts=None, loio=None, placebo=[], sensitivity=[], checks=[])
    if audit is None:
        return out
    out["counts"] = audit.counts
    out["checks"] = [c for c in audit.checks if c.status != "pass"]
    rob = audit.robustness or {}
    loio = {t: r["loio"] for t, r in rob.items() if r.get("loio")}
    if loio:
        out["loio"] = ch.add("Leave one indicator out", lambda: charts.loio_chart(loio))
    for t, r in rob.items():
        if r.get("placebo_gains"):
            title = f"{t}: placebo theories with the same unknown cells"
            out["placebo"].append(ch.add(title, partial(charts.placebo_chart,
                                                        r["placebo_gains"], r["gain"],
                                                        title=title)))
        if r.get("sensitivity"):
            title = f"{t}: z vs base with unknowns shifted"
            out["sensitivity"].append(ch.add(title, partial(charts.sensitivity_chart,
                                                            r["sensitivity"], title=title)))
    return out


def discourse_part(ws: Workspace, sec: DiscourseSection | None, ch: Charts) -> dict[str, Any]:
    """The frames-over-time chart from the section's frame rates (thin windows left out)."""
    out: dict[str, Any] = dict(chart=None, rows=0, frames=[], thin_windows=0)
    if sec is None:
        return out
    rows: list[dict[str, Any]] = []
    for corpus, records in sec.corpora.items():
        for r in records:
            if r.rate is None:
                continue
            if r.tokens < MIN_WINDOW_TOKENS:
                out["thin_windows"] += 1
                continue
            frame = f"{r.frame} ({corpus})" if len(sec.corpora) > 1 else r.frame
            rows.append(dict(date=iso_date(r.window), frame=frame, rate=r.rate))
    if not rows:
        return out
    events = [dict(date=iso_date(c.start), label=c.name)
              for c in ws.cases.values() if c.kind == "intervention"]
    out["rows"] = len(rows)
    out["frames"] = sorted({r["frame"] for r in rows})
    title = (f"Frames over time (rate per 10,000 tokens; windows under {MIN_WINDOW_TOKENS:,} "
             "tokens left out)")
    out["chart"] = ch.add(title, lambda: charts.frames_chart(rows, events=events, title=title))
    return out


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _question(ws: Workspace, qid: str, sec: ForecastSection | None,
              chart_rows: list[dict[str, Any]]) -> dict[str, Any]:
    q = ws.questions[qid]
    ensemble = _number(sec.ensemble(qid)) if sec is not None else None
    per = []
    for tid in ws.theory_ids:
        f = q.forecasts.get(tid)
        p = _number(f.value) if f is not None else None
        name = ws.theories[tid].name
        per.append(dict(theory=tid, name=name, p=p, value=None if f is None else f.value,
                        rationale="" if f is None else f.rationale))
        if q.type == "binary" and p is not None:
            chart_rows.append(dict(question=q.title[:70], theory=name, p=p))
    if q.type == "binary" and ensemble is not None:
        chart_rows.append(dict(question=q.title[:70], theory="ensemble", p=ensemble))
    return dict(id=qid, title=q.title, type=q.type, criteria=q.criteria, opens=q.opens,
                closes=q.closes, retrospective=q.retrospective, forecasts=per,
                ensemble=ensemble, resolution=None if q.resolution is None else
                dict(outcome=q.resolution.outcome, date=q.resolution.date))


def forecasts_part(ws: Workspace, sec: ForecastSection | None, ch: Charts) -> dict[str, Any]:
    """Questions with each theory's forecast and the ensemble, scores, calibration."""
    chart_rows: list[dict[str, Any]] = []
    questions = [_question(ws, qid, sec, chart_rows) for qid in ws.questions]
    out: dict[str, Any] = dict(questions=questions, chart=None, scores=[], calibration=None)
    if chart_rows:
        out["chart"] = ch.add("Forecasts by theory", lambda: charts.forecast_chart(chart_rows))
    if sec is None or sec.scores is None:
        return out
    out["scores"] = [dict(who=f"{s['forecaster']} ({s['group']}, {s['sample']})",
                          brier=s.get("brier"), log=s.get("log"), n=s.get("n"))
                     for s in sec.scores.summary]
    bins = [dict(forecast=b["mean_forecast"], observed=b["observed_rate"], n=b["n"], series=who)
            for who, table in sec.scores.calibration.items() for b in table
            if b.get("mean_forecast") is not None and b.get("observed_rate") is not None]
    if bins:
        out["calibration"] = ch.add("Calibration", lambda: charts.calibration_chart(bins))
    return out
