"""The PDF: WeasyPrint from the same HTML, charts as SVG; text extracted with pypdf."""

from __future__ import annotations

import pytest

from casusbelli.report import build_report, render_html
from casusbelli.report.pdf import write_pdf

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")


def test_pdf_has_expected_pages(hostile_ws, faked_analysis, tmp_path):
    rep = build_report(hostile_ws, analysis=faked_analysis)
    out = write_pdf(render_html(rep.context, static=True), tmp_path / "r.pdf")
    reader = pypdf.PdfReader(str(out))
    pages = [p.extract_text() or "" for p in reader.pages]
    # title page + one page per section (each section starts a new page)
    assert len(pages) >= 10
    text = "\n".join(pages)
    for heading in ("The question and the theories", "The case base", "Within-case results",
                    "Cross-case results", "Frames over time", "Forecasts", "Methods appendix",
                    "Bibliography", "Reproducibility"):
        assert heading in text, heading
    assert rep.content_hash[:16] in text.replace("\n", "")
    assert "page 1 of" in pages[0]
    assert "Doe, Jane. 2020" in text
    assert "<script>" in text  # hostile text is shown literally, as text
    assert not (tmp_path / "r.pdf.tmp").exists()


def test_pdf_write_failure_keeps_nothing_half_written(tmp_path):
    from casusbelli.errors import CasusError

    target = tmp_path / "dir-not-file"
    target.mkdir()
    with pytest.raises(CasusError, match="cannot write the PDF"):
        write_pdf("<html><body>x</body></html>", target)


def test_pdf_first_page_has_the_verdict_and_wide_tables_go_landscape(hostile_ws, faked_analysis,
                                                                    tmp_path):
    import dataclasses

    from casusbelli.verdict import verdict_section

    a = faked_analysis
    verdict = verdict_section(a.summary, a.sections, ["alpha", "beta"], audit=a.audit)
    a = dataclasses.replace(a, sections={"verdict": verdict, **a.sections})
    rep = build_report(hostile_ws, analysis=a)
    out = write_pdf(render_html(rep.context, static=True), tmp_path / "r.pdf")
    reader = pypdf.PdfReader(str(out))
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert "casusbelli report" in first and a.workspace["name"] in first
    assert rep.content_hash[:16] in first.replace(" ", "")
    assert "Cross-case audit:" in first and "cross-case status" in first.replace("- ", "")
    assert "inconclusive" in first  # the verdict table is on the first page, in portrait
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    # the codings table (a column per indicator) is set on a landscape page
    assert any(p.mediabox.width > p.mediabox.height for p in reader.pages)
