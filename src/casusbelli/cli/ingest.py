"""``casus ingest thread|tweets|corpus``: bring texts in, with provenance."""

from pathlib import Path
from typing import Annotated

import typer

from casusbelli.cli import (
    HELP_MARKUP,
    JsonOpt,
    WsOpt,
    app,
    console,
    echo_json,
    progress_bar,
    workspace_path,
)
from casusbelli.errors import CasusError

ingest_app = typer.Typer(
    help="Ingest threads, X/Twitter archives and speech corpora.",
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
)
app.add_typer(ingest_app, name="ingest")

def _data_dir(ws: str | None) -> Path:
    from casusbelli.config import workspace_data_dir

    return workspace_data_dir(workspace_path(ws))


@ingest_app.command("thread")
def ingest_thread(
    file: Annotated[Path, typer.Argument(help="An unrolled thread as plain text.")],
    source_id: Annotated[
        str | None,
        typer.Option(
            "--source-id", help="Bibliography id the posts are cited as (default: file stem)."
        ),
    ] = None,
    style: Annotated[
        str,
        typer.Option(
            help="Numbering layout: auto, slash (' /1'), "
            "fraction-trailing, fraction-leading, blank."
        ),
    ] = "auto",
    title: Annotated[
        str | None, typer.Option(help="Source title (default: the first post's text).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Source URL (default: the page's address, if shown).")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="Date YYYY[-MM[-DD]] (default: the page's date, if shown)."),
    ] = None,
    author: Annotated[
        str | None, typer.Option(help="Author's handle (default: from the page or footer).")
    ] = None,
    ws: WsOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Parse and print; store nothing.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Split an unrolled thread into numbered posts (footers removed), keep it, and add (or
    update) its source (CSL type post) so that codings cite it as {source: ID, locator: post N}.
    \f

    Long: most lines are the typer option declarations (the signature and the help).
    """
    from rich.table import Table

    from casusbelli.sources import Provenance, load_thread
    from casusbelli.sources.threads import ThreadStore, thread_document, thread_source
    from casusbelli.workspace.bib import upsert_source
    from casusbelli.workspace.load import discover_workspace

    sid = source_id or file.stem
    thread = load_thread(file, style=style, author=author)  # type: ignore[arg-type]
    record = thread_source(thread, sid, title=title, url=url, date=date, author=author)
    doc = thread_document(thread, sid, Provenance.of_file(file))
    path = src_file = None
    added = False
    if not dry_run:
        found = discover_workspace(ws)
        path = ThreadStore(_data_dir(ws)).save(sid, doc)
        if not found.builtin:  # the built-in workspace is read-only
            src_file, added = upsert_source(found.path, record)
    if json_:
        echo_json(
            {
                "author": doc["author"],
                "date": thread.date,
                "url": thread.url,
                "service": thread.service,
                "posts": [{"n": p["n"], "text": p["text"]} for p in doc["posts"]],
                "source": record,
                "stored": str(path) if path else None,
                "sources_file": str(src_file) if src_file else None,
            }
        )
        return
    t = Table(
        title=f"{len(thread.posts)} posts by @{thread.author or '?'} ({thread.style}"
        f"{', ' + thread.service if thread.service else ''}"
        f"{', ' + thread.date if thread.date else ''})",
        title_justify="left",
    )
    t.add_column("n", justify="right")
    t.add_column("text")
    for p in thread.posts:
        t.add_row(
            str(p.n),
            p.text,
        )
    console.print(t, markup=False)
    if dry_run:
        console.print("dry run: nothing stored", highlight=False)
        return
    console.print(f"stored {path}", highlight=False)
    if src_file is None:
        console.print(
            "the built-in workspace is read-only: no source added (casus init DIR, then "
            "ingest with -w DIR)",
            highlight=False,
        )
        return
    console.print(
        f"{'added' if added else 'updated'} source {sid!r} in {src_file}: cite it as "
        f"{{source: {sid}, locator: \"post N\"}}",
        highlight=False,
        markup=False,
    )


@ingest_app.command("tweets")
def ingest_tweets(
    archive: Annotated[Path, typer.Argument(help="X/Twitter archive: .zip, folder or tweets.js.")],
    min_posts: Annotated[int, typer.Option(help="Keep threads with at least this many posts.")] = 2,
    ws: WsOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Parse and print; store nothing.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Rebuild an account's threads from an X/Twitter archive (self-reply chains)."""
    from casusbelli.sources import Provenance, load_x_archive
    from casusbelli.sources.threads import ThreadStore, thread_document

    threads = load_x_archive(archive, min_posts=min_posts)
    prov = Provenance.of_file(archive) if archive.is_file() else None
    docs = [thread_document(t, None, prov) for t in threads]
    if not dry_run:
        store = ThreadStore(_data_dir(ws))
        for t, d in zip(threads, docs, strict=True):
            first = t.posts[0].id or str(t.posts[0].line)
            store.save(f"x-{t.author or 'unknown'}-{first}", d)
    if json_:
        echo_json(
            [
                {
                    "author": d["author"],
                    "posts": [{"n": p["n"], "text": p["text"]} for p in d["posts"]],
                }
                for d in docs
            ]
        )
        return
    console.print(
        f"{len(threads)} thread(s), {sum(len(t.posts) for t in threads)} posts"
        + ("" if not dry_run else " (dry run: nothing stored)")
    )


@ingest_app.command("corpus")
def ingest_corpus(
    file: Annotated[Path, typer.Argument(help="A .csv, .jsonl or .parquet file of documents.")],
    name: Annotated[str, typer.Option("--name", help="Corpus name.")],
    text_col: Annotated[str, typer.Option("--text-col", help="Column with the text.")],
    date_col: Annotated[str, typer.Option("--date-col", help="Column with the date.")],
    id_col: Annotated[str | None, typer.Option("--id-col")] = None,
    title_col: Annotated[str | None, typer.Option("--title-col")] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="auto (en, ru or uk from the letters used) or any language code."
        ),
    ] = "auto",
    on_error: Annotated[
        str,
        typer.Option(
            "--on-error", help="skip bad rows (listed) or fail the whole file (nothing written)."
        ),
    ] = "skip",
    ws: WsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add speeches or transcripts to a corpus (Parquet by year, DuckDB); idempotent."""
    from casusbelli.sources import CorpusStore

    if on_error not in ("skip", "fail"):
        raise CasusError(
            f"unknown --on-error {on_error!r}; expected skip or fail", field="--on-error"
        )
    from casusbelli.sources.tabular import valid_lang

    if not valid_lang(lang):
        raise CasusError(
            f"unknown --lang {lang!r}; expected auto or a language code (en, ru, uk, tr, ...)",
            field="--lang",
        )
    store = CorpusStore(_data_dir(ws) / "corpora")
    with progress_bar("ingesting", not json_) as cb:
        report = store.ingest(
            file,
            name,
            text_col,
            date_col,
            id_col=id_col,
            title_col=title_col,
            lang=lang,
            on_error=on_error,
            progress=cb,
        )
    d = report.to_dict()
    if json_:
        echo_json(d)
        return
    console.print(
        " ".join(f"{k}={v}" for k, v in d.items() if not isinstance(v, list | dict)),
        highlight=False,
    )
    for prob in d.get("problems", [])[:20]:
        console.print(f"  skipped: {prob}", highlight=False, markup=False)
