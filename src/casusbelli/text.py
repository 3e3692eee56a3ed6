"""Text normalisation shared by the workspace (frame terms checked when loading) and the
discourse engine (terms and documents matched).

Normalisation (:func:`normalize_text`) is length-preserving, so an offset in the normalised text
is the same offset in the original text: lower case, ``ё`` folded to ``е``, the Turkish dotted
``İ`` to ``i``, every whitespace character turned into a plain space and the apostrophes ``’``
(U+2019) and ``ʼ`` (U+02BC, the Ukrainian apostrophe) into ``'``. This module imports no
casusbelli layer, so both may use it.
"""

from __future__ import annotations

__all__ = ["normalize_term", "normalize_text"]

_APOSTROPHES = ("’", "ʼ")
_WHITESPACE = ("\n", "\r", "\t", "\x0b", "\x0c", "\xa0", "\u2009", "\u202f", "\u2007", "\u2028")


def normalize_text(text: str) -> str:
    """Return ``text`` lower-cased, ``ё`` folded to ``е``, whitespace as spaces; same length.

    Characters whose lower case is longer than one character are kept as they are (``İ``
    becomes ``i``), so that offsets into the result are offsets into ``text``; the apostrophes
    ``’`` and ``ʼ`` become ``'``.

    Examples
    --------
    >>> normalize_text("Ёлка\\nНАТО’s")
    "елка нато's"
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c2 if len(c2 := c.lower()) == 1 else c for c in text)
    low = low.replace("ё", "е")
    if "İ" in low:  # kept above (its lower case is two characters): fold it to "i"
        low = low.replace("İ", "i")
    for ch in _WHITESPACE:
        if ch in low:
            low = low.replace(ch, " ")
    for ch in _APOSTROPHES:
        if ch in low:
            low = low.replace(ch, "'")
    return low


def normalize_term(term: str) -> str:
    """Normalise a term like text, strip it and collapse inner whitespace to single spaces."""
    return " ".join(normalize_text(term).split())
