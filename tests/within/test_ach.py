"""ACH scores: hand-checked worked examples, linchpins, pooling, and property tests."""

from __future__ import annotations

import itertools

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.errors import AnalysisError
from casusbelli.within import (
    AchMatrix,
    diagnosticity,
    encode_ratings,
    pool,
    score,
    score_ach,
)
from casusbelli.within.ach import NA_CODE, WEIGHTS, decode_ratings

# Worked example (one analyst), hypotheses A, B, C:
#
#   item  cred    rel     A    B    C
#   e1    high    medium  C    I    II
#   e2    medium  medium  N    N    N
#   e3    low     high    CC   I    C
#   e4    medium  low     I    NA   C
#
# inconsistency   A = -1 (e4)           = -1
#                 B = -1 (e1) -1 (e3)   = -2
#                 C = -2 (e1)           = -2
# weights w = cred x rel: e1 2*1 = 2, e2 1, e3 0.5*2 = 1, e4 1*0.5 = 0.5
# weighted        A = -1*0.5            = -0.5
#                 B = -1*2 + -1*1       = -3.0
#                 C = -2*2              = -4.0
# rank (by weighted, closest to 0 first): A 1, B 2, C 3
# consistency (C or CC): A 2 (e1, e3), B 0, C 2 (e3, e4)
# diagnosticity (population sd of codes, NA left out):
#   e1 codes 1,-1,-2: mean -2/3; sum sq dev = (5/3)^2+(1/3)^2+(4/3)^2 = 42/9;
#      /3 -> 14/9; sd = 1.2472
#   e2 0,0,0 -> 0
#   e3 2,-1,1: mean 2/3; dev^2 = 16/9+25/9+1/9 = 42/9 -> same 1.2472
#   e4 -1,1 (NA skipped): sd = 1
EXAMPLE = [
    ["C", "I", "II"],
    ["N", "N", "N"],
    ["CC", "I", "C"],
    ["I", "NA", "C"],
]
CRED = ["high", "medium", "low", "medium"]
REL = ["medium", "medium", "high", "low"]


def _example(**kw):
    return score(
        encode_ratings(EXAMPLE),
        hypotheses=["A", "B", "C"],
        item_ids=["e1", "e2", "e3", "e4"],
        credibility=CRED,
        relevance=REL,
        **kw,
    )


def test_worked_example_scores_match_hand_computation():
    res = _example()
    by = {h.hypothesis: h for h in res.hypotheses}
    assert [by[h].inconsistency for h in "ABC"] == [-1, -2, -2]
    assert [by[h].weighted_inconsistency for h in "ABC"] == [-0.5, -3.0, -4.0]
    assert [by[h].rank for h in "ABC"] == [1, 2, 3]
    assert [by[h].consistency for h in "ABC"] == [2, 0, 2]
    assert res.top == ("A",)
    d = [i.diagnosticity for i in res.items]
    assert d == pytest.approx([np.sqrt(14 / 9), 0.0, np.sqrt(14 / 9), 1.0])


def test_worked_example_linchpins_top_criterion():
    # Top is A (-0.5); runner-up B (-3.0).
    # e1: removal -> A -0.5, B -1, C 0 -> C becomes top: linchpin.
    # e2: all N; N->I on A gives A -1.5 > -3: no; on B/C never reaches A: not a linchpin.
    # e3 (w=1): A CC->C no score change; B I->N gives -2, still < -0.5; C C->N no change: no.
    # e4 (w=0.5): removal -> A 0 (still top); A I->II -> -1.0 (still top); C C->N no: no.
    res = _example()
    flags = {i.item_id: i.linchpin for i in res.items}
    assert flags == {"e1": True, "e2": False, "e3": False, "e4": False}
    assert res.items[0].changes == ("remove",)


def test_worked_example_linchpins_order_criterion():
    # Order A(-0.5) > B(-3) > C(-4). Under "order":
    # e1 removal: A -0.5, B -1, C 0 -> order changes; e2 N->I on B: -4 ties C -> change.
    # e3: B I->II -> -4 ties C -> change. e4: removal A 0, order kept; A I->II -1 kept;
    #     C C->N no score change; B is NA (never re-rated) -> not a linchpin.
    res = _example(criterion="order")
    flags = {i.item_id: i.linchpin for i in res.items}
    assert flags == {"e1": True, "e2": True, "e3": True, "e4": False}
    assert "B:N->I" in res.items[1].changes
    assert "B:I->II" in res.items[2].changes


def test_all_medium_weighted_equals_plain_exactly():
    r = encode_ratings(EXAMPLE)
    res = score(r)
    for h in res.hypotheses:
        assert h.weighted_inconsistency == float(h.inconsistency)


def test_weights_are_documented_scale():
    assert WEIGHTS == {"low": 0.5, "medium": 1.0, "high": 2.0}


def test_tied_hypotheses_share_rank():
    r = encode_ratings([["I", "I", "N"], ["N", "N", "I"]])
    res = score(r)
    assert [h.rank for h in res.hypotheses] == [1, 1, 1]
    assert res.top == ("H1", "H2", "H3")


def test_identical_ratings_have_zero_diagnosticity():
    r = encode_ratings([["C", "C", "C"], ["II", "II", "II"], ["NA", "I", "NA"]])
    assert diagnosticity(r).tolist() == [0.0, 0.0, 0.0]


def test_unknown_symbol_lists_allowed_ratings():
    with pytest.raises(
        AnalysisError, match=r"unknown rating 'X'; expected one of CC, C, N, I, II, NA"
    ):
        encode_ratings([["C", "X"]])


def test_bad_codes_and_empty_matrix_raise():
    with pytest.raises(AnalysisError, match="not one of -2..2"):
        score(np.array([[3, 0]], dtype=np.int8))
    with pytest.raises(AnalysisError, match="empty matrix"):
        score(np.zeros((0, 3), dtype=np.int8))
    with pytest.raises(AnalysisError, match="criterion"):
        score(encode_ratings([["C"]]), criterion="best")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="unknown level 'great'"):
        score(encode_ratings([["C"]]), credibility=["great"])


def test_encode_decode_round_trip_and_na_aliases():
    r = encode_ratings([["cc", "n/a", "", None, " ii "]])
    assert decode_ratings(r) == [["CC", "NA", "NA", "NA", "II"]]


# --------------------------------------------------------------------------- several analysts


def test_pool_hand_example():
    # 3 analysts, 1 item, 4 hypotheses.
    #   H1: C, C, I        -> median 1 (C); sd of 1,1,-1 = sqrt(4/3)=1.1547; NA sd 0
    #   H2: I, II, NA      -> 1 NA vs 2 rated: median of -1,-2 = -1.5 -> toward N -> -1 (I)
    #                          rated sd = sqrt(0.5)=0.7071; NA-indicator sd of 1,1,0 = 0.5774
    #   H3: NA, NA, C      -> 2 NA > 1 rated -> pooled NA; NA sd 0.5774, rated sd 0
    #   H4: N, N, N        -> N, disagreement 0
    ratings = np.stack(
        [
            encode_ratings([["C", "I", "NA", "N"]]),
            encode_ratings([["C", "II", "NA", "N"]]),
            encode_ratings([["I", "NA", "C", "N"]]),
        ]
    )
    ag = pool(ratings)
    assert decode_ratings(ag.pooled) == [["C", "I", "NA", "N"]]
    assert ag.disagreement[0] == pytest.approx([np.sqrt(4 / 3), np.sqrt(0.5), np.sqrt(1 / 3), 0.0])
    expected = krippendorff.alpha(
        reliability_data=np.where(ratings == NA_CODE, np.nan, ratings).reshape(3, -1).astype(float),
        level_of_measurement="ordinal",
        value_domain=[-2, -1, 0, 1, 2],
    )
    assert ag.alpha == pytest.approx(expected)
    assert ag.n_analysts == 3


def test_pool_alpha_none_for_one_analyst_or_no_variation():
    one = encode_ratings([["C", "I"]])[None]
    assert pool(one).alpha is None
    same = np.stack([encode_ratings([["C", "C"], ["C", "C"]])] * 3)
    assert pool(same).alpha is None


def test_score_several_analysts_reports_each_and_pools():
    a1 = encode_ratings([["C", "I"], ["N", "II"]])
    a2 = encode_ratings([["C", "II"], ["N", "II"]])
    a3 = encode_ratings([["I", "I"], ["N", "I"]])
    res = score(np.stack([a1, a2, a3]), analysts=["ann", "bob", "cy"])
    # pooled: e1 H1 median(1,1,-1)=1 -> C; e1 H2 median(-1,-2,-1) = -1; e2 H2 median(-2,-2,-1)=-2
    assert decode_ratings(res.agreement.pooled) == [["C", "I"], ["N", "II"]]
    assert [h.inconsistency for h in res.hypotheses] == [0, -3]
    assert res.analyst_weighted_inconsistency == ((0.0, -3.0), (0.0, -4.0), (-1.0, -2.0))
    d = res.to_dict()
    assert d["analysts"]["cy"] == {"H1": -1.0, "H2": -2.0}


def test_score_ach_uses_matrix_labels_and_weights():
    m = AchMatrix(
        hypotheses=("A", "B", "C"),
        item_ids=("e1", "e2", "e3", "e4"),
        ratings=encode_ratings(EXAMPLE),
        credibility=tuple(CRED),
        relevance=tuple(REL),
    )
    res = score_ach(m)
    assert [h.weighted_inconsistency for h in res.hypotheses] == [-0.5, -3.0, -4.0]
    assert res.to_dict()["top"] == ["A"]


# --------------------------------------------------------------------------- properties

_codes = st.sampled_from([-2, -1, 0, 1, 2, NA_CODE])
_levels = st.sampled_from(["low", "medium", "high"])


@st.composite
def matrices(draw, max_items=7, max_hyp=5):
    n = draw(st.integers(1, max_items))
    m = draw(st.integers(1, max_hyp))
    cells = draw(st.lists(_codes, min_size=n * m, max_size=n * m))
    r = np.array(cells, dtype=np.int8).reshape(n, m)
    cred = draw(st.lists(_levels, min_size=n, max_size=n))
    rel = draw(st.lists(_levels, min_size=n, max_size=n))
    return r, cred, rel


def _scores(res):
    return [
        (h.inconsistency, h.weighted_inconsistency, h.consistency, h.rank) for h in res.hypotheses
    ]


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_removing_an_all_n_item_changes_nothing(mat):
    r, cred, rel = mat
    n_row = np.zeros((1, r.shape[1]), dtype=np.int8)
    with_n = score(np.vstack([r, n_row]), credibility=cred + ["high"], relevance=rel + ["high"])
    without = score(r, credibility=cred, relevance=rel)
    assert _scores(with_n) == _scores(without)
    assert [i.linchpin for i in with_n.items[:-1]] == [i.linchpin for i in without.items]


@settings(max_examples=150, deadline=None)
@given(matrices(), st.randoms(use_true_random=False))
def test_permuting_hypotheses_permutes_scores(mat, rnd):
    r, cred, rel = mat
    perm = list(range(r.shape[1]))
    rnd.shuffle(perm)
    base = score(r, credibility=cred, relevance=rel)
    permuted = score(r[:, perm], credibility=cred, relevance=rel)
    assert _scores(permuted) == [_scores(base)[p] for p in perm]
    assert [i.diagnosticity for i in permuted.items] == pytest.approx(
        [i.diagnosticity for i in base.items]
    )
    assert [i.linchpin for i in permuted.items] == [i.linchpin for i in base.items]


@settings(max_examples=150, deadline=None)
@given(matrices(), st.randoms(use_true_random=False), st.sampled_from(["top", "order"]))
def test_item_order_does_not_change_scores(mat, rnd, criterion):
    r, cred, rel = mat
    perm = list(range(r.shape[0]))
    rnd.shuffle(perm)
    base = score(r, credibility=cred, relevance=rel, criterion=criterion)
    shuffled = score(
        r[perm],
        credibility=[cred[p] for p in perm],
        relevance=[rel[p] for p in perm],
        criterion=criterion,
    )
    assert _scores(shuffled) == _scores(base)
    assert [shuffled.items[k].linchpin for k in range(len(perm))] == [
        base.items[p].linchpin for p in perm
    ]


def _brute_linchpins(r, w, criterion):
    """Recompute the whole ranking for every removal and one-step re-rating."""

    def scores(mat, weights):
        c = np.where((mat < 0) & (mat != NA_CODE), mat, 0)
        return (c * weights[:, None]).sum(axis=0)

    def key(s):
        if criterion == "top":
            return tuple(s == s.max())
        return tuple(tuple(s[j] > s[k] for k in range(len(s))) for j in range(len(s)))

    base = key(scores(r, w))
    out = []
    for i in range(r.shape[0]):
        keep = [k for k in range(r.shape[0]) if k != i]
        changed = key(scores(r[keep], w[keep])) != base
        for h, step in itertools.product(range(r.shape[1]), (-1, 1)):
            c = int(r[i, h])
            if c == NA_CODE or not -2 <= c + step <= 2:
                continue
            r2 = r.copy()
            r2[i, h] = c + step
            changed = changed or key(scores(r2, w)) != base
        out.append(changed)
    return out


@settings(max_examples=300, deadline=None)
@given(matrices(), st.sampled_from(["top", "order"]))
def test_linchpins_match_brute_force_recomputation(mat, criterion):
    r, cred, rel = mat
    w = np.array([WEIGHTS[c] * WEIGHTS[v] for c, v in zip(cred, rel, strict=True)])
    res = score(r, credibility=cred, relevance=rel, criterion=criterion)
    assert [i.linchpin for i in res.items] == _brute_linchpins(r, w, criterion)


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_all_medium_weighted_equals_plain_property(mat):
    r, _, _ = mat
    res = score(r)
    assert all(h.weighted_inconsistency == h.inconsistency for h in res.hypotheses)
