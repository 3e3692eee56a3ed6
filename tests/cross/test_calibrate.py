"""Calibration (R QCA's calibrate, direct method)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casusbelli.cross import calibrate
from casusbelli.errors import AnalysisError


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
    with pytest.raises(AnalysisError, match="3 thresholds"):
        calibrate([1, 2], (1, 2))
    with pytest.raises(AnalysisError, match="idm"):
        calibrate([1, 2], (0, 1, 2), idm=0.4)
    with pytest.raises(AnalysisError, match="missing value at position 1"):
        calibrate([1, float("nan")], (0, 1, 2))
    with pytest.raises(AnalysisError, match="unknown calibration type"):
        calibrate([1, 2], (0, 1, 2), type="soft")
    with pytest.raises(AnalysisError, match="outside the range"):
        calibrate([1, 2], (5,), type="crisp")
