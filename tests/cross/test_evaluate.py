"""Theory evaluation: the four intersections, computed by hand on a small example."""

from __future__ import annotations

import pandas as pd
import pytest

from casusbelli.cross import evaluate_theories, evaluate_theory
from casusbelli.errors import AnalysisError


@pytest.fixture()
def data() -> pd.DataFrame:
    return pd.DataFrame(
        {"A": [0.9, 0.8, 0.2, 0.1], "B": [0.7, 0.2, 0.9, 0.3], "Y": [0.8, 0.3, 0.9, 0.2]},
        index=["k1", "k2", "k3", "k4"],
    )


def test_four_intersections_by_hand(data):
    ev = evaluate_theory("A", "B", data, "Y", theory_id="t")
    # T*S = min(A, B) = [.7, .2, .2, .1]; min with Y = [.7, .2, .2, .1] -> incl 1.2/1.2 = 1
    ts = ev.area("T*S")
    assert ts.incl == pytest.approx(1.0)
    assert ts.cov == pytest.approx(1.2 / 2.2)
    assert ts.cases_in_outcome == ("k1",) and ts.cases_not_in_outcome == ()
    # T*~S = min(A, 1-B) = [.3, .8, .1, .1]; min with Y = [.3, .3, .1, .1] -> 0.8 / 1.3
    tns = ev.area("T*~S")
    assert tns.incl == pytest.approx(0.8 / 1.3)
    assert tns.cases_not_in_outcome == ("k2",)
    # ~T*S = min(1-A, B) = [.1, .2, .8, .3]; min with Y = [.1, .2, .8, .2] -> 1.3 / 1.4
    nts = ev.area("~T*S")
    assert nts.incl == pytest.approx(1.3 / 1.4)
    assert nts.cases_in_outcome == ("k3",)
    # ~T*~S = min(1-A, 1-B) = [.1, .2, .1, .7] -> k4 is a member, not in the outcome
    assert ev.area("~T*~S").cases_not_in_outcome == ("k4",)
    assert ev.theory_cov == pytest.approx((0.8 + 0.3 + 0.2 + 0.1) / 2.2)


def test_rival_theories_side_by_side_keep_order(data):
    evs = evaluate_theories({"first": "A", "second": "~A*B"}, "B", data, "Y")
    assert [e.theory_id for e in evs] == ["first", "second"]
    assert evs[1].to_dict()["intersections"][0]["area"] == "T*S"


def test_unknown_condition_in_theory_is_named(data):
    with pytest.raises(AnalysisError, match="unknown condition 'Q'"):
        evaluate_theory("A*Q", "B", data, "Y")
    with pytest.raises(AnalysisError, match="no theories"):
        evaluate_theories({}, "B", data, "Y")
