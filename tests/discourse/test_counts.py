"""The pure counts functions: documents from rows and posts, the counts table, rates, and a
case's measured value, on plain pandas tables (no workspace, no store)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from casusbelli.discourse.counts import (
    frame_counts_table,
    frame_documents,
    frame_rates,
    measure_case,
    thread_documents,
)
from casusbelli.discourse.lexicon import Frame, build_lexicon
from casusbelli.discourse.match import Document, FrameScanner
from casusbelli.errors import AnalysisError


def test_frame_documents_reads_ids_dates_and_missing_texts():
    df = pd.DataFrame({
        "id": [1, 2],
        "date": ["2020-01-01T10:00:00", np.nan],
        "text": ["Nazi threat.", None],
        "title": ["Speech", np.nan],
        "lang": [pd.NA, "en"],
    })
    assert frame_documents(df) == [
        Document("1", "Nazi threat.", "2020-01-01", "Speech", None),
        Document("2", "", None, None, "en"),
    ]
    # a null text is no text (not the word "nan"); a doc_id column wins over id
    both = df.assign(doc_id=["a", "b"])
    assert [d.doc_id for d in frame_documents(both)] == ["a", "b"]


def test_thread_documents_date_posts_by_their_own_date_or_the_first_dated_post():
    doc = {"posts": [{"n": 1, "text": "one"},
                     {"n": 2, "text": "two", "created_at": "2022-02-24T05:00:00Z"}]}
    posts = thread_documents(doc, lang="ru")
    assert [(p.doc_id, p.date, p.lang) for p in posts] == [
        ("post 1", "2022-02-24", "ru"), ("post 2", "2022-02-24", "ru")]
    assert thread_documents({"date": "2021-01-01", "posts": [{"n": 1, "text": "x"}]})[0].date \
        == "2021-01-01"
    assert thread_documents({"posts": [{"n": 1, "text": "x"}]})[0].date is None


def test_frame_counts_table_has_one_row_per_document_and_no_text():
    small_lexicon = build_lexicon([Frame("west", "West", "d", {"en": ("nato",)}),
                                   Frame("fascism", "F", "d", {"en": ("nazi",)})])
    docs = [Document("a", "NATO nazi", "2014-03-18", "t"), Document("b", "nothing", None)]
    result = FrameScanner(small_lexicon, "regex").scan(docs)
    table = frame_counts_table(result, urls={"a": "https://example.org/a"})
    assert "text" not in table.columns
    assert list(table["doc_id"]) == ["a", "b"]
    assert table["url"].iloc[0] == "https://example.org/a" and pd.isna(table["url"].iloc[1])
    assert list(table["tokens"]) == [2, 1]
    assert list(table["west"]) == [1, 0] and list(table["fascism"]) == [1, 0]


COUNTS = pd.DataFrame(
    [("b1", "2001-01-10", "before", 10000, 2),
     ("w1", "2001-02-10", "after", 10000, 8),
     ("x", None, None, 500, 5)],
    columns=["doc_id", "date", "title", "tokens", "threat"],
)


def test_frame_rates_by_month_and_unknown_frame():
    rows = frame_rates(COUNTS, ["threat"], by="month")
    assert [(r["window"], r["hits"], r["rate"]) for r in rows] == [
        ("2001-01", 2, 2.0), ("2001-02", 8, 8.0)]
    with pytest.raises(AnalysisError, match="frame 'other' is not counted"):
        frame_rates(COUNTS, ["other"])


def _spec(**kw):
    base = {"frames": ["threat"], "window_days": 30, "baseline_days": 30, "min_docs": 1,
            "min_coverage": 0.5, "calibration": [1.0, 1.5, 3.0]}
    return SimpleNamespace(**{**base, **kw})


def test_measure_case_ratio_of_the_window_to_the_baseline():
    out = measure_case(COUNTS, _spec(), "2001-02-03")
    assert out["raw"] == pytest.approx(4.0)  # 8 vs 2 per 10,000 tokens
    assert out["value"] > 0.95  # above the inclusion threshold 3
    # a month start is placed on its first day
    assert measure_case(COUNTS, _spec(), "2001-02")["window"]["start"] == "2001-02-01"


def test_measure_case_unknown_below_coverage_or_document_minimum():
    # baseline of 90 days: Nov, Dec, Jan, Feb, of which Jan and Feb have documents
    thin = measure_case(COUNTS, _spec(baseline_days=90, min_coverage=0.75), "2001-02-03")
    assert thin["value"] is None
    assert thin["reason"] == ("the corpus covers 50% of the window's months and 50% of the "
                              "baseline's (needs 75%)")
    few = measure_case(COUNTS, _spec(min_docs=2), "2001-02-03")
    assert few["value"] is None
    assert few["reason"] == "fewer than 2 documents in the window (1) or the baseline (1)"
