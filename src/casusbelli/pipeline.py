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
from casusbelli.config import Settings, default_store_url
from casusbelli.errors import AnalysisError
from casusbelli.store.build import BuildReport, build_store
from casusbelli.workspace.load import Workspace, resolve_workspace

if TYPE_CHECKING:
    from casusbelli.analysis.audit import Audit

__all__ = ["SCHEMA_VERSION", "Analysis", "analyze", "register_section", "workspace_summary"]

#: Version of the JSON document ``casus analyze --json`` prints; bumped on breaking changes.
#: 2: the audit (checks and per-theory statuses) is part of the document, and the verdict
#: section reads it.
SCHEMA_VERSION = 2

Progress = Callable[[int, int | None, str], None]
SectionFn = Callable[[Workspace, str, Progress | None], dict[str, Any]]

_SECTIONS: list[tuple[str, str]] = [
    # (name, "module:function"); imported lazily so a missing optional engine is reported
    ("within", "casusbelli.within.section:within_section"),
    ("cross", "casusbelli.cross.section:cross_section"),
    ("discourse", "casusbelli.discourse.section:discourse_section"),
    ("forecasts", "casusbelli.forecast.section:forecast_section"),
]


def register_section(name: str, target: str) -> None:
    """Add an analysis section ``name`` computed by ``"module:function"``."""
    _SECTIONS.append((name, target))


@dataclass
class Analysis:
    """The result of :func:`analyze`: a summary plus one section per engine."""

    workspace: dict[str, Any]
    store: str
    build: dict[str, Any]
    summary: dict[str, Any]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: the audit of the cross-case verdict (``None`` when not run); the verdict reads it
    audit: Audit | None = None
    #: the loaded workspace (not part of the JSON document), so callers need not load it again
    ws: Workspace | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A stable JSON document (``schema_version`` says its shape)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "casusbelli_version": __version__,
            "workspace": self.workspace,
            "store": self.store,
            "build": self.build,
            "summary": self.summary,
            "sections": self.sections,
            "audit": self.audit.to_dict() if self.audit is not None else None,
            "warnings": self.warnings,
        }


def workspace_summary(ws: Workspace) -> dict[str, Any]:
    """Counts and per-theory, per-case coverage of a workspace (no I/O)."""
    inds = [i for i in ws.indicators.values()]
    n_codings = sum(len(c.codings) for c in ws.cases.values())
    n_null = sum(1 for c in ws.cases.values() for cd in c.codings.values() if cd.value is None)
    expected = len(ws.cases) * len(inds)
    theories = []
    for tid in ws.theory_ids:
        th = ws.theories[tid]
        own = ws.indicators_of(tid)
        known = sum(
            1
            for c in ws.cases.values()
            for i in own
            if i in c.codings and c.codings[i].value is not None
        )
        theories.append(
            dict(
                id=tid,
                name=th.name,
                indicators=own,
                paths=th.paths,
                coded_share=round(known / (len(own) * len(ws.cases)), 3)
                if own and ws.cases
                else None,
            )
        )
    cases = []
    for cid, c in ws.cases.items():
        known = sum(1 for cd in c.codings.values() if cd.value is not None)
        cases.append(
            dict(
                id=cid,
                name=c.name,
                kind=c.kind,
                start=c.start,
                end=c.end,
                target=c.target,
                coded=known,
                unknown=len(c.codings) - known,
                missing=len(inds) - len(c.codings),
            )
        )
    return {
        "counts": {
            "cases": len(ws.cases),
            "interventions": sum(1 for c in ws.cases.values() if c.kind == "intervention"),
            "negative": sum(1 for c in ws.cases.values() if c.kind == "negative"),
            "indicators": len(inds),
            "theories": len(ws.theories),
            "sources": len(ws.sources),
            "codings": n_codings,
            "unknown_codings": n_null,
            "missing_codings": expected - n_codings,
            "evidence_sets": len(ws.evidence),
            "evidence_items": sum(len(e.items) for e in ws.evidence.values()),
            "questions": len(ws.questions),
            "frames": len(ws.frames),
        },
        "theories": theories,
        "cases": cases,
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


def analyze(
    workspace: str | Path | None = None,
    *,
    db: str | None = None,
    sections: list[str] | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
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
    result = Analysis(
        workspace=dict(
            name=ws.name,
            description=ws.config.description,
            placeholder=ws.config.placeholder,
            content_hash=ws.content_hash,
            path=str(root),
        ),
        store=report.url,
        build=dict(counts=report.counts, seconds=round(report.seconds, 3)),
        summary=workspace_summary(ws),
        ws=ws,
    )
    if ws.config.placeholder:
        result.warnings.append("this workspace is marked as placeholder content, not a real coding")
    for name, target in _SECTIONS:
        if sections is not None and name not in sections:
            step(f"skipped {name}")
            continue
        fn = _load_section(target)
        if fn is None:
            step(f"{name}: not available")
            continue
        start(f"{name}...")

        def relay(advance: int, total: int | None, label: str, _name: str = name) -> None:
            if progress:
                progress(0, steps, f"{_name}: {label}")

        try:
            result.sections[name] = fn(ws, url, relay if progress else None)
        except AnalysisError as exc:
            result.sections[name] = {"error": str(exc)}
            result.warnings.append(f"{name}: {exc}")
        step(f"{name} done")
    if sections is None or "audit" in sections:
        from casusbelli.analysis.audit import AuditSettings, audit_workspace

        def sub(advance: int, total: int | None, label: str) -> None:
            if progress:
                progress(0, steps, f"audit: {label}")

        try:
            result.audit = audit_workspace(ws, url, settings=AuditSettings(), progress=sub)
        except AnalysisError as exc:
            result.warnings.append(f"audit: {exc}")
        step("audit done")
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
