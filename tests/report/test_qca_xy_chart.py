"""The QCA XY plot and its label placement (issue #16)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casusbelli.report.charts import _CHAR_PX, _LINE_PX, place_labels, qca_xy_chart, validate_spec

SIZE = 360
EPS = 1e-6  # px: boxes are rebuilt from data coordinates


def _boxes(x, y, labels, spots):
    out = []
    for a, b, lab, s in zip(x, y, labels, spots, strict=True):
        if s is not None:
            x0, ym = s[0] * SIZE, s[1] * SIZE
            out.append((x0, ym - _LINE_PX / 2, x0 + len(lab) * _CHAR_PX, ym + _LINE_PX / 2))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.text("ABCDEFGH", min_size=1,
                                                                    max_size=8)),
                min_size=1, max_size=40))
def test_placed_labels_overlap_neither_labels_nor_points(points):
    x, y, labels = zip(*points, strict=True)
    spots = place_labels(x, y, labels, width=SIZE, height=SIZE)
    boxes = _boxes(x, y, labels, spots)
    for i, (a0, b0, a1, b1) in enumerate(boxes):
        for c0, d0, c1, d1 in boxes[i + 1:]:
            assert a1 <= c0 + EPS or c1 <= a0 + EPS or b1 <= d0 + EPS or d1 <= b0 + EPS
        for px, py in zip(x, y, strict=True):
            px, py = px * SIZE, py * SIZE
            assert (a1 <= px - 4 + EPS or px + 4 <= a0 + EPS or b1 <= py - 4 + EPS
                    or py + 4 <= b0 + EPS)


def test_spread_out_points_all_get_a_label():
    x = [0.1, 0.5, 0.9]
    spots = place_labels(x, [0.2, 0.5, 0.8], ["AU", "BE", "CZ"], width=SIZE, height=SIZE)
    assert all(s is not None for s in spots)
    assert spots[0][0] > 0.1  # the first choice: right of the point


def test_xy_chart_is_valid_vega_lite_and_groups_cases_at_one_point():
    spec = qca_xy_chart([0.2, 0.2, 0.9, 0.6], [0.8, 0.8, 0.4, 0.7], ["A", "B", "C", "D"],
                        x_title="X*Y", y_title="OUT")
    validate_spec(spec)
    labels = [d["label"] for layer in spec["layer"] if layer["mark"]["type"] == "text"
              for d in layer["data"]["values"]]
    assert sorted(labels) == ["A, B", "C", "D"]
    assert "inclS" in spec["title"]["subtitle"]


def test_crowded_labels_are_left_off_and_counted():
    n = 60
    spec = qca_xy_chart([0.5] * n, [k / (10 * n) + 0.5 for k in range(n)],
                        [f"case-{k}" for k in range(n)], x_title="S")
    assert "label(s) left off" in spec["title"]["subtitle"]
