"""Render an :class:`~casusbelli.pipeline.Analysis` with rich.

Each section is a typed :class:`~casusbelli.analysis.sections.Section`: besides its fields it
carries ``tables`` and ``lines``, shown here in order (numbers rounded to 3 significant digits
for reading; ``--json`` keeps them exact). So a new engine adds its output to ``casus analyze``
without touching this file, and nothing here recomputes a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from casusbelli.analysis.sections import Table as SectionTable
from casusbelli.analysis.sections import sig3
from casusbelli.pipeline import Analysis

__all__ = ["render_analysis", "render_table"]


def render_table(spec: SectionTable | Mapping[str, Any]) -> Table:
    """Build a rich table from a section's :class:`~casusbelli.analysis.sections.Table` (or a
    ``{"title", "columns", "rows"}`` mapping); numbers get 3 significant digits."""
    if isinstance(spec, SectionTable):
        spec = spec.to_dict()
    t = Table(title=spec.get("title"), title_justify="left")
    for col in spec["columns"]:
        t.add_column(str(col))
    for row in spec["rows"]:
        # Text, not str: a cell is data, never rich markup ("[x]" stays "[x]"), and rich
        # need not parse every cell for markup and emoji codes
        t.add_row(*(Text("" if v is None else sig3(v)) for v in row))
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
    for section in result.sections.values():
        console.rule(f"[bold]{section.title}[/]")
        if section.error is not None:
            console.print(f"[yellow]{section.error}[/]", highlight=False)
            continue
        for line in section.lines:
            console.print(line, highlight=False)
        for spec in section.tables:
            console.print(render_table(spec))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
