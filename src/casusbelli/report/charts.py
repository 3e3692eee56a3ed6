"""Vega-Lite chart specs for the report, as pure functions of analysis data.

Each function takes plain values (mappings, lists of records) and returns a Vega-Lite
specification as a JSON-ready ``dict`` with its data inlined, so the report needs no files or
network. Specs are built with Altair, which validates them against the Vega-Lite schema;
:func:`validate_spec` checks any spec again (the tests use it on every chart in a report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from casusbelli.errors import AnalysisError

__all__ = [
    "ACH_COLOURS",
    "calibration_chart",
    "loio_chart",
    "placebo_chart",
    "sensitivity_chart",
    "forecast_chart",
    "frames_chart",
    "place_labels",
    "posterior_chart",
    "qca_xy_chart",
    "validate_spec",
    "weights_chart",
    "xy_chart",
]

#: Colours of the ACH consistency scale, shared by the matrix table and charts.
ACH_COLOURS = {
    "CC": "#1a9850", "C": "#91cf60", "N": "#f7f7f7", "I": "#fc8d59", "II": "#d73027",
    "NA": "#d9d9d9",
}

_WIDTH = 420


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()  # altair validates against the schema here
    return spec


def validate_spec(spec: Mapping[str, Any]) -> None:
    """Raise :class:`~casusbelli.errors.AnalysisError` unless ``spec`` is valid Vega-Lite."""
    from jsonschema import ValidationError

    try:
        alt.vegalite.v6.schema.core.Root.validate(dict(spec))
    except ValidationError as exc:
        raise AnalysisError(f"invalid Vega-Lite spec: {exc.message}",
                            field="/".join(map(str, exc.absolute_path)) or None) from exc


def posterior_chart(
    posterior: Mapping[str, float],
    *,
    prior: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "",
) -> dict[str, Any]:
    """Horizontal bars of a posterior over hypotheses (prior as tick marks when given)."""
    if not posterior:
        raise AnalysisError("posterior_chart needs at least one hypothesis")
    names = labels or {}
    rows = [{"hypothesis": names.get(h, h), "posterior": float(p),
             "prior": float(prior[h]) if prior and h in prior else None}
            for h, p in posterior.items()]
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("hypothesis:N", sort="-x", title=None)
    bars = base.mark_bar(color="#4c78a8").encode(
        x=alt.X("posterior:Q", scale=alt.Scale(domain=[0, 1]), title="probability"),
        y=y, tooltip=["hypothesis:N", alt.Tooltip("posterior:Q", format=".3f")])
    layers: list[alt.Chart] = [bars]
    if prior:
        layers.append(base.mark_tick(color="#333", thickness=2).encode(
            x="prior:Q", y=y, tooltip=[alt.Tooltip("prior:Q", format=".3f")]))
    chart = alt.layer(*layers).properties(width=_WIDTH, title=title or "Posterior")
    return _finish(chart)


def weights_chart(
    weights: Mapping[str, float], *, labels: Mapping[str, str] | None = None,
    title: str = "Theory weights",
) -> dict[str, Any]:
    """Bars of theory weights (e.g. from leave-one-case-out predictive scores)."""
    if not weights:
        raise AnalysisError("weights_chart needs at least one theory")
    names = labels or {}
    rows = [{"theory": names.get(t, t), "weight": float(w)} for t, w in weights.items()]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color="#72b7b2").encode(
        x=alt.X("weight:Q", title="weight"), y=alt.Y("theory:N", sort="-x", title=None),
        tooltip=["theory:N", alt.Tooltip("weight:Q", format=".3f")],
    ).properties(width=_WIDTH, title=title)
    return _finish(chart)


def xy_chart(
    points: Sequence[Mapping[str, Any]], *, x_title: str, y_title: str = "outcome",
    title: str = "",
) -> dict[str, Any]:
    """Fuzzy-set XY plot: membership in a solution/path (x) vs the outcome (y), with diagonal.

    ``points`` are records ``{"case": str, "x": float, "y": float}``. Cases above the
    diagonal (y >= x) are consistent with sufficiency (Ragin 2008, ch. 3).
    """
    rows = [{"case": str(p["case"]), "x": float(p["x"]), "y": float(p["y"]),
             "consistent": bool(float(p["y"]) >= float(p["x"]))} for p in points]
    if not rows:
        raise AnalysisError("xy_chart needs at least one case")
    diag = alt.Chart(alt.Data(values=[{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}])).mark_line(
        color="#999", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    pts = alt.Chart(alt.Data(values=rows)).mark_circle(size=70, opacity=0.8).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[0, 1]), title=x_title),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 1]), title=y_title),
        color=alt.Color("consistent:N", title="y ≥ x",
                        scale=alt.Scale(domain=[True, False], range=["#4c78a8", "#e45756"])),
        tooltip=["case:N", alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f")],
    )
    chart = alt.layer(diag, pts).properties(width=300, height=300, title=title or x_title)
    return _finish(chart)


#: Approximate glyph width and line height (px) of the 10 px label font, for label placement.
_CHAR_PX, _LINE_PX = 6.0, 12.0
#: How far (px) a label may reach beyond the plot's right and top edges (the legend is below).
_MARGIN_PX = (40.0, 14.0)


def place_labels(
    x: Sequence[float], y: Sequence[float], labels: Sequence[str], *,
    width: float, height: float, point_px: float = 4.0,
) -> list[tuple[float, float] | None]:
    """Greedy placement of point labels that overlap neither each other nor the points.

    Points are taken from the top of the plot down; each label tries eight positions around
    its point (right, left, above, below, then the diagonals) at growing distances and keeps
    the first whose box (estimated from the number of characters) lies inside the plot (or a
    little beyond its right and top edges) and clear of every point and every label already placed; a label with no such position is
    left off (``None``). Returns, per point, the data coordinates of the label's left edge
    and vertical middle (for a left-aligned, middle-baseline text mark). Coordinates are in
    [0, 1] on both axes.
    """
    px = [(float(a) * width, float(b) * height) for a, b in zip(x, y, strict=True)]
    boxes = [(a - point_px, b - point_px, a + point_px, b + point_px) for a, b in px]
    out: list[tuple[float, float] | None] = [None] * len(px)
    order = sorted(range(len(px)), key=lambda k: (-px[k][1], px[k][0]))
    for k in order:
        w, h = len(labels[k]) * _CHAR_PX, _LINE_PX
        a, b = px[k]
        for gap in (point_px + 2, point_px + 10, point_px + 20):
            spots = [(a + gap, b - h / 2), (a - gap - w, b - h / 2), (a - w / 2, b + gap),
                     (a - w / 2, b - gap - h), (a + gap, b + gap), (a - gap - w, b + gap),
                     (a + gap, b - gap - h), (a - gap - w, b - gap - h)]
            spot = next((s for s in spots if _free((s[0], s[1], s[0] + w, s[1] + h), boxes,
                                                   width, height)), None)
            if spot is not None:
                boxes.append((spot[0], spot[1], spot[0] + w, spot[1] + h))
                out[k] = (spot[0] / width, (spot[1] + h / 2) / height)
                break
    return out


def _free(box: tuple[float, float, float, float],
          taken: Sequence[tuple[float, float, float, float]], width: float,
          height: float) -> bool:
    x0, y0, x1, y1 = box
    if x0 < 0 or y0 < 0 or x1 > width + _MARGIN_PX[0] or y1 > height + _MARGIN_PX[1]:
        return False
    return all(x1 <= a0 or x0 >= a1 or y1 <= b0 or y0 >= b1 for a0, b0, a1, b1 in taken)


def _leaders(
    points: Sequence[tuple[float, float]],
    texts: Sequence[str],
    spots: Sequence[tuple[float, float] | None],
    size: int,
) -> list[dict[str, float]]:
    """Thin lines from each point to its label, where the label is placed away from it.

    A label's box is estimated from its length (:data:`_CHAR_PX` per character, one
    :data:`_LINE_PX` line high); the line runs to the box's nearest point and is drawn only
    when that is more than 7 px from the point. Labels left off (``None`` spots) get none.
    """
    leaders = []
    for (a, b), t, spot in zip(points, texts, spots, strict=True):
        if spot is None:
            continue
        x0, x1 = spot[0], spot[0] + len(t) * _CHAR_PX / size
        y0, y1 = spot[1] - _LINE_PX / 2 / size, spot[1] + _LINE_PX / 2 / size
        near = (min(max(a, x0), x1), min(max(b, y0), y1))
        if ((near[0] - a) ** 2 + (near[1] - b) ** 2) ** 0.5 * size > 7:
            leaders.append({"x": a, "y": b, "x2": near[0], "y2": near[1]})
    return leaders


def _sufficiency_subtitle(xs: list[float], ys: list[float], left_off: int) -> str:
    r"""The XY plot's subtitle: inclusion and coverage of sufficiency, cases, labels left off.

    .. math:: \mathrm{inclS} = \frac{\sum \min(x, y)}{\sum x}, \quad
              \mathrm{covS} = \frac{\sum \min(x, y)}{\sum y}

    (Ragin 2008, ch. 3); ``nan`` when the denominator is 0.
    """
    s_xy = sum(min(a, b) for a, b in zip(xs, ys, strict=True))
    incl = s_xy / sum(xs) if sum(xs) > 0 else float("nan")
    cov = s_xy / sum(ys) if sum(ys) > 0 else float("nan")
    sub = f"inclS {incl:.3f} · covS {cov:.3f} · {len(xs)} cases"
    if left_off:
        sub += f" · {left_off} label(s) left off to avoid overlap (see tooltips)"
    return sub


def qca_xy_chart(
    x: Sequence[float], y: Sequence[float], labels: Sequence[str], *,
    x_title: str, y_title: str = "outcome", title: str = "", size: int = 360,
) -> dict[str, Any]:
    r"""XY plot of a QCA solution (or term, or condition) against the outcome, cases labelled.

    Memberships ``x`` (the solution) and ``y`` (the outcome) of each case, with the diagonal:
    cases on or above it (:math:`y \ge x`) are consistent with sufficiency (Ragin 2008,
    ch. 3; Schneider & Wagemann 2012, ch. 5). Cases at the same point share one label; labels
    are placed by :func:`place_labels` so that none overlaps another or a point, and the
    subtitle says how many were left off (every case stays in the tooltip). The subtitle
    also gives the sufficiency inclusion :math:`\sum \min(x, y) / \sum x` and coverage
    :math:`\sum \min(x, y) / \sum y`.
    """
    xs, ys = [float(v) for v in x], [float(v) for v in y]
    if not xs or len(xs) != len(ys) or len(xs) != len(labels):
        raise AnalysisError("qca_xy_chart needs as many x, y and labels, at least one",
                            field="labels")
    if any(not 0 <= v <= 1 for v in [*xs, *ys]):
        raise AnalysisError("qca_xy_chart takes memberships in [0, 1]", field="x")
    groups: dict[tuple[float, float], list[str]] = {}
    for a, b, lab in zip(xs, ys, labels, strict=True):
        groups.setdefault((round(a, 3), round(b, 3)), []).append(str(lab))
    keys = list(groups)
    texts = [", ".join(groups[k]) for k in keys]
    spots = place_labels([k[0] for k in keys], [k[1] for k in keys], texts, width=size,
                         height=size)
    pts = [{"case": ", ".join(groups[k]), "x": k[0], "y": k[1], "n": len(groups[k]),
            "consistent": k[1] >= k[0]} for k in keys]
    lab_rows = [{"label": t, "lx": s[0], "ly": s[1]}
                for t, s in zip(texts, spots, strict=True) if s is not None]
    leaders = _leaders(keys, texts, spots, size)
    left_off = sum(len(groups[k]) for k, s in zip(keys, spots, strict=True) if s is None)
    sub = _sufficiency_subtitle(xs, ys, left_off)
    scale = alt.Scale(domain=[0, 1], nice=False)
    diag = alt.Chart(alt.Data(values=[{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}])).mark_line(
        color="#999", strokeDash=[4, 4]).encode(x=alt.X("x:Q", scale=scale),
                                                y=alt.Y("y:Q", scale=scale))
    dots = alt.Chart(alt.Data(values=pts)).mark_circle(size=60, opacity=0.85).encode(
        x=alt.X("x:Q", scale=scale, title=x_title),
        y=alt.Y("y:Q", scale=scale, title=y_title),
        color=alt.Color("consistent:N", title="y ≥ x",
                        scale=alt.Scale(domain=[True, False], range=["#4c78a8", "#e45756"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["case:N", "n:Q", alt.Tooltip("x:Q", format=".2f"),
                 alt.Tooltip("y:Q", format=".2f")],
    )
    layers = [diag, dots]
    if leaders:
        layers.append(alt.Chart(alt.Data(values=leaders)).mark_rule(
            color="#aaa", strokeWidth=0.8).encode(
            x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), x2="x2:Q", y2="y2:Q"))
    if lab_rows:
        layers.append(alt.Chart(alt.Data(values=lab_rows)).mark_text(
            align="left", baseline="middle", fontSize=10, color="#333").encode(
            x=alt.X("lx:Q", scale=scale), y=alt.Y("ly:Q", scale=scale), text="label:N"))
    chart = alt.layer(*layers).properties(
        width=size, height=size,
        title=alt.TitleParams(title or f"{x_title} → {y_title}", subtitle=sub, anchor="start"))
    return _finish(chart)


def _segment_years(data: list[dict[str, Any]]) -> None:
    """Label runs of consecutive years per frame (``segment``), breaking at gaps."""
    by_frame: dict[str, list[dict[str, Any]]] = {}
    for d in data:
        by_frame.setdefault(d["frame"], []).append(d)
    for frame, items in by_frame.items():
        items.sort(key=lambda d: d["date"])
        seg, prev = 0, None
        for d in items:
            year = int(d["date"][:4]) if d["date"][:4].isdigit() else None
            if prev is not None and year is not None and year - prev > 1:
                seg += 1
            d["segment"] = f"{frame}#{seg}"
            prev = year


def frames_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    events: Sequence[Mapping[str, Any]] = (),
    y_title: str = "rate",
    title: str = "Frames over time",
) -> dict[str, Any]:
    """Lines of frame rates over time, with vertical rules at event dates (case starts).

    ``rows`` are ``{"date": "YYYY-MM-DD", "frame": str, "rate": float}``; ``events`` are
    ``{"date": "YYYY-MM-DD", "label": str}``. Yearly windows are joined by a line only when
    they are consecutive years, so a gap in the corpus shows as a gap, not as a trend.
    """
    data = [{"date": str(r["date"]), "frame": str(r["frame"]), "rate": float(r["rate"])}
            for r in rows if r.get("rate") is not None]
    if not data:
        raise AnalysisError("frames_chart needs at least one rate")
    _segment_years(data)
    lines = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
        x=alt.X("date:T", title=None), y=alt.Y("rate:Q", title=y_title),
        color=alt.Color("frame:N", title="frame"),
        detail="segment:N",
        tooltip=["frame:N", "date:T", alt.Tooltip("rate:Q", format=".3g")],
    )
    layers: list[alt.Chart] = [lines]
    first, last = min(d["date"] for d in data), max(d["date"] for d in data)
    # a yearly window labelled YYYY-01-01 covers the whole year: keep that year's events
    marks = [{"date": str(e["date"]), "label": str(e["label"])} for e in events
             if first[:4] <= str(e["date"])[:4] <= last[:4]]
    if marks:
        ev = alt.Chart(alt.Data(values=marks))
        layers.append(ev.mark_rule(color="#666", strokeDash=[2, 3]).encode(
            x="date:T", tooltip=["label:N", "date:T"]))
        layers.append(ev.mark_text(angle=270, align="left", dx=4, dy=-4, fontSize=9,
                                   color="#444").encode(x="date:T", y=alt.value(0),
                                                        text="label:N"))
    chart = alt.layer(*layers).properties(width=560, height=260, title=title)
    return _finish(chart)


def forecast_chart(
    rows: Sequence[Mapping[str, Any]], *, title: str = "Forecasts: P(yes) by theory",
) -> dict[str, Any]:
    """Dot plot of each theory's (and the ensemble's) probability per binary question.

    ``rows`` are ``{"question": str, "theory": str, "p": float}``.
    """
    data = [{"question": str(r["question"]), "theory": str(r["theory"]), "p": float(r["p"])}
            for r in rows]
    if not data:
        raise AnalysisError("forecast_chart needs at least one forecast")
    chart = alt.Chart(alt.Data(values=data)).mark_point(filled=True, size=80).encode(
        x=alt.X("p:Q", scale=alt.Scale(domain=[0, 1]), title="P(yes)"),
        y=alt.Y("question:N", title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("theory:N", title="theory"),
        shape=alt.Shape("theory:N", title="theory"),
        tooltip=["question:N", "theory:N", alt.Tooltip("p:Q", format=".2f")],
    ).properties(width=_WIDTH, title=title)
    return _finish(chart)


def calibration_chart(
    bins: Sequence[Mapping[str, Any]], *, title: str = "Calibration",
) -> dict[str, Any]:
    """Reliability diagram: observed frequency vs mean forecast per bin, with the diagonal.

    ``bins`` are ``{"forecast": float, "observed": float, "n": int, "series": str}``
    (``series`` optional, e.g. a theory or "ensemble").
    """
    data = [{"forecast": float(b["forecast"]), "observed": float(b["observed"]),
             "n": int(b.get("n", 1)), "series": str(b.get("series", "forecasts"))}
            for b in bins]
    if not data:
        raise AnalysisError("calibration_chart needs at least one bin")
    diag = alt.Chart(alt.Data(values=[{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}])).mark_line(
        color="#999", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    pts = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
        x=alt.X("forecast:Q", scale=alt.Scale(domain=[0, 1]), title="forecast probability"),
        y=alt.Y("observed:Q", scale=alt.Scale(domain=[0, 1]), title="observed frequency"),
        color=alt.Color("series:N", title=None),
        tooltip=["series:N", alt.Tooltip("forecast:Q", format=".2f"),
                 alt.Tooltip("observed:Q", format=".2f"), "n:Q"],
    )
    chart = alt.layer(diag, pts).properties(width=300, height=300, title=title)
    return _finish(chart)


def loio_chart(
    loio: Mapping[str, Mapping[str, Sequence[float]]], *, title: str = ""
) -> dict[str, Any]:
    """Each theory's elpd gain over the base rate without each of its predictors (± 2 SE).

    ``loio``: {theory: {indicator: [diff, se]}}.
    """
    rows = [{"theory": t, "without": ind, "diff": float(d), "low": float(d) - 2 * float(se),
             "high": float(d) + 2 * float(se)}
            for t, by in loio.items() for ind, (d, se) in by.items()]
    if not rows:
        raise AnalysisError("loio_chart needs at least one refit")
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("without:N", title=None)
    bars = base.mark_rule(color="#999").encode(x=alt.X("low:Q", title="elpd − base rate (± 2 SE)"),
                                               x2="high:Q", y=y)
    pts = base.mark_point(filled=True, color="#4c78a8").encode(
        x="diff:Q", y=y, tooltip=["theory:N", "without:N", alt.Tooltip("diff:Q", format=".2f")])
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    chart = alt.layer(bars, pts, zero).properties(width=_WIDTH, height=alt.Step(14)).facet(
        row=alt.Row("theory:N", title=None), data=alt.Data(values=rows))
    return _finish(chart.properties(title=title or "Leave one indicator out"))


def placebo_chart(gains: Sequence[float], real: float, *, title: str = "") -> dict[str, Any]:
    """Histogram of noise theories' elpd gains, with the real theory's gain as a rule."""
    if not gains:
        raise AnalysisError("placebo_chart needs placebo gains")
    hist = alt.Chart(alt.Data(values=[{"gain": float(g)} for g in gains])).mark_bar(
        color="#bbb").encode(x=alt.X("gain:Q", bin=alt.Bin(maxbins=25),
                                     title="elpd gain over the base rate"),
                             y=alt.Y("count():Q", title="noise theories"))
    rule = alt.Chart(alt.Data(values=[{"gain": float(real)}])).mark_rule(
        color="#d62728", size=2).encode(x="gain:Q")
    return _finish(alt.layer(hist, rule).properties(width=_WIDTH, height=120,
                                                    title=title or "Placebo theories"))


def sensitivity_chart(grid: Sequence[Sequence[float]], *, title: str = "") -> dict[str, Any]:
    """Heat map of z (elpd difference / SE) when unknowns are shifted by outcome."""
    rows = [{"negatives": f"{a:+.1f}", "interventions": f"{b:+.1f}", "z": float(z)}
            for a, b, z in grid]
    if not rows:
        raise AnalysisError("sensitivity_chart needs a grid")
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("interventions:O", title="shift of unknowns in interventions"),
        y=alt.Y("negatives:O", title="shift of unknowns in negative cases"))
    heat = base.mark_rect().encode(color=alt.Color("z:Q", scale=alt.Scale(
        scheme="redblue", domainMid=0), title="z vs base"))
    text = base.mark_text().encode(text=alt.Text("z:Q", format=".1f"))
    return _finish(alt.layer(heat, text).properties(width=160, height=120,
                                                    title=title or "Unknowns shifted"))
