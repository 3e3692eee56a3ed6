"""The report's XY plot and chart titles: every case labelled, no title cut."""

from __future__ import annotations

import pytest

from casusbelli.errors import AnalysisError
from casusbelli.report.charts import validate_spec
from casusbelli.report.xy import MAX_LABELS, fit_title, xy_plot


def _rows(spec: dict) -> list[dict]:
    return next(layer["data"]["values"] for layer in spec["layer"]
                if "label" in (layer.get("data") or {}).get("values", [{}])[0])


def test_cases_at_one_point_share_a_dot_and_every_case_is_named():
    pts = [{"case": f"c{i}", "x": 0.67, "y": 1.0} for i in range(MAX_LABELS + 2)]
    pts.append({"case": "lone", "x": 0.2, "y": 0.0})
    spec = xy_plot(pts, x_title="membership in a*b", title="t")
    validate_spec(spec)
    rows = {r["cases"].split(", ")[0]: r for r in _rows(spec)}
    shared = rows["c0"]
    assert shared["n"] == MAX_LABELS + 2
    assert shared["label"].split("\n") == [f"c{i}" for i in range(MAX_LABELS)] + ["+2 more"]
    assert shared["label_y"] < shared["y"]  # upper half: the label hangs below the dot
    assert rows["lone"]["label"] == "lone" and rows["lone"]["label_y"] > 0.0
    assert shared["consistent"] is True and rows["lone"]["consistent"] is False


def test_an_empty_plot_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="at least one case"):
        xy_plot([], x_title="x")


def test_a_long_title_is_wrapped_and_anchored_at_the_start():
    title = "Geopolitical opportunism: opening*low_cost + western_distraction*strategic_gain"
    spec = fit_title({"title": title, "mark": "point"}, width=40)
    assert spec["title"]["anchor"] == "start"
    lines = spec["title"]["text"]
    assert isinstance(lines, list) and all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == title  # nothing dropped
    assert fit_title({"mark": "point"}) == {"mark": "point"}
