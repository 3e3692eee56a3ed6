"""Render an :class:`~casusbelli.pipeline.Analysis` with rich.

Sections describe themselves: besides their data, a section may carry ``tables`` (a list of
``{"title", "columns", "rows"}``) and ``lines`` (text), which are shown here in order. So a new
engine adds its output to ``casus analyze`` without touching this file.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from casusbelli.pipeline import Analysis

__all__ = ["render_analysis", "render_table"]


def render_table(spec: dict[str, Any]) -> Table:
    """Build a rich table from ``{"title", "columns", "rows"}``."""
    t = Table(title=spec.get("title"), title_justify="left")
    for col in spec["columns"]:
        t.add_column(str(col))
    for row in spec["rows"]:
        t.add_row(
            *("" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in row)
        )
    return t


def render_analysis(result: Analysis, console: Console) -> None:
    """Print the analysis: summary, theory coverage, then every section."""
    ws = result.workspace
    c = result.summary["counts"]
    console.rule(f"[bold]casus analyze[/] — workspace {ws['name']}")
    console.print(
        f"{c['cases']} cases ({c['interventions']} interventions, {c['negative']} negative), "
        f"{c['indicators']} indicators, {c['theories']} theories, {c['sources']} sources; "
        f"{c['codings']} codings of which {c['unknown_codings']} unknown; "
        f"{c['evidence_items']} evidence items in {c['evidence_sets']} cases; "
        f"{c['questions']} questions; {c['frames']} frames."
    )
    console.print(
        f"Store: {result.store}  (content hash {ws['content_hash'][:12]})", highlight=False
    )
    t = Table(title="Theories", title_justify="left")
    for col in ("theory", "name", "indicators", "coded share", "expected path"):
        t.add_column(col)
    for th in result.summary["theories"]:
        share = th["coded_share"]
        t.add_row(
            th["id"],
            th["name"],
            str(len(th["indicators"])),
            "" if share is None else f"{share:.0%}",
            th["paths"] or "",
        )
    console.print(t)
    for name, section in result.sections.items():
        console.rule(f"[bold]{section.get('title', name)}[/]")
        if "error" in section:
            console.print(f"[yellow]{section['error']}[/]")
            continue
        for line in section.get("lines", []):
            console.print(line, highlight=False)
        for spec in section.get("tables", []):
            console.print(render_table(spec))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
