"""Core commands: init, validate, build, analyze, cases, show, theories, indicators, sources,
export."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from casusbelli.cli import (
    DbOpt,
    JsonOpt,
    WsArg,
    WsOpt,
    app,
    console,
    echo_json,
    err_console,
    fail,
    progress_bar,
    sources_app,
    workspace_path,
)
from casusbelli.errors import CasusError, WorkspaceError

if TYPE_CHECKING:
    from casusbelli.workspace.load import Workspace


def _load(*ws: str | None) -> "Workspace":
    from casusbelli.analysis.measured import load_workspace

    return load_workspace(workspace_path(*ws))


def _fmt(v: float | None) -> str:
    return "?" if v is None else f"{v:.2f}"


# --------------------------------------------------------------------------- init
@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create (must be new or empty).")],
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", help="Copy a built-in workspace (e.g. russia) instead of the template."
        ),
    ] = None,
) -> None:
    """Create a new workspace: a commented template, or a copy of a built-in one."""
    from casusbelli.workspace.init import init_workspace

    files = init_workspace(directory, from_)
    console.print(
        f"Created workspace [bold]{directory}[/] ({len(files)} files). "
        f"Next: [cyan]casus validate {directory}[/]"
    )


# --------------------------------------------------------------------------- validate
@app.command()
def validate(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    json_: JsonOpt = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Treat warnings (research-design, cases that leave indicators out, "
        "unsourced values of non-predictors, evidence metadata) as errors.")] = False,
) -> None:
    """Check a workspace and report every problem as file:line:column: field: message.

    Warnings say what the engines will leave out or distrust: indicators that describe the
    intervention, predictor rationales that argue from the outcome, predictors rarely coded in
    one kind of case, cases that leave indicators out, known values of non-predictors without
    a source, evidence without dates or kinds. A known predictor value without a source is an
    error.
    """
    from casusbelli.analysis.measured import validate_workspace

    try:
        root = workspace_path(ws, workspace_opt)
    except CasusError as exc:
        if json_:
            echo_json({"ok": False, "errors": [_problem_dict(exc.to_problem())]})
            raise typer.Exit(1) from None
        fail(exc)
    workspace, problems = validate_workspace(root)
    warnings: list[Any] = []
    if workspace is not None:
        from casusbelli.workspace.design import design_warnings

        warnings = [*workspace.warnings, *design_warnings(workspace)]
        if strict and warnings:
            problems = list(warnings)
    if json_:
        if problems:
            echo_json({"ok": False, "errors": [_problem_dict(p) for p in problems]})
            raise typer.Exit(1)
        from casusbelli.pipeline import workspace_summary

        assert workspace is not None
        echo_json(
            {
                "ok": True,
                "errors": [],
                "warnings": [_problem_dict(p) for p in warnings],
                "workspace": workspace.name,
                "counts": workspace_summary(workspace)["counts"],
            }
        )
        return
    if problems:
        for p in problems:
            err_console.print(str(p), highlight=False, markup=False)
        err_console.print(f"[bold red]{len(problems)} problem(s)[/] in {root}")
        raise typer.Exit(1)
    assert workspace is not None
    from casusbelli.pipeline import workspace_summary

    c = workspace_summary(workspace)["counts"]
    for w in warnings:
        err_console.print("warning: " + str(w), highlight=False, markup=False)
    console.print(
        f"[green]OK[/] {workspace.name}: {c['cases']} cases ({c['interventions']} interventions, "
        f"{c['negative']} negative), {c['indicators']} indicators, {c['theories']} theories, "
        f"{c['sources']} sources, {c['codings']} codings ({c['unknown_codings']} unknown), "
        f"{c['evidence_items']} evidence items, {c['questions']} questions, {c['frames']} frames"
    )


def _problem_dict(p: Any) -> dict[str, Any]:
    return {
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "field": p.field,
        "message": p.message,
    }


# --------------------------------------------------------------------------- build
@app.command()
def build(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Build even when the store already "
                                        "holds this workspace (same content hash).")] = False,
    json_: JsonOpt = False,
) -> None:
    """Compile the workspace into the store, in place and in one transaction.

    Safe beside running commands and the web app: registered forecasts, edits and other
    journal rows are kept, and a failed build keeps the old store. An unchanged workspace is
    not built again (--force does).
    """
    from casusbelli.config import default_store_url
    from casusbelli.store.build import build_store

    workspace = _load(ws, workspace_opt)
    url = db or default_store_url(workspace.root)
    with progress_bar("building", not json_) as cb:
        report = build_store(workspace, url, force=force, progress=cb)
    if json_:
        echo_json(
            {
                "store": report.url,
                "content_hash": report.content_hash,
                "skipped": report.skipped,
                "counts": report.counts,
                "seconds": round(report.seconds, 3),
            }
        )
        return
    if report.skipped:
        console.print(f"[bold]{report.url}[/] already holds this workspace (content hash "
                      f"{report.content_hash[:12]}); nothing to build (--force builds anyway)")
        return
    rows = ", ".join(f"{v} {k}" for k, v in report.counts.items() if v)
    console.print(f"Built [bold]{report.url}[/] in {report.seconds:.2f}s: {rows}")


# --------------------------------------------------------------------------- analyze
@app.command()
def analyze(ws: WsArg = None, workspace_opt: WsOpt = None, db: DbOpt = None,
            json_: JsonOpt = False) -> None:
    """The main job: validate, build and run every engine on the workspace."""
    from casusbelli.cli.render import render_analysis
    from casusbelli.pipeline import analyze as run

    root = workspace_path(ws, workspace_opt)
    with progress_bar("analysing", not json_) as cb:
        result = run(root, db=db, progress=cb)
    if json_:
        echo_json(result.to_dict())
        return
    render_analysis(result, console)


# --------------------------------------------------------------------------- read commands
@app.command()
def cases(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    kind: Annotated[str | None, typer.Option(help="Only 'intervention' or 'negative'.")] = None,
    json_: JsonOpt = False,
) -> None:
    """List the cases."""
    from rich.table import Table

    from casusbelli.pipeline import workspace_summary

    workspace = _load(ws, workspace_opt)
    rows = workspace_summary(workspace)["cases"]
    if kind:
        if kind not in ("intervention", "negative"):
            fail(
                CasusError(
                    f"unknown kind {kind!r}; expected intervention or negative", field="--kind"
                )
            )
        rows = [r for r in rows if r["kind"] == kind]
    if json_:
        echo_json(rows)
        return
    t = Table(title=f"{workspace.name}: {len(rows)} cases")
    for col in ("id", "name", "kind", "start", "end", "target", "coded", "unknown"):
        t.add_column(col, justify="right" if col in ("coded", "unknown") else "left")
    for r in rows:
        t.add_row(
            r["id"],
            r["name"],
            r["kind"],
            r["start"],
            r["end"] or "",
            r["target"],
            str(r["coded"]),
            str(r["unknown"]),
        )
    console.print(t)


@app.command()
def show(
    case_ids: Annotated[list[str], typer.Argument(help="Case ids (file stems), one or more.",
                                                  metavar="CASE...")],
    ws: WsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show cases with every coding, its rationale and sources."""
    import difflib

    from rich.table import Table

    workspace = _load(ws)
    for case_id in case_ids:
        if case_id not in workspace.cases:
            guess = difflib.get_close_matches(case_id, list(workspace.cases), n=1)
            fail(
                CasusError(
                    f"unknown case id {case_id!r} in workspace {workspace.name!r}",
                    hint=f"did you mean {guess[0]!r}?" if guess else "casus cases lists them",
                )
            )
    if json_:
        docs = [{"id": cid, **workspace.cases[cid].to_doc()} for cid in case_ids]
        echo_json(docs[0] if len(docs) == 1 else docs)
        return
    for n, case_id in enumerate(case_ids):
        case = workspace.cases[case_id]
        if n:
            console.print()
        console.print(
            f"[bold]{case.name}[/] ({case_id}) — {case.kind}, {case.actor} → {case.target}, "
            f"{case.start}–{case.end or 'ongoing'}"
        )
        if case.summary:
            console.print(case.summary, highlight=False, markup=False)
        t = Table()
        for col in ("theory", "indicator", "value", "rationale", "sources"):
            t.add_column(col)
        for ind in workspace.indicators.values():
            cd = case.codings.get(ind.id)
            if cd is None:
                t.add_row(ind.theory, ind.id, "—", "(not coded)", "")
                continue
            srcs = "; ".join(
                workspace.sources[r.source].short() + (f", {r.locator}" if r.locator else "")
                for r in cd.sources
                if r.source in workspace.sources
            )
            t.add_row(ind.theory, ind.id, _fmt(cd.value), cd.rationale, srcs)
        console.print(t)


@app.command()
def theories(ws: WsArg = None, workspace_opt: WsOpt = None, json_: JsonOpt = False) -> None:
    """List the theories with their observable implications."""
    from rich.table import Table

    workspace = _load(ws, workspace_opt)
    if json_:
        echo_json(
            [
                dict(id=tid, **th.model_dump(mode="json", exclude_none=True, exclude={"id"}))
                for tid, th in workspace.theories.items()
            ]
        )
        return
    t = Table(title="theories")
    for col in ("id", "name", "implications", "expected path"):
        t.add_column(col)
    for tid, th in workspace.theories.items():
        imps = ", ".join(
            f"{i.indicator}{'↑' if i.expect == 'high' else '↓'}" for i in th.implications
        )
        t.add_row(tid, th.name, imps, th.paths or "")
    console.print(t)


@app.command()
def indicators(ws: WsArg = None, workspace_opt: WsOpt = None, json_: JsonOpt = False) -> None:
    """List the indicators with the theory each belongs to."""
    from rich.table import Table

    workspace = _load(ws, workspace_opt)
    if json_:
        echo_json(
            [i.model_dump(mode="json", exclude_none=True) for i in workspace.indicators.values()]
        )
        return
    t = Table(title="indicators")
    for col in ("id", "theory", "kind", "label", "measured"):
        t.add_column(col)
    for i in workspace.indicators.values():
        t.add_row(i.id, i.theory, i.kind, i.label, "yes" if i.measured else "")
    console.print(t)


@sources_app.command("list")
def sources_list(ws: WsArg = None, workspace_opt: WsOpt = None,
                 json_: JsonOpt = False) -> None:
    """List the bibliography."""
    from rich.table import Table

    workspace = _load(ws, workspace_opt)
    if json_:
        echo_json(
            [
                s.model_dump(mode="json", by_alias=True, exclude_none=True)
                for s in workspace.sources.values()
            ]
        )
        return
    t = Table(title=f"{len(workspace.sources)} sources")
    for col in ("id", "type", "cite", "title"):
        t.add_column(col)
    for s in workspace.sources.values():
        t.add_row(s.id, s.type, s.short(), s.title)
    console.print(t)


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="A .bib (BibTeX) or .json (CSL-JSON) file.")],
    ws: WsOpt = None,
) -> None:
    """Add BibTeX or CSL-JSON references to the workspace's sources.yaml (all or nothing)."""
    from casusbelli.workspace.bib import import_sources
    from casusbelli.workspace.load import BUILTIN_WORKSPACES, builtin_path

    try:
        root = workspace_path(ws)
        if any(root == builtin_path(name) for name in BUILTIN_WORKSPACES):
            raise WorkspaceError(
                "the built-in workspaces are read-only",
                hint="casus init DIR --from russia makes an editable copy; then -w DIR",
            )
        ids = import_sources(root, file)
    except WorkspaceError as exc:
        for p in exc.problems:
            err_console.print(str(p), highlight=False, markup=False)
        fail(exc)
    console.print(
        f"Imported {len(ids)} source(s) into {root / 'sources.yaml'}: {', '.join(ids)}"
    )


# --------------------------------------------------------------------------- export
@app.command()
def export(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    db: DbOpt = None,
    format_: Annotated[
        str,
        typer.Option("--format", "-f", help="csv, parquet or json (the case × indicator "
                     "matrix), or r: the CSV plus an R script that reruns each theory's QCA "
                     "with R's QCA package (needs --output STEM: writes STEM.csv, STEM.R)."),
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: stdout for csv/json)."),
    ] = None,
    workspace_dir: Annotated[
        Path | None,
        typer.Option("--to-workspace", help="Write the store's content back as a workspace "
                     "folder (this was --workspace before -w/--workspace named the input)."),
    ] = None,
) -> None:
    """Export the case × indicator matrix (for R and pandas), or the whole store as a workspace."""
    from casusbelli.config import default_store_url
    from casusbelli.store import (
        case_matrix,
        export_matrix,
        export_workspace,
        open_store,
        read_workspace,
    )

    if format_ == "r" and output is None and workspace_dir is None:
        raise CasusError("--format r needs --output STEM (writes STEM.csv and STEM.R)",
                         field="--output")
    root = workspace_path(ws, workspace_opt)
    url = db or default_store_url(root)
    store = open_store(url)
    if workspace_dir is not None:
        files = export_workspace(read_workspace(store), workspace_dir)
        console.print(f"Wrote {len(files)} files to {workspace_dir}")
        return
    if format_ == "r":
        from casusbelli.cli.qca import export_r

        for path in export_r(root, case_matrix(store), output):
            console.print(f"Wrote {path}", highlight=False)
        return
    if format_ not in ("csv", "parquet", "json"):
        raise CasusError(
            f"unknown format {format_!r}; expected one of csv, parquet, json, r",
            field="--format",
        )
    text = export_matrix(case_matrix(store), format_, output)  # type: ignore[arg-type]
    if text is not None:
        import sys

        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        console.print(f"Wrote {output}")
