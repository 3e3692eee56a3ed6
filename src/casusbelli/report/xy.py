"""The fuzzy-set XY plot of the report, with case labels, and titles that are never cut.

Pure functions: plain values in, a Vega-Lite specification (``dict``) out, built with Altair.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from casusbelli.errors import AnalysisError

__all__ = ["fit_title", "xy_plot"]

#: Characters per line of a chart title (wider titles are wrapped, not cut).
TITLE_WIDTH = 60
#: Case ids listed under one dot of an XY plot (the rest are counted).
MAX_LABELS = 5
#: Width and height of an XY plot (px), and the height of a label line in data units.
PLOT_SIZE = 380
_LINE = 10.5 / PLOT_SIZE


def fit_title(spec: dict[str, Any], width: int = TITLE_WIDTH) -> dict[str, Any]:
    """``spec`` with its top-level title wrapped into lines of at most ``width`` characters and
    anchored at the left edge of the plot, so a title wider than the plot is never cut.

    A centred title wider than its plot overflows both edges of the SVG; anchored at the start
    it grows to the right, where the autosize padding includes it.
    """
    title = spec.get("title")
    if not title:
        return spec
    text = title.get("text", "") if isinstance(title, Mapping) else title
    lines = [text] if isinstance(text, str) else [str(t) for t in text]
    wrapped = [w for line in lines for w in (textwrap.wrap(line, width) or [""])]
    base = dict(title) if isinstance(title, Mapping) else {}
    base.update(text=wrapped if len(wrapped) > 1 else wrapped[0], anchor="start", limit=0)
    return {**spec, "title": base}


def xy_plot(points: Sequence[Mapping[str, Any]], *, x_title: str, y_title: str = "outcome",
            title: str = "") -> dict[str, Any]:
    """Fuzzy-set XY plot: membership in a solution or path (x) against the outcome (y), each
    case labelled, with the diagonal.

    ``points`` are records ``{"case", "x", "y"}``; cases at the same point share one dot whose
    label lists them, one a line (the first :data:`MAX_LABELS`, then how many more). A case on
    or above the diagonal (y >= x) is consistent with sufficiency; consistency is
    Σmin(x, y)/Σx (Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*,
    ch. 3. University of Chicago Press).
    """
    rows = _label_rows(points)
    if not rows:
        raise AnalysisError("an XY plot needs at least one case")
    data = alt.Data(values=rows)
    diag = alt.Chart(alt.Data(values=[{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}])).mark_line(
        color="#999", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    x_lines = textwrap.wrap(x_title, 55) or [x_title]
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, 1]),
              title=x_lines if len(x_lines) > 1 else x_title)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[0, 1]), title=y_title)
    pts = alt.Chart(data).mark_circle(opacity=0.8).encode(
        x=x, y=y,
        color=alt.Color("consistent:N", title="y ≥ x (consistent with sufficiency)",
                        scale=alt.Scale(domain=[True, False], range=["#4c78a8", "#e45756"]),
                        legend=alt.Legend(orient="bottom", titleLimit=0)),
        size=alt.Size("n:Q", title="cases", legend=None, scale=alt.Scale(range=[60, 300])),
        tooltip=[alt.Tooltip("cases:N", title="cases"), alt.Tooltip("x:Q", format=".3f"),
                 alt.Tooltip("y:Q", format=".3f")])
    # one case per line, below a dot in the upper half and above one in the lower half
    labels = alt.Chart(data).mark_text(align="center", baseline="top", fontSize=8,
                                       color="#333", lineBreak="\n").encode(
        x=x, y=alt.Y("label_y:Q", scale=alt.Scale(domain=[0, 1])), text="label:N")
    chart = alt.layer(diag, pts, labels).properties(width=PLOT_SIZE, height=PLOT_SIZE,
                                                    title=title or x_title)
    spec: dict[str, Any] = chart.to_dict()  # altair validates against the schema here
    return fit_title(spec)


def _label_rows(points: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per dot (cases at the same point, to 2 decimals, share one): its cases, their
    count, a label of one case a line and where the label starts (``label_y``: just below a
    dot in the upper half, just above one in the lower half)."""
    groups: dict[tuple[float, float], list[str]] = {}
    for p in points:
        groups.setdefault((round(float(p["x"]), 2), round(float(p["y"]), 2)), []).append(
            str(p["case"]))
    rows = []
    for (x, y), cases in groups.items():
        lines = cases[:MAX_LABELS] + (
            [f"+{len(cases) - MAX_LABELS} more"] if len(cases) > MAX_LABELS else [])
        label_y = y - _LINE if y >= 0.5 else y + _LINE * (len(lines) + 0.5)
        rows.append({"x": x, "y": y, "n": len(cases), "cases": ", ".join(cases),
                     "label": "\n".join(lines), "label_y": label_y,
                     "consistent": bool(y >= x)})
    return rows
