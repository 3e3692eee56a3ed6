"""Write the report as PDF with WeasyPrint, from the same HTML template.

The PDF is made from the report rendered with ``static=True``: the same template and context,
with every chart converted to SVG by ``vl-convert`` and embedded as an image (WeasyPrint does
not run JavaScript). WeasyPrint needs Pango at run time (Debian: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``); when it cannot be imported the error says so.
"""

from __future__ import annotations

from pathlib import Path

from casusbelli.errors import CasusError

__all__ = ["write_pdf"]

_PDF_CSS = """
@page { size: A4; margin: 18mm 15mm 20mm 15mm;
        @bottom-center { content: "casusbelli report, page " counter(page) " of " counter(pages);
                         font-size: 8pt; color: #666; } }
body { font-size: 9.5pt; }
nav.toc, .noprint { display: none; }
section.report-section { break-before: page; }
table { page-break-inside: auto; }
tr { break-inside: avoid; }
img.chart-img { max-width: 100%; }
"""


def write_pdf(html: str, output: str | Path) -> Path:
    """Render ``html`` (the static report) to a PDF file at ``output`` and return its path.

    The file is written under a temporary name and moved into place, so a failure leaves an
    earlier PDF untouched.
    """
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: Pango or another native library missing
        raise CasusError(
            f"PDF output needs WeasyPrint and its system libraries: {exc}",
            hint="pip install weasyprint; on Debian: apt-get install -y libpango-1.0-0 "
            "libpangoft2-1.0-0",
        ) from exc
    out = Path(output)
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        HTML(string=html, base_url=None).write_pdf(tmp, stylesheets=[CSS(string=_PDF_CSS)])
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CasusError(f"cannot write the PDF: {exc.strerror or exc}", file=str(out)) from exc
    return out
