"""The Dask scan over Parquet partitions gives exactly the local counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casusbelli.discourse.distributed import (
    parquet_parts,
    read_part,
    scan_parquet,
    scan_parquet_local,
    write_partitioned,
)
from casusbelli.discourse.lexicon import Lexicon
from casusbelli.discourse.match import Document, scan_documents
from casusbelli.errors import AnalysisError, SourceError


def _frame(docs: list[Document]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [d.doc_id for d in docs],
            "date": [d.date for d in docs],
            "title": [d.title for d in docs],
            "text": [d.text for d in docs],
            "lang": [d.lang for d in docs],
        }
    )


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory, english_docs: list[Document], key_docs: list[Document]
) -> tuple[Path, list[Document]]:
    docs = english_docs[::8] + key_docs[::5]
    folder = tmp_path_factory.mktemp("corpus")
    write_partitioned(_frame(docs), folder, rows_per_file=200)
    return folder, docs


def test_partitions_are_hive_years(corpus: tuple[Path, list[Document]]) -> None:
    folder, docs = corpus
    parts = parquet_parts(folder)
    years = {p.parent.name for p in parts}
    assert {"year=2000", "year=2017", "year=2022", "year=2025", "year=unknown"} <= years
    assert sum(len(read_part(p)) for p in parts) == len(docs)


def test_dask_equals_local(corpus: tuple[Path, list[Document]], builtin_lexicon: Lexicon) -> None:
    folder, docs = corpus
    local = scan_parquet_local(folder, builtin_lexicon)
    dask = scan_parquet(folder, builtin_lexicon, n_workers=2, processes=False)
    assert dask.doc_ids == local.doc_ids
    np.testing.assert_array_equal(dask.counts, local.counts)
    np.testing.assert_array_equal(dask.tokens, local.tokens)
    # and both equal the in-memory scan of the same documents
    direct = scan_documents(docs, builtin_lexicon).sorted_by_doc_id()
    local_sorted = local.sorted_by_doc_id()
    assert direct.doc_ids == local_sorted.doc_ids
    np.testing.assert_array_equal(direct.counts, local_sorted.counts)
    np.testing.assert_array_equal(direct.tokens, local_sorted.tokens)
    assert local.counts.sum() > 100


def test_dask_with_a_given_client_and_file_list(
    corpus: tuple[Path, list[Document]], builtin_lexicon: Lexicon
) -> None:
    from dask.distributed import Client, LocalCluster

    folder, _ = corpus
    files = parquet_parts(folder)[:3]
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        res = scan_parquet(files, builtin_lexicon, client=client, engine="aho")
        assert client.status == "running"  # a client we were given is not closed
    local = scan_parquet_local(files, builtin_lexicon, engine="aho")
    np.testing.assert_array_equal(res.counts, local.counts)


def test_bad_corpus_files(tmp_path: Path, builtin_lexicon: Lexicon) -> None:
    with pytest.raises(SourceError, match="corpus not found"):
        parquet_parts(tmp_path / "nope")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceError, match="no .parquet files"):
        parquet_parts(empty)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 truncated")
    with pytest.raises(SourceError) as err:
        scan_parquet_local([bad], builtin_lexicon)
    assert err.value.file == str(bad)
    wrong = tmp_path / "wrong.parquet"
    pd.DataFrame({"id": [1], "text": ["NATO"]}).to_parquet(wrong)
    with pytest.raises(SourceError, match="missing column") as err:
        read_part(wrong)
    assert err.value.file == str(wrong)
    with pytest.raises(AnalysisError, match="missing column"):
        write_partitioned(pd.DataFrame({"text": ["x"]}), tmp_path / "out")
