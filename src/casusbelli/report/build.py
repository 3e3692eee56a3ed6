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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from casusbelli import __version__
from casusbelli.analysis.measured import load_workspace
from casusbelli.analysis.sections import sig3
from casusbelli.errors import CasusError
from casusbelli.report import context as wsctx
from casusbelli.report import parts
from casusbelli.report.citations import DEFAULT_STYLE, BibEntry, format_bibliography
from casusbelli.report.context import ChartRef, Charts
from casusbelli.workspace.load import Workspace

if TYPE_CHECKING:
    from casusbelli.pipeline import Analysis

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

@dataclass
class Report:
    """A rendered report: the HTML, its charts and what was not available."""

    html: str
    charts: list[ChartRef]
    unavailable: dict[str, str]
    content_hash: str
    context: dict[str, Any] = field(repr=False, default_factory=dict)


# --------------------------------------------------------------------------- public API
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("casusbelli.report", "templates"),
        autoescape=True,  # evidence text is hostile until escaped: never turn this off
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # numbers for reading: 3 significant digits (``casus analyze --json`` keeps them exact)
    env.filters["num"] = sig3
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


def _unavailable(analysis: Analysis) -> dict[str, str]:
    """Why each section the report knows is missing (not installed, or its engine failed)."""
    out = {}
    for name in SECTION_TITLES:
        sec = analysis.sections.get(name)
        if sec is None:
            out[name] = ("this analysis engine is not part of this installation (no section "
                         "produced)")
        elif sec.error is not None:
            out[name] = f"the engine could not run: {sec.error}"
    return out


def _analysis_context(analysis: Analysis, ws: Workspace, ch: Charts) -> dict[str, Any]:
    """The parts of the context read from the typed analysis."""
    sections = analysis.sections
    return dict(
        verdict=analysis.verdict, audit=analysis.audit,
        within=parts.within_part(ws, analysis.within, ch),
        cross=parts.cross_part(ws, analysis.cross, ch),
        discourse=parts.discourse_part(ws, analysis.discourse, ch),
        forecasts=parts.forecasts_part(ws, analysis.forecasts, ch),
        robustness=parts.robustness_part(analysis.audit, ch),
        sections={k: sections.get(k) for k in SECTION_TITLES},
        raw_sections={k: {a: b for a, b in sections[k].to_dict().items()
                          if a not in ("title", "lines", "tables")}
                      for k in SECTION_TITLES if k in sections},
        extra_sections={k: v for k, v in sections.items()
                        if k not in SECTION_TITLES and k != "verdict"},
        unavailable=_unavailable(analysis))


def _workspace_context(ws: Workspace, style: str) -> dict[str, Any]:
    """The parts of the context read from the workspace itself."""
    cited = wsctx.cited_sources(ws)
    bib: list[BibEntry] = format_bibliography(
        [s for sid, s in ws.sources.items() if sid in cited], style=style)
    cases, indicators = wsctx.cases_and_indicators(ws)
    return dict(config=ws.config, theories=wsctx.theories(ws), cases=cases,
                indicators=indicators, bib=bib,
                bib_index={b.id: i + 1 for i, b in enumerate(bib)}, style=style,
                content_hash=ws.content_hash, outcome=ws.outcome)


def build_report(
    workspace: str | Path | None = None,
    *,
    analysis: Analysis | None = None,
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
    ch = Charts()
    context: dict[str, Any] = dict(
        title=f"casusbelli report: {ws.name}", ws=analysis.workspace,
        summary=analysis.summary, warnings=list(analysis.warnings),
        **_workspace_context(ws, style), **_analysis_context(analysis, ws, ch))
    if progress:
        progress(1, None, "report: collected")
    vendor, vendor_versions = wsctx.vendor_js()
    context.update(
        section_titles=SECTION_TITLES, chart_problems=ch.problems, charts=ch.items,
        chart_specs={c.id: wsctx.json_script(c.spec) for c in ch.items},
        versions=wsctx.versions(), vendor_js=vendor, vendor_versions=vendor_versions,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        casusbelli_version=__version__)
    html_text = render_html(context, static=static)
    return Report(html=html_text, charts=ch.items, unavailable=context["unavailable"],
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
