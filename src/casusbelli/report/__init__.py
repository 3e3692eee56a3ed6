"""The report: one self-contained HTML file (and a PDF) of a workspace's analysis.

:func:`build_report` renders the HTML in memory; :func:`write_report` writes HTML and PDF
(``casus report``). Charts are Vega-Lite specs (:mod:`casusbelli.report.charts`), the
bibliography is rendered in a standard citation style (:mod:`casusbelli.report.citations`).
"""

from casusbelli.report.build import (
    SECTION_TITLES,
    ChartRef,
    Report,
    ReportFiles,
    build_report,
    render_html,
    write_report,
)
from casusbelli.report.citations import BibEntry, format_bibliography

__all__ = [
    "SECTION_TITLES",
    "BibEntry",
    "ChartRef",
    "Report",
    "ReportFiles",
    "build_report",
    "format_bibliography",
    "render_html",
    "write_report",
]
