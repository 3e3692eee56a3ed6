"""Frame measurement on a workspace: its lexicon, scans of its corpora and threads, its shipped
frame counts, and KWIC lines.

The orchestration edge of :mod:`casusbelli.discourse`: it turns a workspace's frames into
lexicon frames (:mod:`casusbelli.analysis.frames`), reads corpora from the corpus store and
the workspace's shipped counts (``measures/<corpus>.parquet``), and hands plain documents and
tables to the pure engine (:mod:`~casusbelli.discourse.match`, :mod:`~casusbelli.discourse.kwic`,
:mod:`~casusbelli.discourse.counts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from casusbelli.analysis.frames import lexicon_frame
from casusbelli.discourse.counts import frame_documents
from casusbelli.discourse.kwic import KwicLine, kwic
from casusbelli.discourse.lexicon import Lexicon, build_lexicon
from casusbelli.discourse.match import Document, FrameScanner, ScanResult
from casusbelli.errors import AnalysisError, SourceError
from casusbelli.workspace.loaded import Workspace

if TYPE_CHECKING:
    from casusbelli.sources.corpus import CorpusStore

__all__ = [
    "corpus_documents",
    "kwic_lines",
    "load_frame_counts",
    "scan_corpus",
    "scan_documents",
    "workspace_lexicon",
]


def workspace_lexicon(
    ws: Workspace, cache_dir: Path | None = None, frames: Iterable[str] | None = None
) -> Lexicon:
    """Expand the workspace's frames (all, or the ids in ``frames``, in that order) into a
    lexicon."""
    wanted = list(frames) if frames is not None else list(ws.frames)
    unknown = [f for f in wanted if f not in ws.frames]
    if unknown:
        raise AnalysisError(
            f"unknown frame id {unknown[0]!r}; frames: {', '.join(ws.frames)}", field="--frames"
        )
    if not wanted:
        raise AnalysisError("the workspace has no frames (frames/<id>.yaml)")
    return build_lexicon([lexicon_frame(fid, ws.frames[fid]) for fid in wanted],
                         cache_dir=cache_dir)


def corpus_documents(
    store: CorpusStore, name: str, start: str | None = None, end: str | None = None
) -> list[Document]:
    """The documents of an ingested corpus as :class:`Document` tuples, in date order."""
    return frame_documents(store.documents(name, start=start, end=end))


def scan_documents(
    ws: Workspace,
    documents: list[Document],
    *,
    engine: str = "auto",
    frames: Iterable[str] | None = None,
    cache_dir: Path | None = None,
    keep_matches: bool = False,
    progress: Any = None,
) -> ScanResult:
    """Count every frame in ``documents`` (e.g. a thread's posts) with the workspace's frames."""
    if engine == "dask":
        raise AnalysisError(
            "the dask engine scans Parquet corpora only; use auto, hyperscan, aho or regex",
            field="--engine",
        )
    lex = workspace_lexicon(ws, cache_dir, frames)
    return FrameScanner(lex, engine).scan(documents, keep_matches=keep_matches, progress=progress)


def scan_corpus(
    ws: Workspace,
    store: CorpusStore,
    name: str,
    *,
    engine: str = "auto",
    frames: Iterable[str] | None = None,
    cache_dir: Path | None = None,
    keep_matches: bool = False,
    scheduler: str | None = None,
    progress: Any = None,
) -> ScanResult:
    """Count every frame in every document of corpus ``name`` (locally, or on Dask)."""
    lex = workspace_lexicon(ws, cache_dir, frames)
    if engine == "dask":
        from casusbelli.discourse.distributed import scan_parquet

        # only the files the manifest lists: a crashed ingest's leftovers are not the corpus
        files = [store.root / name / f for f in store.manifest(name)["files"]]
        if not files:
            raise AnalysisError(f"corpus {name!r} has no documents", field="corpus")
        return scan_parquet(files, lex, scheduler=scheduler)  # type: ignore[no-any-return]
    docs = corpus_documents(store, name)
    return FrameScanner(lex, engine).scan(docs, keep_matches=keep_matches, progress=progress)


def load_frame_counts(ws: Workspace, corpus: str) -> pd.DataFrame:
    """Read ``measures/<corpus>.parquet`` of a workspace."""
    path = Path(ws.root) / "measures" / f"{corpus}.parquet"
    if not path.exists():
        raise SourceError(
            f"no frame counts for corpus {corpus!r} (measures/{corpus}.parquet)",
            hint="scripts/build_frame_counts.py or `casus frames CORPUS --save` writes them",
        )
    return pd.read_parquet(path)


def kwic_lines(
    ws: Workspace,
    store: CorpusStore,
    corpus: str,
    frame: str,
    *,
    limit: int = 20,
    width: int = 60,
    cache_dir: Path | None = None,
    documents: list[Document] | None = None,
) -> list[KwicLine]:
    """Keyword-in-context lines of ``frame`` in an ingested corpus (or in ``documents``,
    e.g. a thread's posts, when given)."""
    lex = workspace_lexicon(ws, cache_dir)
    if frame not in lex.frame_ids:
        raise AnalysisError(f"unknown frame id {frame!r}", field="FRAME")
    scanner = FrameScanner(lex)
    docs = documents if documents is not None else corpus_documents(store, corpus)
    return kwic(docs, scanner, frames=[frame], width=width, limit=limit)
