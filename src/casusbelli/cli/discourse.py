"""Discourse commands: ``casus frames`` (rates per window) and ``casus kwic``."""

from typing import Annotated

import typer

from casusbelli.cli import (
    JsonOpt,
    WsOpt,
    app,
    console,
    echo_json,
    progress_bar,
    workspace_path,
)
from casusbelli.errors import CasusError


def _ctx(ws: str | None):  # type: ignore[no-untyped-def]
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.config import workspace_data_dir
    from casusbelli.sources import CorpusStore

    root = workspace_path(ws)
    workspace = load_workspace(root)
    data = workspace_data_dir(root)
    return workspace, CorpusStore(data / "corpora"), data / "lexicon-cache"


THREAD_PREFIX = "thread:"


def _thread_docs(ws: str | None, name: str):  # type: ignore[no-untyped-def]
    """The posts of ingested thread ``thread:ID`` as documents."""
    from casusbelli.config import workspace_data_dir
    from casusbelli.discourse.counts import thread_documents
    from casusbelli.sources.threads import ThreadStore

    tid = name[len(THREAD_PREFIX) :]
    return thread_documents(ThreadStore(workspace_data_dir(workspace_path(ws))).load(tid))


@app.command()
def frames(
    name: Annotated[
        str,
        typer.Argument(
            help="An ingested corpus (casus ingest corpus), an ingested thread "
            "(thread:ID, one document per post), or a workspace's shipped frame counts "
            "(measures/NAME)."
        ),
    ],
    frame_ids: Annotated[
        str | None, typer.Option("--frames", help="Comma-separated frame ids (default: all).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="year, month or document.")] = "year",
    engine: Annotated[str, typer.Option(help="auto, hyperscan, aho, regex or dask.")] = "auto",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (with --engine dask; default: a local cluster)."),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Only documents in this language.")] = None,
    ws: WsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Hits and rate per 10,000 tokens of each frame, per year, month or document.
    \f

    Long: most lines are the typer option declarations (the signature and the help).
    """
    from rich.table import Table

    from casusbelli.analysis.discourse_ops import load_frame_counts, scan_corpus
    from casusbelli.discourse.counts import frame_counts_table, frame_rates

    workspace, store, cache = _ctx(ws)
    wanted = frame_ids.split(",") if frame_ids else list(workspace.frames)
    if name.startswith(THREAD_PREFIX):
        from casusbelli.analysis.discourse_ops import scan_documents

        with progress_bar("scanning", not json_) as cb:
            result = scan_documents(
                workspace,
                _thread_docs(ws, name),
                engine=engine,
                frames=wanted,
                cache_dir=cache,
                progress=cb,
            )
        counts = frame_counts_table(result)
    elif name in store.names():
        with progress_bar("scanning", not json_) as cb:
            result = scan_corpus(
                workspace,
                store,
                name,
                engine=engine,
                frames=wanted,
                cache_dir=cache,
                scheduler=scheduler,
                progress=cb,
            )
        counts = frame_counts_table(result)
        if lang:
            docs = store.documents(name)
            langs = dict(zip(docs.iloc[:, 0].astype(str), docs.get("lang", ""), strict=False))
            counts = counts[[langs.get(d) == lang for d in counts["doc_id"]]]
    else:
        counts = load_frame_counts(workspace, name)
        if lang:
            counts = counts[counts["lang"] == lang]
    rows = frame_rates(counts, wanted, by)
    if json_:
        echo_json(rows)
        return
    key = "document" if by == "document" else "window"
    t = Table(
        title=f"Frames in {name}: rate per 10,000 tokens (hits) by {by}", title_justify="left"
    )
    t.add_column(by)
    t.add_column("tokens", justify="right")
    for f in wanted:
        t.add_column(f, justify="right")
    seen: dict[str, dict[str, dict[str, object]]] = {}
    for r in rows:
        seen.setdefault(str(r[key]), {})[str(r["frame"])] = r
    for w, by_frame in seen.items():
        first = next(iter(by_frame.values()))
        cells = []
        for f in wanted:
            cell = by_frame.get(f)
            rate = None if cell is None else cell["rate"]
            cells.append("" if cell is None or rate is None else f"{rate:.1f} ({cell['hits']})")
        t.add_row(w, str(first["tokens"]), *cells)
    console.print(t)


@app.command()
def kwic(
    frame: Annotated[str, typer.Argument(help="Frame id.")],
    name: Annotated[
        str, typer.Argument(help="An ingested corpus, or an ingested thread as thread:ID.")
    ],
    limit: Annotated[int, typer.Option(help="At most this many lines.")] = 20,
    width: Annotated[int, typer.Option(help="Characters of context on each side.")] = 60,
    ws: WsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Keyword in context: what was counted, with document, date and offset, for checking."""
    from casusbelli.analysis.discourse_ops import kwic_lines

    workspace, store, cache = _ctx(ws)
    docs = _thread_docs(ws, name) if name.startswith(THREAD_PREFIX) else None
    if docs is None and name not in store.names():
        raise CasusError(
            f"no ingested corpus {name!r}",
            hint="casus ingest corpus FILE --name NAME ... (KWIC needs the texts); "
            "for a thread: thread:ID",
        )
    lines = kwic_lines(
        workspace, store, name, frame, limit=limit, width=width, cache_dir=cache,
        documents=docs,
    )
    if json_:
        echo_json([ln._asdict() if hasattr(ln, "_asdict") else vars(ln) for ln in lines])
        return
    console.print(f"[bold]{frame}[/] in {name}: {len(lines)} line(s)")
    for ln in lines:
        console.print(f"[dim]{ln.date} {ln.doc_id} @{ln.offset}[/]", highlight=False)
        from rich.text import Text

        line = Text("  …" + ln.left[-width:])
        line.append(ln.match, style="bold yellow")
        line.append(ln.right[:width] + "…")
        console.print(line, highlight=False)
