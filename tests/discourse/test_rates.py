"""Rates per window and the frame-shift indicator, checked by hand and by properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.discourse.rates import (
    frame_shift,
    rates,
    to_dates,
    window_keys,
    window_rates,
)
from casusbelli.errors import AnalysisError

FRAMES = ("gpw", "fascism")
# five documents: two in 2021 (one in Dec), two in 2022 (one without tokens), one undated
COUNTS = np.array([[2, 0], [1, 1], [5, 3], [0, 0], [9, 9]])
TOKENS = np.array([1000, 3000, 2000, 0, 500])
DATES = to_dates(["2021-06-01", "2021-12-20", "2022-02-24", "2022-03-01", None])


def test_rates_per_document_by_hand() -> None:
    r = rates(COUNTS, TOKENS)
    assert r[0].tolist() == [20.0, 0.0]  # 10000 * 2 / 1000
    assert r[1, 1] == pytest.approx(10000 / 3000)
    assert np.isnan(r[3]).all()  # no tokens -> no rate


def test_window_keys() -> None:
    assert window_keys(DATES, "year").tolist() == ["2021", "2021", "2022", "2022", ""]
    assert window_keys(DATES, "month").tolist() == ["2021-06", "2021-12", "2022-02", "2022-03", ""]
    assert window_keys(DATES, "document").tolist() == ["0", "1", "2", "3", "4"]
    with pytest.raises(AnalysisError, match="unknown window unit 'week'"):
        window_keys(DATES, "week")  # type: ignore[arg-type]


def test_yearly_rates_by_hand() -> None:
    w = window_rates(COUNTS, TOKENS, window_keys(DATES, "year"), FRAMES)
    assert w.windows == ("2021", "2022")
    assert w.hits.tolist() == [[3, 1], [5, 3]]  # the undated document is left out
    assert w.tokens.tolist() == [4000, 2000]
    assert w.n_docs.tolist() == [2, 2]
    assert w.rates.tolist() == [[7.5, 2.5], [25.0, 15.0]]  # 10000*3/4000, 10000*1/4000, ...
    rec = w.as_records()
    assert rec[0] == {
        "window": "2021",
        "frame": "gpw",
        "hits": 3,
        "tokens": 4000,
        "n_docs": 2,
        "rate": 7.5,
    }


def test_frame_shift_ratio_by_hand() -> None:
    ind = frame_shift(
        COUNTS,
        TOKENS,
        DATES,
        FRAMES,
        ["gpw", "fascism"],
        "2022-02-24",
        window_days=30,
        baseline_days=365,
    )
    # window 2022-02-24..2022-03-25: docs 2, 3 -> hits 5+3+0+0 = 8, tokens 2000 -> 40 per 10k
    assert (ind.window.start, ind.window.end) == ("2022-02-24", "2022-03-25")
    assert (ind.window.n_docs, ind.window.tokens, ind.window.hits) == (2, 2000, 8)
    assert ind.window.rate == 40.0
    # baseline 2021-02-24..2022-02-23: docs 0, 1 -> hits 2+0+1+1 = 4, tokens 4000 -> 10 per 10k
    assert (ind.baseline.start, ind.baseline.end) == ("2021-02-24", "2022-02-23")
    assert (ind.baseline.n_docs, ind.baseline.tokens, ind.baseline.hits) == (2, 4000, 4)
    assert ind.value == 4.0
    lo, hi = ind.ci95
    se = math.sqrt(1 / 8 + 1 / 4)
    assert lo == pytest.approx(4.0 * math.exp(-1.96 * se))
    assert hi == pytest.approx(4.0 * math.exp(1.96 * se))


def test_frame_shift_difference_and_log_ratio() -> None:
    args = (COUNTS, TOKENS, DATES, FRAMES, ["gpw"], "2022-02-24")
    d = frame_shift(*args, kind="difference")
    assert d.value == pytest.approx(25.0 - 7.5)
    lr = frame_shift(*args, kind="log_ratio")
    assert lr.value == pytest.approx(math.log((5.5 / 2000) / (3.5 / 4000)))


def test_frame_shift_gap_moves_the_baseline() -> None:
    ind = frame_shift(
        COUNTS, TOKENS, DATES, FRAMES, ["gpw"], "2022-02-24", gap_days=60, baseline_days=365
    )
    assert ind.baseline.end == "2021-12-25"
    assert ind.baseline.n_docs == 2


def test_frame_shift_without_baseline_gives_none_with_reason() -> None:
    ind = frame_shift(COUNTS, TOKENS, DATES, FRAMES, ["gpw"], "2021-06-01", baseline_days=30)
    assert ind.value is None and ind.reason == "the baseline has no tokens"
    zero = np.array([[0, 0], [0, 0], [5, 3], [0, 0], [0, 0]])
    ind = frame_shift(zero, TOKENS, DATES, FRAMES, ["gpw"], "2022-02-24")
    assert ind.value is None and ind.reason == "the baseline rate is 0"


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"frames": ["nope"]}, "unknown frame"),
        ({"frames": []}, "no frames"),
        ({"kind": "odds"}, "unknown kind"),
        ({"window_days": 0}, "must be > 0"),
    ],
)
def test_frame_shift_bad_arguments(kwargs: dict, needle: str) -> None:
    base = {"frames": ["gpw"], "kind": "ratio", "window_days": 30}
    base.update(kwargs)
    with pytest.raises(AnalysisError, match=needle):
        frame_shift(COUNTS, TOKENS, DATES, FRAMES, base.pop("frames"), "2022-02-24", **base)


def test_bad_shapes_and_values() -> None:
    with pytest.raises(AnalysisError, match="counts must be"):
        rates(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(AnalysisError, match="non-negative"):
        rates(np.array([[-1]]), np.array([10]))
    with pytest.raises(AnalysisError, match="more hits than tokens"):
        rates(np.array([[5]]), np.array([2]))
    with pytest.raises(AnalysisError, match="not a date"):
        to_dates(["2022-13-45"])


@st.composite
def corpora(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[str]]:
    n = draw(st.integers(1, 30))
    tokens = np.array(draw(st.lists(st.integers(0, 500), min_size=n, max_size=n)))
    counts = np.array(
        [[draw(st.integers(0, t // 2)), draw(st.integers(0, t // 2))] for t in tokens]
    )
    keys = draw(st.lists(st.sampled_from(["2020", "2021", "2022", ""]), min_size=n, max_size=n))
    return counts, tokens, keys


@given(corpora())
@settings(max_examples=150, deadline=None)
def test_window_rates_pool_documents(data: tuple[np.ndarray, np.ndarray, list[str]]) -> None:
    counts, tokens, keys = data
    w = window_rates(counts, tokens, keys, FRAMES)
    keys_arr = np.array(keys)
    # totals are preserved over the dated documents
    dated = keys_arr != ""
    assert w.hits.sum() == counts[dated].sum()
    assert w.tokens.sum() == tokens[dated].sum()
    assert w.n_docs.sum() == dated.sum()
    # a window's rate lies between its documents' smallest and largest rates
    per_doc = rates(counts, tokens)
    for i, label in enumerate(w.windows):
        members = (keys_arr == label) & (tokens > 0)
        if members.any():
            lo = np.nanmin(per_doc[members], axis=0)
            hi = np.nanmax(per_doc[members], axis=0)
            assert (w.rates[i] >= lo - 1e-9).all() and (w.rates[i] <= hi + 1e-9).all()
        else:
            assert np.isnan(w.rates[i]).all()


@given(st.integers(1, 50), st.integers(1, 50), st.integers(100, 10_000), st.integers(100, 10_000))
@settings(max_examples=100, deadline=None)
def test_ratio_is_the_rate_quotient_and_log_ratio_its_log(
    hw: int, hb: int, tw: int, tb: int
) -> None:
    counts = np.array([[hw], [hb]])
    tokens = np.array([max(tw, hw), max(tb, hb)])
    dates = to_dates(["2022-03-01", "2021-06-01"])
    r = frame_shift(counts, tokens, dates, ("f",), ["f"], "2022-02-24")
    assert r.value == pytest.approx((hw / tokens[0]) / (hb / tokens[1]))
    assert r.ci95[0] < r.value < r.ci95[1]
