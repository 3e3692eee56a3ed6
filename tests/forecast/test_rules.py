"""The forecast rules' maths on plain values: path semantics, rounding, linear and base-rate
rules (applying a workspace's rules is tests/analysis/test_forecast_rules.py)."""

from __future__ import annotations

import pytest

from casusbelli.errors import ForecastError
from casusbelli.forecast.rules import (
    evaluate_base_rate,
    evaluate_linear,
    parse_path,
    path_membership,
    round_to_step,
)


def test_path_precedence_and_fuzzy_semantics():
    e = parse_path("x*(y + z)*~w")
    assert path_membership(e, {"x": 0.67, "y": 0.33, "z": 1.0, "w": 0.0}) == pytest.approx(0.67)
    assert path_membership(e, {"x": 1.0, "y": 0.0, "z": 0.0, "w": 0.0}) == 0.0
    # '~' binds tighter than '*', which binds tighter than '+'
    assert path_membership(parse_path("~x*y + z"), {"x": 0.2, "y": 0.5, "z": 0.1}) == 0.5


def test_round_to_step_takes_the_nearest_multiple():
    assert round_to_step(0.1 + 0.8 * 0.33, 0.05) == 0.35
    assert round_to_step(0.1 + 0.8 * 0.67, 0.05) == 0.65
    assert round_to_step(0.364, None) == 0.364


def test_linear_rule_counts_unknown_as_stated_and_reports_inputs():
    r = evaluate_linear("a*~b", {"a": (0.67, True), "b": (None, True)}, base=0.1, slope=0.8,
                        step=0.05, unknown=0.5, case="one")
    assert (r.value, r.membership) == (0.5, 0.5)
    assert [(i.indicator, i.coded, i.used, i.status) for i in r.inputs] == [
        ("a", 0.67, 0.67, "coded"), ("b", None, 0.5, "unknown")]


def test_linear_rule_without_unknown_refuses_an_unknown_coding():
    with pytest.raises(ForecastError, match="codes unknown"):
        evaluate_linear("a*b", {"a": (0.67, True), "b": (None, True)}, base=0.1, slope=0.8)


@pytest.mark.parametrize("bad", ["a*", "a + (b", "a & b", ""])
def test_a_malformed_path_is_refused(bad):
    with pytest.raises(ForecastError):
        parse_path(bad)


def test_linear_rule_outside_the_unit_interval_is_refused_unless_clipped():
    with pytest.raises(ForecastError, match="outside"):
        evaluate_linear("a", {"a": (1.0, True)}, base=0.5, slope=0.8)
    r = evaluate_linear("a", {"a": (1.0, True)}, base=0.5, slope=0.8, clip=True)
    assert (r.value, r.raw) == (1.0, pytest.approx(1.3))


def test_an_na_coding_is_reported_as_na():
    with pytest.raises(ForecastError, match="codes n/a"):
        evaluate_linear("a", {"a": (None, False)}, base=0.1, slope=0.8)


def test_base_rate_reads_nothing_and_must_be_a_probability():
    assert evaluate_base_rate(0.25) == (0.25, None, 0.25, ())
    with pytest.raises(ForecastError, match="outside"):
        evaluate_base_rate(1.5)
