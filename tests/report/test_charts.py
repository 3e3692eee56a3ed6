"""Every chart function returns a valid Vega-Lite spec; bad input is refused."""

from __future__ import annotations

import pytest

from casusbelli.errors import AnalysisError
from casusbelli.report import charts
from casusbelli.report.charts import validate_spec

SPECS = {
    "posterior": lambda: charts.posterior_chart({"a": 0.7, "b": 0.3}, prior={"a": 0.5, "b": 0.5}),
    "weights": lambda: charts.weights_chart({"a": 0.6, "b": 0.4}),
    "xy": lambda: charts.xy_chart([{"case": "c1", "x": 0.2, "y": 0.9},
                                   {"case": "c2", "x": 0.8, "y": 0.1}], x_title="a*b"),
    "frames": lambda: charts.frames_chart(
        [{"date": "2000-01-01", "frame": "f", "rate": 1.0},
         {"date": "2001-01-01", "frame": "f", "rate": 2.0}],
        events=[{"date": "2000-06-01", "label": "case"}, {"date": "1990-01-01", "label": "out"}]),
    "forecast": lambda: charts.forecast_chart([{"question": "q", "theory": "a", "p": 0.4}]),
    "calibration": lambda: charts.calibration_chart([{"forecast": 0.3, "observed": 0.25, "n": 4}]),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_chart_spec_is_valid_vega_lite(name):
    spec = SPECS[name]()
    validate_spec(spec)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert "url" not in str(spec.get("data", {}))  # data is inlined


def test_frames_chart_drops_events_outside_the_data():
    spec = SPECS["frames"]()
    text = str(spec)
    assert "'case'" in text and "'out'" not in text


def test_validate_spec_rejects_invalid():
    with pytest.raises(AnalysisError, match="invalid Vega-Lite spec"):
        validate_spec({"mark": "no-such-mark", "data": {"values": []}})


@pytest.mark.parametrize("make", [
    lambda: charts.posterior_chart({}),
    lambda: charts.weights_chart({}),
    lambda: charts.xy_chart([], x_title="x"),
    lambda: charts.frames_chart([{"date": "2000", "frame": "f", "rate": None}]),
    lambda: charts.forecast_chart([]),
    lambda: charts.calibration_chart([]),
])
def test_empty_input_is_an_analysis_error(make):
    with pytest.raises(AnalysisError):
        make()
