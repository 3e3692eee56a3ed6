"""The corpus store: ingest, idempotency, skip vs fail, atomic writes, queries, real corpora."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casusbelli.errors import SourceError, StoreError
from casusbelli.sources import corpus as corpus_module
from casusbelli.sources.corpus import SCHEMA, CorpusStore
from tests.sources.test_tabular import MIXED_LANGS, MIXED_TITLES, write_mixed_titles

CSV = (
    "id,date,title,text\n"
    "a,2021-12-31,One,Dear colleagues\n"
    "b,2022-02-21,Two,Address to citizens\n"
    "c,,Three,no date here\n"
    "d,2022-02-24,Four,<script>alert(1)</script>\n"
)


def _snapshot(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "speeches.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    return CorpusStore(tmp_path / "corpora")


def _ingest(store: CorpusStore, path: Path, **kw: object) -> corpus_module.IngestReport:
    return store.ingest(path, "test", "text", "date", id_col="id", title_col="title", **kw)  # type: ignore[arg-type]


def test_ingest_writes_year_partitions_and_manifest(store: CorpusStore, source: Path) -> None:
    report = _ingest(store, source)
    assert (report.rows_read, report.rows_added, report.duplicates) == (4, 3, 0)
    assert [(p.row, p.line, p.field) for p in report.problems] == [(3, 4, "date")]
    assert report.by_year == ((2021, 1), (2022, 2))
    corpus = store.root / "test"
    assert sorted(p.parent.name for p in (corpus / "data").rglob("*.parquet")) == [
        "year=2021",
        "year=2022",
    ]
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == 3
    (entry,) = manifest["ingests"]
    assert entry["source"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert entry["source"]["path"] == str(source.resolve())
    assert entry["source"]["ingested_at"].endswith("Z")
    assert entry["source"]["tool_version"].startswith("casusbelli ")
    assert entry["skipped"] == [
        {"row": 3, "line": 4, "field": "date", "message": "missing date", "file": str(source)}
    ]
    assert entry["rows_read"] == 4 and entry["rows_added"] == 3
    assert store.names() == ["test"]


def test_documents_and_query(store: CorpusStore, source: Path) -> None:
    _ingest(store, source)
    docs = store.documents("test")
    assert docs["id"].tolist() == ["a", "b", "d"]
    assert docs["text"].iloc[2] == "<script>alert(1)</script>"
    assert docs["year"].tolist() == [2021, 2022, 2022]
    window = store.documents("test", start="2022-01-01", end=date(2022, 2, 21))
    assert window["id"].tolist() == ["b"]
    counts = store.query("test", "SELECT year, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1")
    assert counts.to_dict("list") == {"year": [2021, 2022], "n": [1, 2]}


def test_reingesting_same_file_is_idempotent(store: CorpusStore, source: Path) -> None:
    _ingest(store, source)
    before = _snapshot(store.root / "test")
    report = _ingest(store, source)
    assert report.already_ingested and report.rows_added == 0
    assert _snapshot(store.root / "test") == before
    assert len(store.documents("test")) == 3


def test_changed_file_adds_only_new_documents(
    store: CorpusStore, source: Path, tmp_path: Path
) -> None:
    _ingest(store, source)
    more = tmp_path / "more.csv"
    more.write_text(CSV + "e,2022-05-09,Five,Parade\n", encoding="utf-8")
    report = _ingest(store, more)
    assert (report.rows_added, report.duplicates) == (1, 3)
    assert store.documents("test")["id"].tolist() == ["a", "b", "d", "e"]
    assert len(store.manifest("test")["ingests"]) == 2


def test_on_error_fail_rejects_and_writes_nothing(
    store: CorpusStore, source: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("id,date,title,text\nz,2020-01-01,T,kept\n", encoding="utf-8")
    _ingest(store, good)
    before = _snapshot(store.root)
    with pytest.raises(SourceError) as info:
        _ingest(store, source, on_error="fail")
    err = info.value
    assert err.file == str(source) and err.line == 4 and err.field == "date"
    assert "1 bad row(s), nothing ingested; first: row 3: missing date" in err.message
    assert _snapshot(store.root) == before


def test_on_error_fail_on_fresh_store_creates_nothing(store: CorpusStore, source: Path) -> None:
    with pytest.raises(SourceError):
        _ingest(store, source, on_error="fail")
    assert not store.root.exists()


def test_missing_column_rejected_before_any_write(store: CorpusStore, source: Path) -> None:
    with pytest.raises(
        SourceError, match="no column 'body'.*columns present: id, date, title, text"
    ):
        store.ingest(source, "test", "body", "date")
    assert not store.root.exists()


def test_failure_while_committing_leaves_store_unchanged(
    store: CorpusStore, source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("id,date,title,text\nz,2022-01-01,T,kept\n", encoding="utf-8")
    _ingest(store, first)
    before = _snapshot(store.root)
    real_replace = corpus_module.os.replace

    def failing_replace(src: object, dst: object) -> None:
        if str(dst).endswith("manifest.json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(corpus_module.os, "replace", failing_replace)
    with pytest.raises(StoreError, match="could not write corpus 'test'.*No space left"):
        _ingest(store, source)
    monkeypatch.undo()
    assert _snapshot(store.root) == before
    assert store.documents("test")["id"].tolist() == ["z"]


def test_orphan_files_are_not_read_and_are_cleaned(store: CorpusStore, source: Path) -> None:
    _ingest(store, source)
    orphan = store.root / "test" / "data" / "year=1999" / "part-crashed.parquet"
    orphan.parent.mkdir(parents=True)
    committed = next((store.root / "test" / "data").rglob("year=2021/*.parquet"))
    orphan.write_bytes(committed.read_bytes())
    assert len(store.documents("test")) == 3
    other = source.with_name("other.csv")
    other.write_text("id,date,title,text\nq,2023-01-01,Q,new\n", encoding="utf-8")
    _ingest(store, other)
    assert not orphan.exists()


_KILL_DURING_INGEST = """
import os, signal, sys
import pyarrow.parquet as pq
from casusbelli.sources import corpus

real = pq.write_table

def write_then_die(table, where, **kw):
    real(table, where, **kw)
    os.kill(os.getpid(), signal.SIGKILL)  # like kill -9 in the middle of an ingest

corpus.pq.write_table = write_then_die
corpus.CorpusStore(sys.argv[1]).ingest(sys.argv[2], "test", "text", "date", id_col="id",
                                       title_col="title")
"""


def test_staging_left_by_a_killed_ingest_is_removed_by_the_next(
    store: CorpusStore, source: Path
) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(corpus_module.__file__).parents[2])}
    done = subprocess.run([sys.executable, "-c", _KILL_DURING_INGEST, str(store.root),
                           str(source)], env=env, capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()
    staging = store.root / ".staging"
    killed = [p for p in staging.iterdir()]
    assert len(killed) == 1 and any(killed[0].rglob("*.parquet"))
    legacy = staging / ("0123456789abcdef" * 2)  # left by a version that named no corpus
    (legacy / "data").mkdir(parents=True)
    busy = staging / f"other.{'f' * 32}"  # an ingest of another corpus, still running
    (busy / "data").mkdir(parents=True)
    report = _ingest(store, source)
    assert report.rows_added == 3
    assert sorted(p.name for p in staging.iterdir()) == [busy.name]
    assert len(store.documents("test")) == 3


def test_unknown_corpus_and_bad_sql(store: CorpusStore, source: Path) -> None:
    with pytest.raises(StoreError, match="no corpus named 'nope'"):
        store.documents("nope")
    _ingest(store, source)
    with pytest.raises(StoreError, match="query failed") as info:
        store.query("test", "SELECT nonsense FROM documents")
    assert info.value.field == "sql"


@pytest.mark.parametrize("name", ["../escape", "", ".hidden", "a/b", "x" * 101])
def test_invalid_corpus_name(store: CorpusStore, source: Path, name: str) -> None:
    with pytest.raises(StoreError, match="invalid corpus name"):
        store.ingest(source, name, "text", "date")


def test_bad_arguments(store: CorpusStore, source: Path) -> None:
    with pytest.raises(SourceError, match="unknown on_error 'ignore'; expected one of skip, fail"):
        _ingest(store, source, on_error="ignore")
    _ingest(store, source)
    with pytest.raises(StoreError, match="start '24.02.2022' is not a YYYY-MM-DD date"):
        store.documents("test", start="24.02.2022")


def test_corrupt_manifest(store: CorpusStore, source: Path) -> None:
    _ingest(store, source)
    (store.root / "test" / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot read the corpus manifest") as info:
        store.documents("test")
    assert info.value.file is not None and info.value.file.endswith("manifest.json")


def test_ingest_with_no_good_rows_gives_an_empty_corpus(store: CorpusStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,text\n,x\n", encoding="utf-8")
    report = store.ingest(path, "empty", "text", "date")
    assert report.rows_added == 0 and report.files == ()
    assert len(store.documents("empty")) == 0


def test_progress_reports_writing(store: CorpusStore, source: Path) -> None:
    labels: list[str] = []
    _ingest(store, source, progress=lambda a, t, label: labels.append(label))
    assert labels[-2:] == ["writing test 2021", "writing test 2022"]



@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl", "parquet"])
def test_blank_titles_in_some_rows_are_stored_as_parquet_nulls(
    store: CorpusStore, source: Path, tmp_path: Path, kind: str
) -> None:
    _ingest(store, source)  # a corpus already there: the new ingest adds to it
    report = _ingest(store, write_mixed_titles(tmp_path, kind))
    assert (report.rows_read, report.rows_added, report.problems) == (4, 4, ())
    stored: dict[str, tuple[object, object]] = {}
    for relative in report.files:
        table = pq.read_table(store.root / "test" / relative)
        assert table.schema.field("title").type == pa.string()
        assert table.schema.field("lang").type == pa.string()
        for row in table.select(["id", "title", "lang"]).to_pylist():
            stored[row["id"]] = (row["title"], row["lang"])
    ids = ("m1", "m2", "m3", "m4")
    assert stored == dict(zip(ids, zip(MIXED_TITLES, MIXED_LANGS, strict=True), strict=True))
    docs = store.documents("test", start="2022-02-25")
    assert docs["id"].tolist() == ["m2", "m3", "m4"]
    assert docs["title"].tolist() == MIXED_TITLES[1:]  # None: not NaN, not "nan"
    assert docs["lang"].tolist() == MIXED_LANGS[1:]
    nulls = store.query("test", "SELECT count(*) AS n FROM documents WHERE title IS NULL")
    assert nulls["n"].iloc[0] == 2
    assert store.manifest("test")["documents"] == 3 + 4



def test_part_table_writes_nan_and_na_titles_as_nulls(source: Path) -> None:
    import pandas as pd

    from casusbelli.sources.provenance import Provenance

    rows = pd.DataFrame(
        {
            "id": ["x", "y", "z"],
            "date": [date(2022, 1, 1)] * 3,
            "title": pd.Series(["T", None, None], dtype="str"),  # None held as NaN
            "text": ["a", "b", "c"],
            "lang": pd.Series(["en", pd.NA, None], dtype="string"),
            "source_row": [1, 2, 3],
            "source_line": pd.Series([2, None, 4], dtype="Int64"),
        }
    )
    table = corpus_module._part_table(rows, Provenance.of_file(source))
    assert table.schema == SCHEMA
    assert table.column("title").to_pylist() == ["T", None, None]
    assert table.column("lang").to_pylist() == ["en", None, None]
    assert table.column("source_line").to_pylist() == [2, None, 4]

def test_arrow_error_while_writing_is_a_store_error_and_keeps_the_corpus(
    store: CorpusStore, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest(store, source)
    before = _snapshot(store.root)

    def bad_table(rows: object, provenance: object) -> pa.Table:
        raise pa.ArrowTypeError("Expected bytes, got a 'float' object")

    monkeypatch.setattr(corpus_module, "_part_table", bad_table)
    other = source.with_name("other.csv")
    other.write_text("id,date,title,text\nq,2023-01-01,Q,new\n", encoding="utf-8")
    with pytest.raises(StoreError, match="could not write corpus 'test'.*Expected bytes") as info:
        _ingest(store, other)
    assert info.value.file == str(store.root / "test")
    monkeypatch.undo()
    assert _snapshot(store.root) == before
    assert store.documents("test")["id"].tolist() == ["a", "b", "d"]
    assert SCHEMA.field("title").nullable and SCHEMA.field("lang").nullable


@pytest.mark.slow
def test_real_corpora_ingest_with_readme_counts(shared_data: Path, tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpora")
    news = store.ingest(
        shared_data / "kremlin" / "kremlin_en_news_2000_2020.parquet",
        "kremlin",
        text_col="text",
        date_col="date",
        id_col="id",
        title_col="title",
    )
    # README: 7,235 rows, 174 announcement pages without a date.
    assert (news.rows_read, news.rows_added, len(news.problems)) == (7235, 7061, 174)
    key = store.ingest(
        shared_data / "kremlin-key" / "speeches.jsonl",
        "kremlin",
        text_col="text",
        date_col="date",
        id_col="id",
        title_col="title",
    )
    assert (key.rows_read, key.rows_added, key.problems) == (1016, 1016, ())
    by_year = store.query(
        "kremlin", "SELECT year, count(*) AS n FROM documents GROUP BY year ORDER BY year"
    )
    counts = dict(zip(by_year["year"], by_year["n"], strict=True))
    assert counts[2003] == 787 and counts[2019] == 550  # README rows per year
    assert counts[2025] == 200  # README: 200 Russian kremlin.ru documents 2025
    feb = store.documents("kremlin", "2022-02-21", "2022-02-24")
    assert {"kremlin-en-67828", "kremlin-en-67843"} <= set(feb["id"])
    ru = store.query("kremlin", "SELECT count(*) AS n FROM documents WHERE lang = 'ru'")
    assert ru["n"].iloc[0] == 201
    again = store.ingest(
        shared_data / "kremlin-key" / "speeches.jsonl", "kremlin", "text", "date", "id", "title"
    )
    assert again.already_ingested
    assert store.manifest("kremlin")["documents"] == 7061 + 1016
