"""The frame scan over a partitioned Parquet corpus, locally or on a Dask cluster.

A corpus is a set of Parquet files with the columns ``doc_id, date, title, text, lang``
(``date`` as ``YYYY-MM-DD`` text or null), given as a list of paths or as a folder, typically
partitioned by year in the Hive layout (``corpus/year=2014/part-0.parquet``), as
:func:`write_partitioned` writes it. Each file is one task: a worker reads it, scans it with the
same :class:`~casusbelli.discourse.match.FrameScanner` as the local engine and returns a
:class:`~casusbelli.discourse.match.ScanResult`; the results are concatenated in file order, so
:func:`scan_parquet` gives exactly the counts of :func:`scan_parquet_local`.

By default a ``dask.distributed.LocalCluster`` is started (and closed) for the call; pass
``client`` or ``scheduler`` (an address such as ``tcp://host:8786``) to use a running cluster.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from casusbelli.discourse.lexicon import Lexicon
from casusbelli.discourse.match import Document, FrameScanner, ScanResult
from casusbelli.errors import AnalysisError, SourceError

__all__ = [
    "COLUMNS",
    "parquet_parts",
    "read_part",
    "scan_parquet",
    "scan_parquet_local",
    "write_partitioned",
]

#: Columns a corpus file must have.
COLUMNS = ("doc_id", "date", "title", "text", "lang")

Progress = Callable[[int, int | None, str], None]

_local = threading.local()


def write_partitioned(
    frame: Any, folder: str | os.PathLike[str], *, rows_per_file: int | None = None
) -> list[Path]:
    """Write a pandas DataFrame with :data:`COLUMNS` as ``folder/year=YYYY/part-N.parquet``.

    Rows without a date go to ``year=unknown``. Returns the files written, sorted.
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise AnalysisError(f"missing column(s) {missing}", field="columns")
    root = Path(folder)
    data = frame.loc[:, list(COLUMNS)].copy()
    data["doc_id"] = data["doc_id"].astype(str)
    year = data["date"].astype("string").str.slice(0, 4).fillna("unknown")
    written: list[Path] = []
    for y in sorted(year.unique()):
        part = data[year == y]
        step = rows_per_file or max(len(part), 1)
        for n, lo in enumerate(range(0, len(part), step)):
            path = root / f"year={y}" / f"part-{n}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pandas(part.iloc[lo : lo + step], preserve_index=False)
            pq.write_table(table, path)
            written.append(path)
    return sorted(written)


def parquet_parts(source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The Parquet files of ``source``: a file, a folder (searched recursively) or a list."""
    if isinstance(source, str | os.PathLike):
        root = Path(source)
        if root.is_dir():
            parts = sorted(p for p in root.rglob("*.parquet") if p.is_file())
            if not parts:
                raise SourceError("no .parquet files in folder", file=str(root))
            return parts
        if not root.is_file():
            raise SourceError("corpus not found", file=str(root))
        return [root]
    parts = [Path(p) for p in source]
    for p in parts:
        if not p.is_file():
            raise SourceError("corpus file not found", file=str(p))
    return parts


def read_part(path: str | os.PathLike[str]) -> list[Document]:
    """Read one corpus file as documents (row order kept). The id column is ``doc_id``, or
    ``id`` as :class:`~casusbelli.sources.corpus.CorpusStore` writes it."""
    import pyarrow.parquet as pq  # noqa: PLC0415
    from pyarrow import ArrowException  # noqa: PLC0415

    try:
        table = pq.read_table(path)
    except (ArrowException, OSError) as exc:
        raise SourceError(f"cannot read Parquet file: {exc}", file=str(path)) from exc
    if "doc_id" not in table.column_names and "id" in table.column_names:
        table = table.rename_columns(["doc_id" if c == "id" else c for c in table.column_names])
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise SourceError(
            f"missing column(s) {missing} (a corpus file needs {', '.join(COLUMNS)})",
            file=str(path),
            field=missing[0],
        )
    cols = {c: table.column(c).to_pylist() for c in COLUMNS}
    out = []
    for i in range(table.num_rows):
        date = cols["date"][i]
        out.append(
            Document(
                doc_id=str(cols["doc_id"][i]),
                text=cols["text"][i] or "",
                date=str(date)[:10] if date is not None else None,
                title=cols["title"][i],
                lang=cols["lang"][i],
            )
        )
    return out


def _scanner(lexicon: Lexicon, engine: str) -> FrameScanner:
    """One compiled scanner per thread and lexicon (Hyperscan scratch space is per thread)."""
    cache: dict[tuple[str, tuple[str, ...], str], FrameScanner] = getattr(_local, "cache", {})
    _local.cache = cache
    key = (lexicon.key, lexicon.forms[:1], engine)
    if key not in cache:
        cache[key] = FrameScanner(lexicon, engine)
    return cache[key]


def _scan_part(path: str, lexicon: Lexicon, engine: str, keep_matches: bool) -> ScanResult:
    return _scanner(lexicon, engine).scan(read_part(path), keep_matches=keep_matches)


def scan_parquet_local(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    lexicon: Lexicon,
    *,
    engine: str = "auto",
    keep_matches: bool = False,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan every file of ``source`` in this process, in file order."""
    parts = parquet_parts(source)
    results = []
    for p in parts:
        results.append(_scan_part(str(p), lexicon, engine, keep_matches))
        if progress is not None:
            progress(1, len(parts), "scanning corpus files")
    return ScanResult.concat(results)


def scan_parquet(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    lexicon: Lexicon,
    *,
    engine: str = "auto",
    client: Any = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    processes: bool = False,
    keep_matches: bool = False,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan every file of ``source`` on a Dask cluster, one task per file.

    Parameters
    ----------
    source
        A Parquet file, a folder of them (e.g. Hive ``year=YYYY`` partitions) or a list.
    lexicon
        The frames' forms (sent to the workers once).
    engine
        As for :class:`~casusbelli.discourse.match.FrameScanner`.
    client, scheduler
        A ``dask.distributed.Client``, or a scheduler address; with neither, a
        ``LocalCluster(n_workers, threads_per_worker=1, processes=processes)`` is started
        for this call and closed after it.
    """
    from dask.distributed import Client, LocalCluster, as_completed  # noqa: PLC0415

    parts: Sequence[Path] = parquet_parts(source)
    own_cluster = None
    own_client = None
    if client is None:
        if scheduler is not None:
            own_client = client = Client(scheduler)
        else:
            own_cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            own_client = client = Client(own_cluster)
    try:
        [lex] = client.scatter([lexicon], broadcast=True)
        futures = [
            client.submit(_scan_part, str(p), lex, engine, keep_matches, pure=False) for p in parts
        ]
        for _ in as_completed(futures):
            if progress is not None:
                progress(1, len(parts), "scanning corpus files")
        results = client.gather(futures)
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()
    return ScanResult.concat(list(results))
