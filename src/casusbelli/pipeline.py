"""Run the stages in data-flow order: load -> build -> within-case -> cross-case -> forecasts.

:func:`analyze` is what ``casus analyze`` calls; it reports progress through a callback so the
library never imports rich. Each engine contributes one *section* to the result; a section whose
engine cannot run (no evidence, too few cases) says why instead of failing the whole analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casusbelli import __version__
from casusbelli.analysis.measured import load_workspace
from casusbelli.analysis.section_cache import SectionCache
from casusbelli.analysis.sections import FailedSection, Section, as_section
from casusbelli.config import Settings, default_store_url
from casusbelli.errors import AnalysisError
from casusbelli.store.build import BuildReport, build_store
from casusbelli.workspace.load import Workspace, resolve_workspace

if TYPE_CHECKING:
    from casusbelli.analysis.audit import Audit
    from casusbelli.analysis.cross import CrossSection
    from casusbelli.analysis.discourse import DiscourseSection
    from casusbelli.analysis.forecasts import ForecastSection
    from casusbelli.analysis.within import WithinSection
    from casusbelli.verdict import VerdictSection

__all__ = ["SCHEMA_VERSION", "Analysis", "analyze", "register_section", "workspace_summary"]

#: Version of the JSON document ``casus analyze --json`` prints; bumped on breaking changes.
#: 2: the audit (checks and per-theory statuses) is part of the document, and the verdict
#: section reads it.
#: 3: every section is a typed result (:mod:`casusbelli.analysis`) and its JSON is that
#: object's ``to_dict()``: a theory's QCA gives ``n`` and the list of its ``cases`` (``cases``
#: was a count), its solution's ``PRI``, ``terms`` (with inclS, PRI, covS, covU and cases) and
#: ``points`` (each case's membership in the solution and the outcome), and the expected path
#: its ``n``, ``cases`` and ``points``; the verdict's rows carry the path's fit; a failed
#: section keeps its ``title``.
SCHEMA_VERSION = 3

Progress = Callable[[int, int | None, str], None]
SectionFn = Callable[[Workspace, str, Progress | None], "Section | dict[str, Any]"]

_SECTIONS: list[tuple[str, str]] = [
    # (name, "module:function"); imported lazily so a missing optional engine is reported
    ("within", "casusbelli.analysis.within:within_section"),
    ("cross", "casusbelli.analysis.cross:cross_section"),
    ("discourse", "casusbelli.analysis.discourse:discourse_section"),
    ("forecasts", "casusbelli.analysis.forecasts:forecast_section"),
]


def register_section(name: str, target: str) -> None:
    """Add an analysis section ``name`` computed by ``"module:function"``.

    The function returns a :class:`~casusbelli.analysis.sections.Section` (or a mapping with
    ``title``, ``lines`` and ``tables``, wrapped in a
    :class:`~casusbelli.analysis.sections.GenericSection`).
    """
    _SECTIONS.append((name, target))


@dataclass
class Analysis:
    """The result of :func:`analyze`: a summary plus one typed section per engine.

    The CLI, the report and the web app render these objects (``within``, ``cross``,
    ``discourse``, ``forecasts`` and ``verdict`` give each typed section, or ``None`` when it
    did not run or failed); none of them recomputes a number.
    """

    workspace: dict[str, Any]
    store: str
    build: dict[str, Any]
    summary: dict[str, Any]
    sections: dict[str, Section] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: the audit of the cross-case verdict (``None`` when not run); the verdict reads it
    audit: Audit | None = None
    #: the loaded workspace (not part of the JSON document), so callers need not load it again
    ws: Workspace | None = field(default=None, repr=False, compare=False)

    @property
    def within(self) -> WithinSection | None:
        """The within-case section (``None``: not run, or its engine failed)."""
        from casusbelli.analysis.within import WithinSection

        sec = self.sections.get("within")
        return sec if isinstance(sec, WithinSection) else None

    @property
    def cross(self) -> CrossSection | None:
        """The cross-case section (``None``: not run, or its engine failed)."""
        from casusbelli.analysis.cross import CrossSection

        sec = self.sections.get("cross")
        return sec if isinstance(sec, CrossSection) else None

    @property
    def discourse(self) -> DiscourseSection | None:
        """The discourse section (``None``: not run, or its engine failed)."""
        from casusbelli.analysis.discourse import DiscourseSection

        sec = self.sections.get("discourse")
        return sec if isinstance(sec, DiscourseSection) else None

    @property
    def forecasts(self) -> ForecastSection | None:
        """The forecasts section (``None``: not run, or its engine failed)."""
        from casusbelli.analysis.forecasts import ForecastSection

        sec = self.sections.get("forecasts")
        return sec if isinstance(sec, ForecastSection) else None

    @property
    def verdict(self) -> VerdictSection | None:
        """The verdict (``None``: not run, or its engine failed)."""
        from casusbelli.verdict import VerdictSection

        sec = self.sections.get("verdict")
        return sec if isinstance(sec, VerdictSection) else None

    def to_dict(self) -> dict[str, Any]:
        """A stable JSON document (``schema_version`` says its shape)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "casusbelli_version": __version__,
            "workspace": self.workspace,
            "store": self.store,
            "build": self.build,
            "summary": self.summary,
            "sections": {name: sec.to_dict() for name, sec in self.sections.items()},
            "audit": self.audit.to_dict() if self.audit is not None else None,
            "warnings": self.warnings,
        }


def _theory_coverage(ws: Workspace) -> list[dict[str, Any]]:
    """Per theory: its indicators, paths and the share of its codings that are known."""
    out = []
    for tid in ws.theory_ids:
        th = ws.theories[tid]
        own = ws.indicators_of(tid)
        known = sum(1 for c in ws.cases.values() for i in own
                    if i in c.codings and c.codings[i].value is not None)
        share = round(known / (len(own) * len(ws.cases)), 3) if own and ws.cases else None
        out.append(dict(id=tid, name=th.name, indicators=own, paths=th.paths,
                        coded_share=share))
    return out


def _case_coverage(ws: Workspace) -> list[dict[str, Any]]:
    """Per case: known, unknown and missing codings."""
    out = []
    for cid, c in ws.cases.items():
        known = sum(1 for cd in c.codings.values() if cd.value is not None)
        out.append(dict(id=cid, name=c.name, kind=c.kind, start=c.start, end=c.end,
                        target=c.target, coded=known, unknown=len(c.codings) - known,
                        missing=len(ws.indicators) - len(c.codings)))
    return out


def workspace_summary(ws: Workspace) -> dict[str, Any]:
    """Counts and per-theory, per-case coverage of a workspace (no I/O)."""
    n_codings = sum(len(c.codings) for c in ws.cases.values())
    n_null = sum(1 for c in ws.cases.values() for cd in c.codings.values() if cd.value is None)
    return {
        "counts": {
            "cases": len(ws.cases),
            "interventions": sum(1 for c in ws.cases.values() if c.kind == "intervention"),
            "negative": sum(1 for c in ws.cases.values() if c.kind == "negative"),
            "indicators": len(ws.indicators),
            "theories": len(ws.theories),
            "sources": len(ws.sources),
            "codings": n_codings,
            "unknown_codings": n_null,
            "missing_codings": len(ws.cases) * len(ws.indicators) - n_codings,
            "evidence_sets": len(ws.evidence),
            "evidence_items": sum(len(e.items) for e in ws.evidence.values()),
            "questions": len(ws.questions),
            "frames": len(ws.frames),
        },
        "theories": _theory_coverage(ws),
        "cases": _case_coverage(ws),
    }


def _load_section(target: str) -> SectionFn | None:
    import importlib

    module, _, fn = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None  # the engine is not part of this installation yet
        raise
    result: SectionFn = getattr(mod, fn)
    return result


def _new_analysis(ws: Workspace, root: Path, report: BuildReport) -> Analysis:
    """An analysis with the workspace's identity, the build and the summary, no section yet."""
    result = Analysis(
        workspace=dict(name=ws.name, description=ws.config.description,
                       placeholder=ws.config.placeholder, content_hash=ws.content_hash,
                       path=str(root)),
        store=report.url,
        build=dict(counts=report.counts, seconds=round(report.seconds, 3)),
        summary=workspace_summary(ws),
        ws=ws,
    )
    if ws.config.placeholder:
        result.warnings.append("this workspace is marked as placeholder content, not a real coding")
    return result


def _run_sections(result: Analysis, ws: Workspace, url: str, sections: list[str] | None,
                  progress: Progress | None, steps: int, cache: SectionCache | None) -> None:
    """Run each engine's section into ``result`` (a failed engine gives a FailedSection); a
    section the cache holds for these workspace files and this code is read, not computed."""
    for name, target in _SECTIONS:
        if sections is not None and name not in sections:
            if progress:
                progress(1, steps, f"skipped {name}")
            continue
        if cache is not None and (hit := cache.read(name)) is not None:
            result.sections[name] = hit
            if progress:
                progress(1, steps, f"{name} done (cached)")
            continue
        fn = _load_section(target)
        if fn is None:
            if progress:
                progress(1, steps, f"{name}: not available")
            continue
        if progress:
            progress(0, steps, f"{name}...")

        def relay(advance: int, total: int | None, label: str, _name: str = name) -> None:
            if progress:
                progress(0, steps, f"{_name}: {label}")

        try:
            result.sections[name] = as_section(name, fn(ws, url, relay if progress else None))
        except AnalysisError as exc:
            result.sections[name] = FailedSection(title=name, error=str(exc))
            result.warnings.append(f"{name}: {exc}")
        else:
            if cache is not None:
                cache.write(name, result.sections[name])
        if progress:
            progress(1, steps, f"{name} done")


def _run_audit(result: Analysis, ws: Workspace, url: str, progress: Progress | None,
               steps: int) -> None:
    """The audit of the cross-case verdict (cached by content, settings and engine code)."""
    from casusbelli.analysis.audit import AuditSettings, audit_workspace

    def sub(advance: int, total: int | None, label: str) -> None:
        if progress:
            progress(0, steps, f"audit: {label}")

    try:
        result.audit = audit_workspace(ws, url, settings=AuditSettings(), progress=sub)
    except AnalysisError as exc:
        result.warnings.append(f"audit: {exc}")
    if progress:
        progress(1, steps, "audit done")


def analyze(
    workspace: str | Path | None = None,
    *,
    db: str | None = None,
    sections: list[str] | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
    use_cache: bool = True,
) -> Analysis:
    """Validate, build and analyse a workspace (``None``: the built-in ``russia``).

    Parameters
    ----------
    workspace
        A workspace folder, a built-in name, or ``None`` for ``russia``.
    db
        Store URL; default ``WS/.casus/casus.db`` (see :func:`casusbelli.config.default_store_url`).
    sections
        Only these sections (default: all available).
    progress
        Optional callback ``(advance, total, label)``. Each step is announced when it starts
        (``advance=0``, label ``"<step>..."``) and counted when it ends, so a display shows
        what is running now rather than what finished last.
    use_cache
        Read the within-case, cross-case and discourse sections from the store's cache when
        they were computed from the same workspace files by the same code
        (:mod:`casusbelli.analysis.section_cache`), and cache them after computing them.
    """
    root = resolve_workspace(workspace)
    steps = 3 + len(_SECTIONS)

    def step(label: str) -> None:
        if progress:
            progress(1, steps, label)

    def start(label: str) -> None:
        if progress:
            progress(0, steps, label)

    start("loading and validating the workspace...")
    ws = load_workspace(root)
    step("validated workspace")
    url = db or default_store_url(root, settings)
    start("building the store...")
    report: BuildReport = build_store(ws, url)
    step("built store")
    result = _new_analysis(ws, root, report)
    cache = SectionCache.open(url, root, ws.name, ws.content_hash) if use_cache else None
    try:
        _run_sections(result, ws, url, sections, progress, steps, cache)
    finally:
        if cache is not None:
            cache.close()
    if sections is None or "audit" in sections:
        _run_audit(result, ws, url, progress, steps)
    else:
        step("skipped audit")
    if sections is None or "verdict" in sections:
        from casusbelli.verdict import verdict_section

        result.sections = {
            "verdict": verdict_section(result.summary, result.sections, ws.theory_ids,
                                       audit=result.audit),
            **result.sections,
        }
    return result
