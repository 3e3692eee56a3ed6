"""Render one of the report's charts to PNG for the README (docs/img/report-chart.png).

Usage: python scripts/readme_chart.py [--chart ID] [--out docs/img/report-chart.png]

Builds the report of the built-in workspace with casusbelli.report.build_report (a temporary
store, so nothing of yours is touched), picks a chart by id (default: the first posterior
chart) and converts its Vega-Lite spec with vl-convert.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chart", default=None, help="chart id (default: first posterior chart)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "report-chart.png")
    args = parser.parse_args(argv)
    os.environ["CASUS_DATA_DIR"] = tempfile.mkdtemp(prefix="casus-readme-")
    import vl_convert as vlc

    from casusbelli.report import build_report

    report = build_report(None)
    charts = {c.id: c for c in report.charts}
    chart_id = args.chart or next((c for c in charts if "posterior" in c), next(iter(charts)))
    png = vlc.vegalite_to_png(charts[chart_id].spec, scale=2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(png)
    print(f"wrote {args.out} ({chart_id}: {charts[chart_id].title}); charts: {', '.join(charts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
