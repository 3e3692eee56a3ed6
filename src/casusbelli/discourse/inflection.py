"""Surface forms of frame terms: text normalisation and inflection per language.

Normalisation (:func:`normalize_text`, from :mod:`casusbelli.text`) is length-preserving, so
an offset in the normalised text is the same offset in the original text: lower case, ``ё``
folded to ``е``, the Turkish dotted ``İ`` to ``i``, every whitespace character turned into a
plain space and the apostrophes ``’`` (U+2019) and ``ʼ`` (U+02BC, the Ukrainian apostrophe)
into ``'``.

Built-in languages (:data:`LANGUAGES`) and their inflection (see ``docs/methods/frames.md``):

``en``
    the last word gets a plural (``-s``; ``-es`` after s, x, z, ch, sh; consonant + ``y`` ->
    ``-ies``) and the possessives ``'s`` and ``s'``.
``ru``, ``uk``
    pymorphy3 with its Russian or Ukrainian dictionary (Korobov, M. (2015). Morphological
    analyzer and generator for Russian and Ukrainian languages. In Analysis of Images, Social
    Networks and Texts (AIST 2015), CCIS 542, 320-332. doi:10.1007/978-3-319-26123-2_31).

    * one word: the union of the paradigms (``lexeme``) of every parse whose normal form is the
      term itself (``фашизм`` gives ``фашизма``, ``фашизмом``, ...; ``окупант`` gives
      ``окупанта``, ``окупанту``, ...); an unknown or indeclinable word (``НАТО``) stays as
      written;
    * several words: the *head* is the first noun whose parse can be nominative; it takes every
      form of its paradigm, and each adjective or participle written *before* it is inflected
      to agree in case and number (and gender in the singular; the head's animacy in the
      accusative). Words after the head (a genitive complement, a prepositional phrase) and
      non-agreeing words before it stay as written. A phrase with no noun is used as written.

Any other language code (:func:`is_language_code`: ``tr``, ``de``, ``pt-BR``, ...) is accepted
with its surface forms listed explicitly: each term is used as written (normalised), and the
matcher's Unicode word boundaries apply. In every language a term written with a leading ``=``
is used exactly as written. A new inflected language is one entry in :data:`INFLECTORS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from casusbelli.text import normalize_term, normalize_text

__all__ = [
    "INFLECTORS",
    "LANGUAGES",
    "expand_term",
    "inflect_english",
    "inflect_pymorphy",
    "inflect_russian",
    "inflect_ukrainian",
    "is_language_code",
    "morph_version",
    "normalize_term",
    "normalize_text",
]

_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

# ---------------------------------------------------------------------------------------------
# inflection


_PLURAL_ES = ("s", "x", "z", "ch", "sh")


def inflect_english(term: str) -> list[str]:
    """Return the normalised forms of an English term: as written, plural, possessives.

    Only the last word is inflected. A term starting with ``=`` is returned as written.

    Examples
    --------
    >>> inflect_english("colour revolution")
    ['colour revolution', "colour revolution's", 'colour revolutions', "colour revolutions'"]
    """
    if term.startswith("="):
        return [normalize_term(term[1:])]
    base = normalize_term(term)
    head, _, last = base.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last.endswith(_PLURAL_ES):
        plural = last + "es"
    elif len(last) > 1 and last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    forms = {base, f"{prefix}{last}'s", f"{prefix}{plural}", f"{prefix}{plural}'"}
    return sorted(forms)


_CASE_OF = {"gen2": "gent", "acc2": "accs", "loc2": "loct", "voct": "nomn", "gen1": "gent"}


_DICTS = {"ru": "pymorphy3-dicts-ru", "uk": "pymorphy3-dicts-uk"}


def _morph(lang: str = "ru") -> Any:
    """A pymorphy3 analyser for ``lang`` (``ru`` or ``uk``)."""
    import pymorphy3  # noqa: PLC0415 - heavy import, only when terms are expanded

    try:
        return pymorphy3.MorphAnalyzer(lang=lang)
    except (ValueError, ImportError, OSError) as exc:  # dictionary package missing
        from casusbelli.errors import AnalysisError  # noqa: PLC0415

        raise AnalysisError(
            f"no pymorphy3 dictionary for language {lang!r}",
            hint=f"pip install {_DICTS.get(lang, 'pymorphy3-dicts-' + lang)}",
        ) from exc


def morph_version(lang: str) -> str:
    """Versions of pymorphy3 and of its dictionary for ``lang`` (part of cache keys)."""
    try:
        from importlib.metadata import version  # noqa: PLC0415

        return f"pymorphy3={version('pymorphy3')};{lang}={version(_DICTS[lang])}"
    except Exception:  # noqa: BLE001 - metadata missing only changes the cache key
        return f"pymorphy3=unknown;{lang}=unknown"


def inflect_pymorphy(term: str, morph: Any) -> list[str]:
    """Return every normalised inflected form of a term, generated with a pymorphy3 analyser
    (Russian or Ukrainian dictionary; see the module docstring).

    Parameters
    ----------
    term
        A lemma (``фашизм``, ``окупант``) or a multi-word expression in the nominative
        (``Великая Отечественная война``, ``Друга світова війна``); ``=`` in front means
        "exactly as written".
    morph
        A ``pymorphy3.MorphAnalyzer`` for the term's language.
    """
    if term.startswith("="):
        return [normalize_term(term[1:])]
    base = normalize_term(term)
    words = base.split(" ")
    if len(words) == 1:
        return sorted(_word_forms(base, morph))
    parses = [_best_parse(w, morph) for w in words]
    head = next(
        (
            i
            for i, p in enumerate(parses)
            if p is not None and _has(p.tag, "NOUN") and not _has(p.tag, "Fixd")
            and _has(p.tag, "nomn")
        ),
        None,
    )
    if head is None:
        return [base]
    forms = {base}
    head_parse = parses[head]
    for form in head_parse.lexeme:
        tag = form.tag
        number = "plur" if _has(tag, "plur") else "sing"
        case = str(tag.case) if tag.case else "nomn"
        case = _CASE_OF.get(case, case)
        variants: list[list[str]] = []
        for i, word in enumerate(words):
            p = parses[i]
            if i == head:
                variants.append([_fold(form.word)])
            elif i < head and p is not None and p.tag.POS in ("ADJF", "PRTF"):
                variants.append(_agree(p, case, number, tag, word))
            else:
                variants.append([word])
        for combo in _product(variants):
            forms.add(" ".join(combo))
    return sorted(forms)


def _has(tag: Any, grammeme: str) -> bool:
    """Whether a pymorphy3 tag has ``grammeme``; ``False`` for a grammeme the dictionary's
    tag set does not know (the Ukrainian one has no ``Fixd`` or ``gen2``)."""
    try:
        return grammeme in tag
    except ValueError:
        return False


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _product(variants: list[list[str]]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for options in variants:
        out = [prev + [o] for prev in out for o in options]
    return out


def _agree(parse: Any, case: str, number: str, head_tag: Any, word: str) -> list[str]:
    """Forms of an adjective/participle agreeing with the head in case, number (and gender)."""
    grams = {case, number}
    if number == "sing":
        for gender in ("masc", "femn", "neut"):
            if _has(head_tag, gender):
                grams.add(gender)
    wanted = [grams]
    if case == "accs":
        animacy = [a for a in ("anim", "inan") if _has(head_tag, a)] or ["anim", "inan"]
        wanted = [grams | {a} for a in animacy]
    out: list[str] = []
    for g in wanted:
        # the Ukrainian dictionary marks no "sing": a singular form is one with a gender
        tries = (g, grams, g - {"sing"}, grams - {"sing"})
        inflected = next((f for t in tries if (f := parse.inflect(t)) is not None), None)
        if inflected is not None:
            out.append(_fold(inflected.word))
    return sorted(set(out)) or [word]


def _best_parse(word: str, morph: Any) -> Any:
    """The parse of ``word`` to inflect: nominative first, then the most probable."""
    parses = morph.parse(word)
    if not parses:
        return None
    for p in parses:
        if _has(p.tag, "nomn") and _fold(p.word) == word:
            return p
    return parses[0]


def _word_forms(word: str, morph: Any) -> set[str]:
    forms = {word}
    for p in morph.parse(word):
        if _fold(p.normal_form) != word:
            continue
        for f in p.lexeme:
            forms.add(_fold(f.word))
    return forms




def inflect_russian(term: str, morph: Any) -> list[str]:
    """Every inflected form of a Russian term: :func:`inflect_pymorphy` with the Russian
    dictionary (``morph = pymorphy3.MorphAnalyzer()``)."""
    return inflect_pymorphy(term, morph)


def inflect_ukrainian(term: str, morph: Any) -> list[str]:
    """Every inflected form of a Ukrainian term: :func:`inflect_pymorphy` with the Ukrainian
    dictionary (``morph = pymorphy3.MorphAnalyzer(lang="uk")``, package pymorphy3-dicts-uk).

    Examples
    --------
    >>> import pymorphy3
    >>> forms = inflect_ukrainian("окупант", pymorphy3.MorphAnalyzer(lang="uk"))
    >>> "окупанту" in forms and "окупантів" in forms
    True
    """
    return inflect_pymorphy(term, morph)


def _as_listed(term: str) -> list[str]:
    return [normalize_term(term[1:] if term.startswith("=") else term)]


#: Inflected languages: code -> (inflect(term, morph), analyser factory or ``None``).
INFLECTORS: dict[str, tuple[Callable[[str, Any], list[str]], Callable[[], Any] | None]] = {
    "en": (lambda term, _morph_unused: inflect_english(term), None),
    "ru": (inflect_russian, lambda: _morph("ru")),
    "uk": (inflect_ukrainian, lambda: _morph("uk")),
}
#: Languages with built-in inflection; any other code is used with listed surface forms.
LANGUAGES = tuple(INFLECTORS)


def is_language_code(code: object) -> bool:
    """Whether ``code`` looks like a BCP 47 language tag in lower case (``tr``, ``pt-BR``)."""
    return isinstance(code, str) and bool(_LANG_RE.match(code))


def expand_term(term: str, lang: str, morphs: dict[str, Any] | None = None) -> list[str]:
    """The normalised surface forms of ``term`` in language ``lang``.

    ``morphs`` caches the analysers per language between calls (pass a dict and keep it).
    A language without an entry in :data:`INFLECTORS` gives the term as written.
    """
    if lang not in INFLECTORS:
        return _as_listed(term)
    inflect, factory = INFLECTORS[lang]
    morph = None
    if factory is not None:
        cache = morphs if morphs is not None else {}
        if lang not in cache:
            cache[lang] = factory()
        morph = cache[lang]
    return inflect(term, morph)
