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

#: Print rules: the first page holds the title, the workspace, the content hash and the
#: verdict (no page break before it); every numbered section starts a page; a table of more
#: than six columns (the codings, the verdict, the QCA table) goes on a landscape page
#: (``.wide`` -> the named page ``wide``) and every table wraps its cells inside the page
#: width (``table-layout: fixed``), so nothing is cut at the right margin.
_PDF_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-center { content: "casusbelli report, page " counter(page) " of " counter(pages);
                         font-size: 8pt; color: #666; } }
@page wide { size: A4 landscape; margin: 12mm 12mm 16mm 12mm; }
body { font-size: 9pt; max-width: none; padding: 0; }
header#first-page h1 { margin-top: 0; }
nav.toc, .noprint { display: none; }
section.report-section { break-before: page; }
.wide { page: wide; }
.scroll { overflow: visible; }
table { page-break-inside: auto; width: 100%; table-layout: fixed; }
table.codings { table-layout: auto; font-size: 7pt; }
th, td { overflow-wrap: anywhere; word-break: break-word; hyphens: auto; }
thead th { hyphens: manual; }
#verdict table { font-size: 7.5pt; }
tr { break-inside: avoid; }
figure.chart-figure { break-inside: avoid; }
img.chart-img { max-width: 100%; height: auto; }
details > *:not(summary) { display: block; }
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
