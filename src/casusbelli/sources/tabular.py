"""Speech and transcript corpora as tables: CSV, JSONL and Parquet, one document per row.

:func:`read_table` maps the caller's column names onto one document shape (``id``, ``date``,
``year``, ``title``, ``text``, ``lang``, ``source_row``, ``source_line``) and returns the rows
it could read plus a :class:`RowProblem` for each row it could not (missing or invalid date,
empty text, invalid UTF-8, malformed JSON line, duplicate id). A column that is missing from
the whole file is not a row problem: it raises :class:`~casusbelli.errors.SourceError` naming
the column and the columns present.

Dates are kept to the day: ``YYYY-MM-DD`` or any ISO 8601 date-time (a time with an offset
is converted to UTC before its date is taken), or a date/datetime value in Parquet.

Language (``lang="auto"``) is decided by the Cyrillic share of letters in the first 5,000
characters: with ``c`` Cyrillic letters (U+0400-U+04FF) and ``l`` Latin letters (A-Z, a-z),
the document is Cyrillic when ``c / (c + l) >= 0.5``, else ``"en"``; a text with no letter at
all gets ``None``. A Cyrillic document is ``"uk"`` when it has more letters found only in
Ukrainian (і, ї, є, ґ) than letters found only in Russian (ы, э, ъ, ё), else ``"ru"``. The rule
only separates the languages the built-in lexicons inflect (English, Russian, Ukrainian); pass
``lang=`` with any language code (``"tr"``, ``"de"``) to set it for every row.

Document ids come from ``id_col`` when given (as text), else from a stable content hash:
the first 20 hex digits of SHA-256 over ``date``, ``title`` and ``text`` (joined by U+001F),
so the same document gets the same id whichever file it comes from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from casusbelli.errors import SourceError, format_location
from casusbelli.sources.thread import read_limited

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "LANGS",
    "OPTIONAL_TEXT",
    "Progress",
    "RowProblem",
    "detect_lang",
    "optional_texts",
    "read_table",
]

Progress = Callable[[int, int | None, str], None]

COLUMNS = ("id", "date", "year", "title", "text", "lang", "source_row", "source_line")
"""Columns of the frame :func:`read_table` returns (and of every stored corpus document)."""
OPTIONAL_TEXT = ("title", "lang")
"""Text columns of :data:`COLUMNS` that may be missing (``None``) in a document."""

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
LANGS = ("auto", "en", "ru", "uk")
"""Values of ``lang`` with a built-in meaning; any other lower-case language code is kept."""
_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")


def valid_lang(lang: str) -> bool:
    """Whether ``lang`` is ``"auto"`` or a lower-case language code (``en``, ``uk``, ``pt-BR``)."""
    return lang == "auto" or bool(_LANG_CODE.match(lang))
DEFAULT_MAX_BYTES = 1024**3
"""Size limit for CSV/JSONL files, which are read whole (1 GiB)."""

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")
_SURROGATE = re.compile(r"[\udc80-\udcff]")
_LANG_SAMPLE = 5000
_PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped, and why.

    Attributes
    ----------
    row : int
        1-based data row (the header of a CSV is not a row; blank JSONL lines are not rows).
    line : int or None
        1-based line of the file where the row starts (CSV, JSONL); ``None`` for Parquet.
    field : str or None
        The source column at fault, if one is.
    message : str
        What is wrong.
    file : str or None
        The source file.
    """

    row: int
    line: int | None
    field: str | None
    message: str
    file: str | None = None

    def __str__(self) -> str:
        return format_location(
            self.file, self.line, None, self.field, f"row {self.row}: {self.message}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return asdict(self)


def detect_lang(text: str) -> str | None:
    """Return ``"ru"``, ``"uk"`` or ``"en"`` by the letters used (see module docstring).

    Examples
    --------
    >>> detect_lang("Уважаемые граждане России!"), detect_lang("Dear citizens"), detect_lang("42")
    ('ru', 'en', None)
    >>> detect_lang("Дорогі українці, українки!")
    'uk'
    """
    sample = text[:_LANG_SAMPLE]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic + latin == 0:
        return None
    if cyrillic / (cyrillic + latin) < 0.5:
        return "en"
    return "uk" if len(_UK_ONLY.findall(sample)) > len(_RU_ONLY.findall(sample)) else "ru"


def _is_missing(value: Any) -> bool:
    """Whether a cell value is absent: ``None`` or a float NaN (JSON's ``NaN``, a float column)."""
    return value is None or (isinstance(value, float) and value != value)


def optional_texts(values: pd.Series) -> list[str | None]:
    """The values of an optional text column, with every missing one (None, NaN, NA) as None.

    Arrow writes ``None`` as a null but refuses a NaN in a string column ("Expected bytes,
    got a 'float' object"), and pandas turns ``None`` into NaN in its ``str`` dtype.
    """
    return [None if v is pd.NA or _is_missing(v) else v for v in values.tolist()]


def _parse_date(value: Any) -> date | str:
    """Return a date, or an error message."""
    if _is_missing(value):
        return "missing date"
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return "missing date"
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return f"date is {type(value).__name__} {value!r:.40}, expected YYYY-MM-DD text"
    raw = value.strip()
    if not raw:
        return "missing date"
    if _SURROGATE.search(raw):
        return "invalid UTF-8 in date"
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return f"invalid date {raw!r:.40}: expected YYYY-MM-DD or ISO 8601"
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def _content_id(day: date, title: str | None, text: str) -> str:
    joined = "\x1f".join((day.isoformat(), title or "", text))
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:20]


# Each reader yields (row, line, record or problem message, field at fault).
_Raw = tuple[int, int | None, dict[str, Any] | None, str | None, str | None]


def _missing(column: str, role: str, present: list[str], file: str) -> SourceError:
    shown = ", ".join(present[:40]) + (", ..." if len(present) > 40 else "")
    return SourceError(
        f"no column {column!r} (the {role} column) in this file; columns present: {shown}",
        file=file,
        field=column,
        hint=f"pass the right {role} column name",
    )


def _read_csv(data: bytes, file: str, delimiter: str) -> tuple[list[str], Iterator[_Raw]]:
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise SourceError(f"cannot read the CSV header: {exc}", file=file, line=1) from exc
    header = [h.strip() for h in header]

    def rows() -> Iterator[_Raw]:
        row = 0
        previous = reader.line_num
        while True:
            start = previous + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row += 1
                yield row, start, None, f"malformed CSV: {exc}", None
                previous = reader.line_num
                continue
            previous = reader.line_num
            if not fields or fields == [""]:
                continue
            row += 1
            if len(fields) != len(header):
                yield row, start, None, f"expected {len(header)} fields, got {len(fields)}", None
                continue
            yield row, start, dict(zip(header, fields, strict=True)), None, None

    return header, rows()


def _read_jsonl(data: bytes, file: str) -> tuple[list[str], Iterator[_Raw]]:
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    parsed: list[_Raw] = []
    present: dict[str, None] = {}
    row = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        row += 1
        try:
            line_text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            parsed.append(
                (row, number, None, f"invalid UTF-8 at byte {exc.start} of the line", None)
            )
            continue
        try:
            record = json.loads(line_text)
        except json.JSONDecodeError as exc:
            parsed.append(
                (row, number, None, f"malformed JSON: {exc.msg} at column {exc.colno}", None)
            )
            continue
        if not isinstance(record, dict):
            parsed.append(
                (row, number, None, f"expected a JSON object, got {type(record).__name__}", None)
            )
            continue
        present.update(dict.fromkeys(record))
        parsed.append((row, number, record, None, None))
    return list(present), iter(parsed)


def _read_parquet(path: Path, file: str, needed: list[str]) -> tuple[list[str], Iterator[_Raw]]:
    try:
        parquet = pq.ParquetFile(path)
        present = list(parquet.schema_arrow.names)
        missing = [c for c in needed if c not in present]
        if missing:
            return present, iter(())
        table = parquet.read(columns=needed)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"cannot read Parquet: {exc}", file=file) from exc
    columns = {name: table.column(name).to_pylist() for name in needed}

    def rows() -> Iterator[_Raw]:
        for i in range(table.num_rows):
            yield i + 1, None, {name: columns[name][i] for name in needed}, None, None

    return present, rows()


def read_table(
    path: str | Path,
    text_col: str,
    date_col: str,
    id_col: str | None = None,
    title_col: str | None = None,
    lang: str = "auto",
    *,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Read a CSV, TSV, JSONL or Parquet corpus into documents, listing rows it skipped.

    Parameters
    ----------
    path : str or Path
        The file; its format comes from the suffix (``.csv``, ``.tsv``, ``.jsonl``,
        ``.ndjson``, ``.parquet``, ``.pq``).
    text_col, date_col : str
        Columns holding each document's text and date.
    id_col, title_col : str, optional
        Columns holding a document id and a title.
    lang : "auto" or a language code
        Language of every row, or ``"auto"`` to decide per row (see module docstring).
    progress : callable, optional
        ``progress(advance, total, label)``, called every 1,000 rows.
    max_bytes : int
        Size limit for CSV/JSONL, checked before reading.

    Returns
    -------
    (DataFrame, list of RowProblem)
        The frame has :data:`COLUMNS` (``date`` holds ``datetime.date`` values), in file
        order; the problems name each skipped row with its 1-based row and file line.
        ``title`` and ``lang`` (:data:`OPTIONAL_TEXT`) are object columns holding ``str`` or
        ``None``: pandas' inferred ``str`` dtype would turn ``None`` into NaN, which is not
        text and breaks writing them as Arrow strings.

    Raises
    ------
    SourceError
        Unknown format or ``lang``, a missing column (naming the columns present), an
        unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("when,body\\n2022-02-24,Text\\n,No date\\n", encoding="utf-8")
    >>> frame, problems = read_table(p, "body", "when")
    >>> len(frame), str(problems[0]).endswith("3: when: row 2: missing date")
    (1, True)
    """
    path = Path(path)
    file = str(path)
    if not valid_lang(lang):
        raise SourceError(
            f"unknown lang {lang!r}; expected auto or a language code ({', '.join(LANGS[1:])}, "
            "tr, ...)",
            field="lang",
        )
    roles = {"text": text_col, "date": date_col, "id": id_col, "title": title_col}
    raw_rows = _open_rows(path, file, roles, max_bytes)
    columns = (text_col, date_col, id_col, title_col)
    out, problems = _collect(raw_rows, columns, lang, file, path.name, progress)
    frame = pd.DataFrame(
        {c: pd.Series(out[c], dtype=object if c in OPTIONAL_TEXT else None) for c in COLUMNS}
    )
    frame["year"] = frame["year"].astype("int64")
    frame["source_row"] = frame["source_row"].astype("int64")
    frame["source_line"] = frame["source_line"].astype("Int64")
    return frame, problems


def _open_rows(
    path: Path, file: str, roles: dict[str, str | None], max_bytes: int
) -> Iterator[_Raw]:
    """Open the table by its suffix and check that every named column is in it.

    Parameters
    ----------
    path, file
        The table and its name for error messages.
    roles : dict
        Role (``text``, ``date``, ``id``, ``title``) -> column name, or ``None`` if unused.
    max_bytes : int
        Size limit for CSV/JSONL.

    Returns
    -------
    iterator of _Raw
        The rows, as the format's reader yields them.

    Raises
    ------
    SourceError
        Unknown format, no such file, file over the limit, or a missing column.
    """
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(
            f"unknown table format {path.suffix!r}; expected one of {', '.join(FORMATS)}",
            file=file,
        )
    needed = list(dict.fromkeys(c for c in roles.values() if c is not None))
    if kind == "parquet":
        if not path.is_file():
            raise SourceError("no such file", file=file)
        present, raw_rows = _read_parquet(path, file, needed)
    else:
        data = read_limited(path, max_bytes)
        if kind == "jsonl":
            present, raw_rows = _read_jsonl(data, file)
        else:
            present, raw_rows = _read_csv(data, file, "\t" if kind == "tsv" else ",")
    for role, column in roles.items():
        if column is not None and column not in present:
            raise _missing(column, role, present, file)
    return raw_rows


class _Reject(NamedTuple):
    """Why a row is skipped: the source column at fault (if one is) and what is wrong."""

    field: str | None
    message: str


def _text(record: dict[str, Any], text_col: str) -> str | _Reject:
    """The row's text, or why it is unusable (missing, not a string, invalid UTF-8, empty)."""
    text = record.get(text_col)
    if text is None:
        return _Reject(text_col, "missing text")
    if not isinstance(text, str):
        return _Reject(text_col, f"text is {type(text).__name__}, expected a string")
    if _SURROGATE.search(text):
        return _Reject(text_col, "invalid UTF-8 in text")
    if not text.strip():
        return _Reject(text_col, "empty text")
    return text


def _title(record: dict[str, Any], title_col: str | None) -> str | None | _Reject:
    """The row's title (stripped; ``None`` if absent, NaN or blank), or why it is unusable."""
    title = record.get(title_col) if title_col else None
    if _is_missing(title):
        return None
    if title is not None:
        title = title if isinstance(title, str) else str(title)
        if _SURROGATE.search(title):
            return _Reject(title_col, "invalid UTF-8 in title")
        title = title.strip() or None
    return title


def _document_id(
    record: dict[str, Any],
    id_col: str | None,
    day: date,
    title: str | None,
    text: str,
    first_row_of: dict[str, int],
) -> str | _Reject:
    """The row's id (``id_col`` as text, else the content hash), or why it is unusable.

    ``first_row_of`` maps each id already read to its row, so a repeated id (or, without
    ``id_col``, a repeated date, title and text) is rejected naming the first row.
    """
    if id_col is not None:
        raw_id = record.get(id_col)
        doc_id = None if _is_missing(raw_id) else str(raw_id).strip()
        if not doc_id:
            return _Reject(id_col, "missing id")
        if _SURROGATE.search(doc_id):
            return _Reject(id_col, "invalid UTF-8 in id")
        if doc_id in first_row_of:
            return _Reject(
                id_col, f"duplicate id {doc_id!r} (first at row {first_row_of[doc_id]})"
            )
    else:
        doc_id = _content_id(day, title, text)
        if doc_id in first_row_of:
            return _Reject(
                None,
                f"duplicate document: same date, title and text as row {first_row_of[doc_id]}",
            )
    return doc_id


#: The caller's text, date, id and title columns.
_Columns = tuple[str, str, str | None, str | None]


def _document(
    record: dict[str, Any], columns: _Columns, first_row_of: dict[str, int]
) -> tuple[str, date, str | None, str] | _Reject:
    """Check one row's text, date, title and id, in that order; the first fault rejects it.

    Returns
    -------
    (str, date, str or None, str) or _Reject
        The document's id, date, title and text, or why the row is skipped.
    """
    text_col, date_col, id_col, title_col = columns
    text = _text(record, text_col)
    if isinstance(text, _Reject):
        return text
    day = _parse_date(record.get(date_col))
    if isinstance(day, str):
        return _Reject(date_col, day)
    title = _title(record, title_col)
    if isinstance(title, _Reject):
        return title
    doc_id = _document_id(record, id_col, day, title, text, first_row_of)
    if isinstance(doc_id, _Reject):
        return doc_id
    return doc_id, day, title, text


def _collect(
    raw_rows: Iterator[_Raw],
    columns: _Columns,
    lang: str,
    file: str,
    name: str,
    progress: Progress | None,
) -> tuple[dict[str, list[Any]], list[RowProblem]]:
    """Turn the raw rows into document columns (:data:`COLUMNS`) and the skipped rows.

    ``progress`` is called every :data:`_PROGRESS_EVERY` rows and once at the end, with
    ``name`` (the file's name) in its label.
    """
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    done = 0
    for row, line, record, error, field in raw_rows:
        done += 1
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(_PROGRESS_EVERY, None, f"reading {name}")
        if record is None:
            problems.append(RowProblem(row, line, field, error or "unreadable row", file))
            continue
        document = _document(record, columns, first_row_of)
        if isinstance(document, _Reject):
            problems.append(RowProblem(row, line, document.field, document.message, file))
            continue
        doc_id, day, title, text = document
        first_row_of[doc_id] = row
        out["id"].append(doc_id)
        out["date"].append(day)
        out["year"].append(day.year)
        out["title"].append(title)
        out["text"].append(text)
        out["lang"].append(detect_lang(text) if lang == "auto" else lang)
        out["source_row"].append(row)
        out["source_line"].append(line)
    if progress is not None:
        progress(done % _PROGRESS_EVERY, done, f"read {name}")
    return out, problems
