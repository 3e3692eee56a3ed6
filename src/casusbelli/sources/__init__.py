"""Ingestion of texts with provenance: unrolled threads, X/Twitter archives, table corpora.

- :func:`parse_thread` / :func:`load_thread`: an unrolled thread -> numbered posts, footer removed.
- :func:`load_x_archive`: an X/Twitter account archive -> the account's self-reply threads.
- :func:`read_table`: a CSV/JSONL/Parquet corpus -> documents plus the rows it skipped.
- :class:`CorpusStore`: named corpora as year-partitioned Parquet with a provenance manifest,
  queried with DuckDB.
"""

from casusbelli.sources.corpus import CorpusStore, IngestReport
from casusbelli.sources.provenance import Provenance, sha256_file
from casusbelli.sources.tabular import RowProblem, detect_lang, read_table
from casusbelli.sources.thread import Post, Thread, load_thread, parse_thread
from casusbelli.sources.x_archive import load_x_archive

__all__ = [
    "CorpusStore",
    "IngestReport",
    "Post",
    "Provenance",
    "RowProblem",
    "Thread",
    "detect_lang",
    "load_thread",
    "load_x_archive",
    "parse_thread",
    "read_table",
    "sha256_file",
]
