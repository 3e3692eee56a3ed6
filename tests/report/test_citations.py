"""Bibliography rendering: Chicago author-date, escaping, citeproc-py for other styles."""

from __future__ import annotations

from casusbelli.report.citations import format_bibliography, short_citation
from casusbelli.workspace.models import Source


def _src(**kw) -> Source:
    return Source.model_validate(kw)


BOOK = dict(id="b", type="book", title="Causes of War", publisher="Wiley-Blackwell",
            **{"publisher-place": "Chichester"}, issued={"date-parts": [[2010]]},
            author=[{"family": "Levy", "given": "Jack S."},
                    {"family": "Thompson", "given": "William R."}])
ARTICLE = dict(id="a", type="article-journal", title="Using stacking", volume="13", issue="3",
               page="917-1007", DOI="10.1214/17-BA1091", issued={"date-parts": [[2018]]},
               author=[{"family": "Yao", "given": "Yuling"}],
               **{"container-title": "Bayesian Analysis"})


def test_chicago_author_date_book_and_article():
    entries = {e.id: str(e.html) for e in format_bibliography([_src(**BOOK), _src(**ARTICLE)])}
    assert entries["b"] == ("Levy, Jack S., and William R. Thompson. 2010. <i>Causes of War</i>. "
                            "Chichester: Wiley-Blackwell.")
    assert entries["a"] == ("Yao, Yuling. 2018. “Using stacking.” <i>Bayesian Analysis</i> 13 (3): "
                            "917–1007. https://doi.org/10.1214/17-BA1091.")


def test_entries_sorted_by_author():
    ids = [e.id for e in format_bibliography([_src(**ARTICLE), _src(**BOOK)])]
    assert ids == ["b", "a"]


def test_hostile_title_is_escaped_in_both_engines():
    bad = dict(BOOK, title="Evil <script>alert(1)</script> <img src=x onerror=alert(1)>",
               URL="https://e.org/?a=1&b=<2>")
    for style in ("chicago-author-date", "apa"):
        (entry,) = format_bibliography([_src(**bad)], style=style)
        html = str(entry.html)
        assert "<script" not in html and "<img" not in html, (style, html)
        assert "&lt;script&gt;" in html
        assert "<i>" in html  # the formatter's own tags survive


def test_other_styles_use_citeproc():
    (entry,) = format_bibliography([_src(**BOOK)], style="apa")
    assert entry.engine == "citeproc-py"
    assert "Levy" in str(entry.html) and "2010" in str(entry.html)


def test_unknown_style_is_an_error_naming_the_style():
    import pytest

    from casusbelli.errors import AnalysisError

    with pytest.raises(AnalysisError, match="unknown citation style 'no-such-style'") as err:
        format_bibliography([_src(**BOOK)], style="no-such-style")
    assert err.value.field == "style"


def test_short_citation_forms():
    assert short_citation(_src(**BOOK)) == "Levy and Thompson 2010"
    assert short_citation(_src(**ARTICLE)) == "Yao 2018"
    anon = _src(id="x", type="webpage", title="A page")
    assert short_citation(anon) == "A page n.d."
