"""The corpus store: documents from ingested tables, as year-partitioned Parquet, with provenance.

Layout under the store's root::

    <root>/<name>/manifest.json                      committed files, provenance of each ingest
    <root>/<name>/data/year=2022/part-<ingest>.parquet
    <root>/.staging/<name>.<uuid>/                   work area of an ingest in progress
    <root>/.<name>.lock                              held while an ingest writes

Every ingest writes its Parquet files (one per year) into a fresh staging folder, moves them
into place under new names with :func:`os.replace`, then commits by replacing
``manifest.json`` (written to a temporary file and fsynced first). Readers only read files
the manifest lists, so an ingest that fails at any point leaves the corpus exactly as it was;
leftovers of a crashed or killed ingest (Parquet files the manifest does not list, and its
staging folder) are removed by the next ingest of the same corpus, under the corpus lock.

Re-ingesting a file whose SHA-256 is already in the manifest changes nothing
(``already_ingested=True``). Documents whose id is already in the corpus are not added
again (``duplicates`` counts them): the first version of a document wins.

Queries run in DuckDB over the committed files (``read_parquet(..., hive_partitioning=true)``,
so ``year`` comes from the folder name) as a view named ``documents``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from casusbelli.errors import SourceError, StoreError
from casusbelli.sources.provenance import Provenance
from casusbelli.sources.tabular import (
    LANGS,
    OPTIONAL_TEXT,
    Progress,
    RowProblem,
    optional_texts,
    read_table,
    valid_lang,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["MANIFEST_FORMAT", "SCHEMA", "CorpusStore", "IngestReport"]

MANIFEST_FORMAT = "casusbelli-corpus"
_MANIFEST_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
ON_ERROR = ("skip", "fail")

SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("source_row", pa.int64(), nullable=False),
        pa.field("source_line", pa.int64()),
        pa.field("source_sha256", pa.string(), nullable=False),
    ]
)
"""Schema of each stored Parquet file (``year`` is the hive partition, not a file column)."""


@dataclass(frozen=True)
class IngestReport:
    """What one call of :meth:`CorpusStore.ingest` did.

    Attributes
    ----------
    name : str
        Corpus name.
    source : Provenance
        The file, its SHA-256, the ingestion time and tool version.
    rows_read : int
        Data rows in the file (good and bad).
    rows_added : int
        Documents added to the corpus.
    duplicates : int
        Good rows not added because their id was already in the corpus.
    problems : tuple of RowProblem
        Rows skipped, with the reason (empty when ``on_error="fail"`` succeeded).
    already_ingested : bool
        The same file (same SHA-256) was ingested before; nothing was changed.
    files : tuple of str
        Parquet files written, relative to the corpus folder.
    by_year : tuple of (int, int)
        Documents added per year.
    """

    name: str
    source: Provenance
    rows_read: int
    rows_added: int
    duplicates: int
    problems: tuple[RowProblem, ...] = ()
    already_ingested: bool = False
    files: tuple[str, ...] = ()
    by_year: tuple[tuple[int, int], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (the shape a ``--json`` CLI prints)."""
        return {
            "name": self.name,
            "source": self.source.to_dict(),
            "rows_read": self.rows_read,
            "rows_added": self.rows_added,
            "duplicates": self.duplicates,
            "skipped": [p.to_dict() for p in self.problems],
            "already_ingested": self.already_ingested,
            "files": list(self.files),
            "by_year": {str(y): n for y, n in self.by_year},
        }


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _check_options(on_error: str, lang: str) -> None:
    """Reject an unknown ``on_error`` or ``lang`` before anything is read.

    Raises
    ------
    SourceError
        Naming the field (``on_error`` or ``lang``) and the accepted values.
    """
    if on_error not in ON_ERROR:
        raise SourceError(
            f"unknown on_error {on_error!r}; expected one of {', '.join(ON_ERROR)}",
            field="on_error",
        )
    if not valid_lang(lang):
        raise SourceError(
            f"unknown lang {lang!r}; expected auto or a language code "
            f"({', '.join(LANGS[1:])}, tr, ...)",
            field="lang"
        )


def _bad_rows_error(problems: list[RowProblem]) -> SourceError:
    """The error of an ``on_error="fail"`` ingest: the first bad row and how many there are."""
    first = problems[0]
    return SourceError(
        f"{len(problems)} bad row(s), nothing ingested; first: row {first.row}: "
        f"{first.message}",
        file=first.file,
        line=first.line,
        field=first.field,
        hint="fix the rows, or ingest with on_error='skip' to leave them out",
    )


def _part_table(rows: pd.DataFrame, source: Provenance) -> pa.Table:
    """The documents of one year as an Arrow table of :data:`SCHEMA` (missing title and
    lang are nulls)."""
    return pa.table(
        {
            "id": rows["id"].tolist(),
            "date": rows["date"].tolist(),
            "title": optional_texts(rows["title"]),
            "text": rows["text"].tolist(),
            "lang": optional_texts(rows["lang"]),
            "source_row": rows["source_row"].tolist(),
            "source_line": [
                None if pd.isna(v) else int(v) for v in rows["source_line"]
            ],
            "source_sha256": [source.sha256] * len(rows),
        },
        schema=SCHEMA,
    )


def _stage_parts(
    staging: Path,
    new: pd.DataFrame,
    source: Provenance,
    name: str,
    progress: Progress | None,
) -> tuple[list[tuple[Path, str]], list[tuple[int, int]]]:
    """Write one zstd Parquet file per year of ``new`` into the staging folder.

    Each file is ``data/year=<year>/part-<ingest time>-<sha256 prefix>.parquet``, so the
    files of different ingests never share a name.

    Returns
    -------
    (list of (Path, str), list of (int, int))
        Each staged file with its path relative to the corpus folder, and the number of
        documents per year.
    """
    stamp = source.ingested_at.replace("-", "").replace(":", "")
    part = f"part-{stamp}-{source.sha256[:12]}.parquet"
    staged: list[tuple[Path, str]] = []
    by_year = []
    years = sorted(new["year"].unique().tolist()) if len(new) else []
    for year in years:
        rows = new[new["year"] == year]
        relative = f"data/year={int(year)}/{part}"
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(_part_table(rows, source), target, compression="zstd")
        staged.append((target, relative))
        by_year.append((int(year), len(rows)))
        if progress is not None:
            progress(1, len(years), f"writing {name} {int(year)}")
    return staged, by_year


class CorpusStore:
    """Named corpora of dated documents under one root folder.

    Parameters
    ----------
    root : Path
        Folder holding the corpora (created on first ingest).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "s.csv").write_text("date,text\\n2022-02-24,Hello\\n", encoding="utf-8")
    >>> store = CorpusStore(tmp / "corpora")
    >>> store.ingest(tmp / "s.csv", "demo", text_col="text", date_col="date").rows_added
    1
    >>> store.ingest(tmp / "s.csv", "demo", text_col="text", date_col="date").already_ingested
    True
    >>> store.query("demo", "SELECT year, count(*) AS n FROM documents GROUP BY year").n.tolist()
    [1]
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # -- reading ----------------------------------------------------------------------------

    def _dir(self, name: str) -> Path:
        if not isinstance(name, str) or not _NAME.match(name):
            raise StoreError(
                f"invalid corpus name {name!r}: use letters, digits, '_' and '-' "
                "(at most 100, not starting with '-' or '_')",
                field="name",
            )
        return self.root / name

    def names(self) -> list[str]:
        """Return the names of the corpora in the store, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "manifest.json").is_file())

    def manifest(self, name: str) -> dict[str, Any]:
        """Return the manifest of corpus ``name`` (an empty one if it does not exist yet)."""
        path = self._dir(name) / "manifest.json"
        if not path.is_file():
            return {
                "format": MANIFEST_FORMAT,
                "version": _MANIFEST_VERSION,
                "name": name,
                "documents": 0,
                "files": [],
                "ingests": [],
            }
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(f"cannot read the corpus manifest: {exc}", file=str(path)) from exc
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise StoreError("not a casusbelli corpus manifest", file=str(path))
        if data.get("version") != _MANIFEST_VERSION:
            raise StoreError(
                f"corpus manifest version {data.get('version')!r}; this casusbelli reads "
                f"version {_MANIFEST_VERSION}",
                file=str(path),
                field="version",
            )
        return data

    def _require(self, name: str) -> dict[str, Any]:
        if not (self._dir(name) / "manifest.json").is_file():
            known = ", ".join(self.names()) or "none"
            raise StoreError(
                f"no corpus named {name!r} in {self.root} (corpora: {known})", field="name"
            )
        return self.manifest(name)

    def _connect(self, name: str, manifest: dict[str, Any]) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        files = [str(self._dir(name) / f) for f in manifest["files"]]
        if files:
            relation = con.read_parquet(files, hive_partitioning=True)
            relation.create_view("documents")
        else:
            con.execute(
                "CREATE VIEW documents AS SELECT NULL::VARCHAR AS id, NULL::DATE AS date, "
                "NULL::VARCHAR AS title, NULL::VARCHAR AS text, NULL::VARCHAR AS lang, "
                "NULL::BIGINT AS source_row, NULL::BIGINT AS source_line, "
                "NULL::VARCHAR AS source_sha256, NULL::BIGINT AS year WHERE false"
            )
        return con

    def query(self, name: str, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run SQL over corpus ``name``, whose documents are the view ``documents``.

        Columns: ``id, date, title, text, lang, source_row, source_line, source_sha256,
        year``. Raises :class:`StoreError` for an unknown corpus or invalid SQL.
        """
        manifest = self._require(name)
        con = self._connect(name, manifest)
        try:
            return con.execute(sql, params or []).df()
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}", field="sql") from exc
        finally:
            con.close()

    def documents(
        self, name: str, start: date | str | None = None, end: date | str | None = None
    ) -> pd.DataFrame:
        """Return the documents of corpus ``name`` dated within [start, end], by date then id.

        ``title`` and ``lang`` hold ``str`` or ``None`` (a stored null), not NaN.
        """
        bounds = []
        for label, value in (("start", start), ("end", end)):
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError as exc:
                    raise StoreError(
                        f"{label} {value!r} is not a YYYY-MM-DD date", field=label
                    ) from exc
            bounds.append(value)
        frame = self.query(
            name,
            "SELECT id, date, year, title, text, lang, source_row, source_line, source_sha256 "
            "FROM documents WHERE (?::DATE IS NULL OR date >= ?::DATE) "
            "AND (?::DATE IS NULL OR date <= ?::DATE) ORDER BY date, id",
            [bounds[0], bounds[0], bounds[1], bounds[1]],
        )
        for column in OPTIONAL_TEXT:  # DuckDB gives pandas' str dtype, where null is NaN
            frame[column] = pd.Series(optional_texts(frame[column]), frame.index, object)
        return frame

    # -- writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        lock_path = self.root / f".{name}.lock"
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the block
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError as exc:
                    raise StoreError(
                        f"corpus {name!r} is locked by another ingest", file=str(lock_path)
                    ) from exc
            yield
        finally:
            handle.close()

    def _remove_orphans(self, corpus: Path, manifest: dict[str, Any]) -> None:
        committed = {corpus / f for f in manifest["files"]}
        data = corpus / "data"
        if data.is_dir():
            for path in data.rglob("*.parquet"):
                if path not in committed:
                    path.unlink()

    def _remove_stale_staging(self, name: str) -> None:
        """Remove staging folders of this corpus left by a killed ingest (the lock is held).

        No ingest of this corpus can be running, so its folders (``<name>.<uuid>``) are dead;
        folders named by a bare uuid come from versions that did not record the corpus and
        are removed too. Other corpora's folders are left to their own ingests.
        """
        staging = self.root / ".staging"
        if not staging.is_dir():
            return
        for folder in staging.iterdir():
            owner, _, tail = folder.name.rpartition(".")
            legacy = not owner and re.fullmatch(r"[0-9a-f]{32}", tail) is not None
            if (owner == name or legacy) and folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)

    def _existing_ids(self, name: str, manifest: dict[str, Any]) -> set[str]:
        if not manifest["files"]:
            return set()
        con = self._connect(name, manifest)
        try:
            return {row[0] for row in con.execute("SELECT id FROM documents").fetchall()}
        finally:
            con.close()

    def ingest(
        self,
        path: str | Path,
        name: str,
        text_col: str,
        date_col: str,
        id_col: str | None = None,
        title_col: str | None = None,
        lang: str = "auto",
        on_error: str = "skip",
        progress: Progress | None = None,
    ) -> IngestReport:
        """Add the documents of a CSV/JSONL/Parquet file to corpus ``name``.

        Parameters
        ----------
        path : str or Path
            The table (see :func:`~casusbelli.sources.tabular.read_table`).
        name : str
            Corpus name (letters, digits, ``_``, ``-``); created if new.
        text_col, date_col, id_col, title_col, lang
            As for :func:`~casusbelli.sources.tabular.read_table`.
        on_error : {"skip", "fail"}
            ``"skip"`` leaves bad rows out and lists them in the report and manifest;
            ``"fail"`` rejects the whole file (nothing is written) if any row is bad.
        progress : callable, optional
            ``progress(advance, total, label)``.

        Returns
        -------
        IngestReport

        Raises
        ------
        SourceError
            Unreadable file, missing column, or (with ``on_error="fail"``) the first bad row
            with its row, line and column, and the number of bad rows.
        StoreError
            Invalid name, corrupt manifest, or another ingest holding the lock.
        """
        corpus = self._dir(name)
        _check_options(on_error, lang)
        source = Provenance.of_file(path)
        previous = self._find_ingest(self.manifest(name), source.sha256)
        if previous is not None:
            return self._already(name, source, previous)

        frame, problems = read_table(
            path, text_col, date_col, id_col, title_col, lang, progress=progress
        )
        rows_read = len(frame) + len(problems)
        if problems and on_error == "fail":
            raise _bad_rows_error(problems)

        with self._locked(name):
            manifest = self.manifest(name)  # re-read under the lock
            previous = self._find_ingest(manifest, source.sha256)
            if previous is not None:
                return self._already(name, source, previous)
            self._remove_orphans(corpus, manifest)
            self._remove_stale_staging(name)
            existing = self._existing_ids(name, manifest)
            new = frame[~frame["id"].isin(existing)] if existing else frame
            duplicates = len(frame) - len(new)
            entry: dict[str, Any] = {
                "source": source.to_dict(),
                "columns": {"text": text_col, "date": date_col,
                            "id": id_col, "title": title_col},
                "lang": lang,
                "on_error": on_error,
                "rows_read": rows_read,
                "rows_added": len(new),
                "duplicates": duplicates,
                "skipped": [p.to_dict() for p in problems],
            }
            written, by_year = self._commit(name, corpus, manifest, source, new, entry, progress)
        return IngestReport(
            name=name,
            source=source,
            rows_read=rows_read,
            rows_added=len(new),
            duplicates=duplicates,
            problems=tuple(problems),
            files=tuple(written),
            by_year=tuple(by_year),
        )

    def _commit(
        self,
        name: str,
        corpus: Path,
        manifest: dict[str, Any],
        source: Provenance,
        new: pd.DataFrame,
        entry: dict[str, Any],
        progress: Progress | None,
    ) -> tuple[list[str], list[tuple[int, int]]]:
        """Write ``new`` as Parquet parts and commit them with the updated manifest.

        Parts and manifest go to a fresh staging folder; the parts are moved into
        ``corpus`` with :func:`os.replace`, and replacing ``manifest.json`` is the commit
        point. On any failure the moved parts are removed again, so the corpus stays as it
        was. Runs under the corpus lock.

        Parameters
        ----------
        name, corpus, manifest
            The corpus name, its folder, and its manifest as read under the lock.
        source : Provenance
            The ingested file.
        new : DataFrame
            The documents to add (rows of :func:`~casusbelli.sources.tabular.read_table`).
        entry : dict
            This ingest's manifest entry without ``files`` and ``by_year`` (added here).
        progress : callable, optional
            ``progress(advance, total, label)``, once per year written.

        Returns
        -------
        (list of str, list of (int, int))
            The files written (relative to ``corpus``) and the documents added per year.

        Raises
        ------
        StoreError
            A file could not be written or moved, or Arrow refused the documents.
        """
        staging = self.root / ".staging" / f"{name}.{uuid.uuid4().hex}"
        moved: list[Path] = []
        try:
            staging.mkdir(parents=True)
            staged, by_year = _stage_parts(staging, new, source, name, progress)
            written = [relative for _, relative in staged]
            entry = {**entry, "files": written, "by_year": {str(y): n for y, n in by_year}}
            updated = dict(manifest)
            updated["files"] = list(manifest["files"]) + written
            updated["documents"] = int(manifest.get("documents", 0)) + len(new)
            updated["ingests"] = list(manifest["ingests"]) + [entry]
            manifest_tmp = staging / "manifest.json"
            _fsync_write(
                manifest_tmp,
                (json.dumps(updated, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            )
            for target, relative in staged:
                final = corpus / relative
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, final)
                moved.append(final)
            corpus.mkdir(parents=True, exist_ok=True)
            os.replace(manifest_tmp, corpus / "manifest.json")  # the commit point
            moved.clear()
        except (OSError, pa.ArrowException) as exc:
            raise StoreError(
                f"could not write corpus {name!r}: {exc}", file=str(corpus)
            ) from exc
        finally:
            for leftover in moved:  # uncommitted: the manifest never listed them
                with contextlib.suppress(OSError):
                    leftover.unlink()
            shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                (self.root / ".staging").rmdir()
        return written, by_year

    @staticmethod
    def _find_ingest(manifest: dict[str, Any], sha256: str) -> dict[str, Any] | None:
        return next(
            (i for i in manifest["ingests"] if i.get("source", {}).get("sha256") == sha256),
            None,
        )

    @staticmethod
    def _already(name: str, source: Provenance, previous: dict[str, Any]) -> IngestReport:
        return IngestReport(
            name=name,
            source=Provenance.from_dict(previous["source"]),
            rows_read=int(previous.get("rows_read", 0)),
            rows_added=0,
            duplicates=0,
            already_ingested=True,
        )
