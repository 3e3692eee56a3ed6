"""Calibration (R QCA's calibrate, direct method)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casusbelli.cross import calibrate
from casusbelli.cross.calibrate import parse_thresholds
from casusbelli.errors import AnalysisError

NAN = float("nan")


def test_anchors_map_to_idm_half_and_one_minus_idm():
    assert calibrate([2.0, 5.0, 9.0], (2, 5, 9)).tolist() == pytest.approx([0.05, 0.5, 0.95])


def test_logistic_formula_by_hand():
    x = 7.0  # above the crossover: scale by the inclusion anchor
    expected = 1 / (1 + math.exp(-(x - 5) * math.log(0.95 / 0.05) / (9 - 5)))
    assert calibrate([x], (2, 5, 9))[0] == pytest.approx(expected)


def test_decreasing_thresholds_reverse_the_function():
    up = calibrate([1, 4, 8], (2, 5, 9))
    down = calibrate([1, 4, 8], (9, 5, 2))
    assert down.tolist() == pytest.approx((1 - up).tolist())


def test_crisp_thresholds_count_cut_points():
    assert calibrate([1, 3, 5, 7], (3, 6), type="crisp").tolist() == [0, 1, 1, 2]


def test_linear_function():
    assert calibrate([2, 3.5, 5, 9, 10], (2, 5, 9), logistic=False).tolist() == pytest.approx(
        [0, 0.25, 0.5, 1, 1]
    )


@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=50))
def test_calibration_is_monotone_and_in_unit_interval(values):
    xs = np.sort(np.array(values))
    fs = calibrate(xs, (-100, 0, 100))
    assert ((fs >= 0) & (fs <= 1)).all()
    assert (np.diff(fs) >= -1e-12).all()


def test_bad_calibration_input():
    with pytest.raises(AnalysisError, match="3 or 6 thresholds, got 2"):
        calibrate([1, 2], (1, 2))
    with pytest.raises(AnalysisError, match="idm"):
        calibrate([1, 2], (0, 1, 2), idm=0.4)
    with pytest.raises(AnalysisError, match="unknown calibration type"):
        calibrate([1, 2], (0, 1, 2), type="soft")
    with pytest.raises(AnalysisError, match="outside the range"):
        calibrate([1, 2], (5,), type="crisp")


def test_r_threshold_strings_are_read_by_name_in_any_order():
    assert (
        calibrate([1, 4, 8], "i=9, e=2, c=5").tolist() == calibrate([1, 4, 8], (2, 5, 9)).tolist()
    )
    assert (
        calibrate([1, 4, 8], "e = 2,c=5 , i= 9").tolist()
        == calibrate([1, 4, 8], (2, 5, 9)).tolist()
    )
    assert calibrate([1, 4, 8], {"c": 5, "i": 2, "e": 9}).tolist() == pytest.approx(
        calibrate([1, 4, 8], (9, 5, 2)).tolist()
    )
    assert calibrate([1, 4, 8], "2, 5, 9").tolist() == calibrate([1, 4, 8], (2, 5, 9)).tolist()
    values, names = parse_thresholds("e1=1, c1=2, i1=3, i2=3, c2=4, e2=5")
    assert values.tolist() == [1, 2, 3, 3, 4, 5] and names == ("e1", "c1", "i1", "i2", "c2", "e2")


def test_bad_threshold_strings_name_the_field():
    with pytest.raises(AnalysisError, match="unknown threshold name 'x'") as err:
        calibrate([1, 2], "e=1, c=2, x=3")
    assert err.value.field == "thresholds.x"
    with pytest.raises(AnalysisError, match="'abc' is not a number") as err:
        calibrate([1, 2], "e=1, c=abc, i=3")
    assert err.value.field == "thresholds.c"
    with pytest.raises(AnalysisError, match="names some thresholds but not all"):
        calibrate([1, 2], "e=1, 2, i=3")
    with pytest.raises(AnalysisError, match="'c' given twice"):
        calibrate([1, 2], "e=1, c=2, c=3")
    with pytest.raises(AnalysisError, match="empty threshold"):
        calibrate([1, 2], "1, , 3")
    with pytest.raises(AnalysisError, match="named thresholds .* require fuzzy"):
        calibrate([1, 2], "c=1", type="crisp")
    with pytest.raises(AnalysisError, match="not a finite number") as err:
        calibrate([1, 2], (0, NAN, 2))
    assert err.value.field == "thresholds[1]"


def test_missing_values_pass_through_every_form():
    x = [160.0, NAN, 180.0, None]
    for kw in (
        {"thresholds": "e=150, c=170, i=190"},
        {"thresholds": "e=150, c=170, i=190", "logistic": False},
        {"thresholds": "e=150, c=170, i=190", "logistic": False, "ecdf": True},
        {"thresholds": "e1=150, c1=160, i1=170, i2=175, c2=180, e2=190"},
    ):
        out = calibrate(x, **kw)
        assert np.isnan(out[[1, 3]]).all() and not np.isnan(out[[0, 2]]).any(), kw
    crisp = calibrate(x, 170, type="crisp")
    assert crisp[[0, 2]].tolist() == [0, 1] and np.isnan(crisp[[1, 3]]).all()
    assert calibrate([160.0, 180.0], 170, type="crisp").dtype.kind == "i"
    with pytest.raises(AnalysisError, match="every value of x is missing"):
        calibrate([NAN, NAN], (0, 1, 2))


def test_six_thresholds_give_bell_trapezoid_and_their_inverse():
    x = np.array([150, 155, 160, 165, 170, 172, 175, 179, 183, 187, 195, 200.0])
    bell = calibrate(x, "e1=155, c1=165, i1=175, i2=175, c2=185, e2=195")
    assert bell.tolist() == pytest.approx([0, 0, 0.25, 0.5, 0.75, 0.85, 1, 0.8, 0.6, 0.4, 0, 0])
    trap = calibrate(x, "e1=155, c1=165, i1=172, i2=179, c2=187, e2=195")
    assert trap[[5, 6, 7]].tolist() == [1, 1, 1]
    assert trap[9] == pytest.approx(0.5)
    inv = calibrate(x, "i1=155, c1=165, e1=175, e2=175, c2=185, i2=195")
    assert inv.tolist() == pytest.approx((1 - bell).tolist())
    cubed = calibrate(x, "e1=155, c1=165, i1=175, i2=175, c2=185, e2=195", below=3, above=3)
    assert cubed[2] == pytest.approx(0.5**3 / 2) and cubed[8] == pytest.approx(1 - 0.8**3 / 2)


def test_six_threshold_errors_follow_r():
    with pytest.raises(AnalysisError, match="first crossover") as err:
        calibrate([1, 2], (1, 5, 3, 4, 6, 7))
    assert err.value.field == "thresholds.c1"
    with pytest.raises(AnalysisError, match="second crossover"):
        calibrate([1, 2], (1, 2, 3, 4, 8, 7))
    with pytest.raises(AnalysisError, match="some thresholds equal"):
        calibrate([1, 2], (1, 2, 2, 4, 5, 6))
    with pytest.raises(AnalysisError, match="below must be positive") as err:
        calibrate([1, 2], (1, 2, 3, 4, 5, 6), below=0)
    assert err.value.field == "below"


def test_linear_power_and_ecdf_forms():
    x = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8.0])
    powered = calibrate(x, (0, 4, 8), logistic=False, below=2, above=2)
    assert powered[2] == pytest.approx(0.125) and powered[6] == pytest.approx(0.875)
    # ecdf of the values in [0, 8]: F(2) = 3/9, F(4) = 5/9, F(6) = 7/9
    empirical = calibrate(x, (0, 4, 8), logistic=False, ecdf=True)
    assert empirical[2] == pytest.approx((3 / 9) / (5 / 9) / 2)
    assert empirical[6] == pytest.approx(1 - (1 - 7 / 9) / (1 - 5 / 9) / 2)
    down = calibrate(x, (8, 4, 0), logistic=False, ecdf=True)
    assert down[2] == pytest.approx(1 - (3 / 9) / (5 / 9) / 2)
    with pytest.raises(AnalysisError, match="ecdf applies") as err:
        calibrate(x, (0, 4, 8), ecdf=True)
    assert err.value.field == "ecdf"


def test_threshold_comparisons_use_r_all_equal_tolerance():
    from casusbelli.cross.calibrate import _le

    # all.equal(target, current): mean relative difference to |target| <= 1.49e-8, absolute
    # when |target| is below the tolerance
    assert _le(np.array([1e9 + 1, 1e9 + 100, 1e9 - 5]), 1e9).tolist() == [True, False, True]
    assert _le(np.array([1 + 1e-9, 1 + 1e-7]), 1.0).tolist() == [True, False]
    assert _le(np.array([1e-9, 1e-7]), 0.0).tolist() == [True, False]
