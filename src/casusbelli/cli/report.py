"""``casus report``: write the self-contained HTML report (and a PDF) of a workspace."""

from pathlib import Path
from typing import Annotated

import typer

from casusbelli.cli import (
    DbOpt,
    JsonOpt,
    WsArg,
    WsOpt,
    app,
    console,
    echo_json,
    progress_bar,
    workspace_path,
)

__all__ = ["report"]


@app.command()
def report(
    workspace: WsArg = None,
    workspace_opt: WsOpt = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")] = Path(
        "report.html"),
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write a PDF (WeasyPrint).")] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write a self-contained HTML report (works offline) and optionally a PDF."""
    from casusbelli.report import write_report

    root = workspace_path(workspace, workspace_opt)
    with progress_bar("report", enabled=not json_out) as cb:
        files = write_report(root, output, pdf=pdf, db=db, progress=cb)
    if json_out:
        echo_json(files.to_dict())
        return
    console.print(f"Wrote {files.html} ({files.charts} charts)", highlight=False)
    if files.pdf is not None:
        console.print(f"Wrote {files.pdf}", highlight=False)
    for name, why in files.unavailable.items():
        console.print(f"[yellow]not available:[/] {name}: {why}", highlight=False)
