"""Frame lexicons: load frame files, normalise text, and expand terms into inflected forms.

A *frame* is a narrative frame (e.g. ``gpw``, the Great Patriotic War) described by a YAML file
``frames/<id>.yaml`` in a workspace::

    id: fascism
    label: Fascism / Nazism
    description: The adversary framed as fascist, Nazi or neo-Nazi.
    terms:
      en: [nazism, neo-nazi, denazification]
      ru: [нацизм, неонацист, денацификация]
    examples:
      - text: "To this end, we will seek to demilitarise and denazify Ukraine, ..."
        source: putin2022feb24
        locator: "2022-02-24, Address by the President of the Russian Federation"

:func:`load_frames` reads such files (errors name file, line and field); :func:`build_lexicon`
turns the terms of all frames into one :class:`Lexicon` of normalised surface forms, generating
every inflected form of each Russian term with pymorphy3 once and caching the result.

Normalisation (:func:`normalize_text`) is length-preserving, so an offset in the normalised text
is the same offset in the original text: lower case, ``ё`` folded to ``е``, every whitespace
character turned into a plain space and the typographic apostrophe ``’`` into ``'``.

Russian inflection rule (see ``docs/methods/frames.md``):

* one word: the union of the paradigms (``lexeme``) of every pymorphy3 parse whose normal form
  is the term itself (so ``фашизм`` gives ``фашизма``, ``фашизмом``, ...); an unknown or
  indeclinable word (``НАТО``) stays as written;
* several words: the *head* is the first noun whose parse can be nominative; it takes every form
  of its paradigm, and each adjective or participle written *before* it is inflected to agree in
  case and number (and gender in the singular; the head's animacy in the accusative). Words
  after the head (a genitive complement, a prepositional phrase: ``расширение НАТО``, ``борьба с
  терроризмом``) and non-agreeing words before it stay as written. A phrase with no noun is used
  as written;
* a term written with a leading ``=`` is used exactly as written (after normalisation).

English inflection rule: the last word gets a plural (``-s``; ``-es`` after s, x, z, ch, sh;
consonant + ``y`` -> ``-ies``) and the possessives ``'s`` and ``s'``; a leading ``=`` again means
"exactly as written".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from casusbelli.errors import DuplicateIdError, Problem, SchemaError, UnknownIdError, WorkspaceError

__all__ = [
    "LANGUAGES",
    "RULE_VERSION",
    "Example",
    "Frame",
    "Lexicon",
    "build_lexicon",
    "inflect_english",
    "inflect_russian",
    "load_frames",
    "normalize_term",
    "normalize_text",
]

#: Languages a frame may list terms for (Russian terms are inflected with pymorphy3).
LANGUAGES = ("en", "ru")
#: Bumped whenever the inflection rule changes, so cached expansions are not reused.
RULE_VERSION = 1
#: Largest frame file read, in bytes.
MAX_FILE_BYTES = 1024 * 1024

_FRAME_FIELDS = ("id", "label", "description", "terms", "examples")
_EXAMPLE_FIELDS = ("text", "source", "locator")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

Progress = Callable[[int, int | None, str], None]

# ---------------------------------------------------------------------------------------------
# normalisation


_WHITESPACE = ("\n", "\r", "\t", "\x0b", "\x0c", "\xa0", "\u2009", "\u202f", "\u2007", "\u2028")


def normalize_text(text: str) -> str:
    """Return ``text`` lower-cased, ``ё`` folded to ``е``, whitespace as spaces; same length.

    Characters whose lower case is longer than one character (``İ``) are kept as they are, so
    that offsets into the result are offsets into ``text``.

    Examples
    --------
    >>> normalize_text("Ёлка\\nНАТО’s")
    "елка нато's"
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c2 if len(c2 := c.lower()) == 1 else c for c in text)
    low = low.replace("ё", "е")
    for ch in _WHITESPACE:
        if ch in low:
            low = low.replace(ch, " ")
    if "’" in low:
        low = low.replace("’", "'")
    return low


def normalize_term(term: str) -> str:
    """Normalise a term like text, strip it and collapse inner whitespace to single spaces."""
    return " ".join(normalize_text(term).split())


# ---------------------------------------------------------------------------------------------
# frames


@dataclass(frozen=True)
class Example:
    """A sentence that shows the frame, quoted from a source (``source`` is a source id)."""

    text: str
    source: str
    locator: str


@dataclass(frozen=True)
class Frame:
    """One narrative frame: id, label, description, terms per language and examples."""

    id: str
    label: str
    description: str
    terms: Mapping[str, tuple[str, ...]]
    examples: tuple[Example, ...] = ()
    file: str | None = None


def _line(node: Any, key: str | int | None = None) -> int | None:
    """1-based line of ``key`` in a ruamel node (or of the node itself)."""
    try:
        if key is None:
            return int(node.lc.line) + 1
        if isinstance(node, CommentedMap):
            return int(node.lc.key(key)[0]) + 1
        if isinstance(node, CommentedSeq):
            return int(node.lc.item(key)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return None


class _FileChecker:
    """Collects the problems of one frame file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, line: int | None, field: str | None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, field=field))

    def text(self, node: CommentedMap, key: str, *, required: bool, where: str) -> str | None:
        if key not in node:
            if required:
                self.add(f"missing required field '{key}'", _line(node), f"{where}{key}")
            return None
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.add(
                f"expected a non-empty string, got {_describe(value)}",
                _line(node, key),
                f"{where}{key}",
            )
            return None
        return str(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"the string {value!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__


def _read_frame(path: Path, known_sources: set[str] | None) -> tuple[Frame | None, list[Problem]]:
    file = str(path)
    check = _FileChecker(file)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(f"cannot read frame file: {exc}", file=file)]
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(f"frame file is {size} bytes, larger than the {MAX_FILE_BYTES} allowed", file)
        ]
    # the workspace loader's guards: a regular file (no FIFO or device), read within the limit,
    # and no alias bomb or deep nesting reaching the round-trip parser
    from casusbelli.workspace.yamlio import _FileProblem, check_yaml, read_bytes

    try:
        raw = read_bytes(path, file, max_bytes=MAX_FILE_BYTES).decode("utf-8")
        check_yaml(raw, file)
    except _FileProblem as fp:
        found = fp.problem
        if found.message.startswith("invalid YAML: "):  # this module's wording
            found = Problem("malformed YAML: " + found.message[len("invalid YAML: "):],
                            file=file, line=found.line, column=found.column)
        return None, [found]
    except UnicodeDecodeError as exc:
        return None, [Problem(f"not UTF-8 text (byte {exc.start})", file=file)]
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(raw)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or "malformed YAML").strip()
        return None, [Problem(f"malformed YAML: {problem}", file=file, line=line)]
    except YAMLError as exc:
        return None, [Problem(f"malformed YAML: {exc}", file=file)]
    if not isinstance(data, CommentedMap):
        return None, [Problem(f"expected a mapping, got {_describe(data)}", file=file, line=1)]

    for key in data:
        if key not in _FRAME_FIELDS:
            check.add(
                f"unknown field '{key}' (allowed: {', '.join(_FRAME_FIELDS)})",
                _line(data, key),
                str(key),
            )
    frame_id = check.text(data, "id", required=True, where="")
    if frame_id is not None:
        if not _ID_RE.match(frame_id):
            check.add(
                f"id {frame_id!r} must be lower-case letters, digits and '_', starting with a "
                "letter",
                _line(data, "id"),
                "id",
            )
        elif frame_id != path.stem:
            check.add(
                f"id {frame_id!r} differs from the file name {path.stem!r}",
                _line(data, "id"),
                "id",
            )
    label = check.text(data, "label", required=True, where="")
    description = check.text(data, "description", required=True, where="")
    terms = _read_terms(data, check)
    examples = _read_examples(data, check, known_sources)
    if check.problems or frame_id is None or label is None or description is None:
        return None, check.problems
    frame = Frame(frame_id, label, description, terms, examples, file=file)
    return frame, []


def _read_terms(data: CommentedMap, check: _FileChecker) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    if "terms" not in data:
        check.add("missing required field 'terms'", _line(data), "terms")
        return out
    node = data["terms"]
    if not isinstance(node, CommentedMap):
        check.add(
            f"expected a mapping of language to list of terms, got {_describe(node)}",
            _line(data, "terms"),
            "terms",
        )
        return out
    for lang in node:
        where = f"terms.{lang}"
        if lang not in LANGUAGES:
            check.add(
                f"unknown language {lang!r} (allowed: {', '.join(LANGUAGES)})",
                _line(node, lang),
                where,
            )
            continue
        items = node[lang]
        if not isinstance(items, CommentedSeq):
            check.add(f"expected a list of terms, got {_describe(items)}", _line(node, lang), where)
            continue
        seen: dict[str, int] = {}
        kept: list[str] = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not normalize_term(item.lstrip("=")):
                check.add(
                    f"expected a non-empty string, got {_describe(item)}",
                    _line(items, i),
                    f"{where}[{i}]",
                )
                continue
            key = normalize_term(item)
            if key in seen:
                check.add(
                    f"duplicate term {item!r} (same as item {seen[key]} after normalisation)",
                    _line(items, i),
                    f"{where}[{i}]",
                )
                continue
            seen[key] = i
            kept.append(str(item))
        out[str(lang)] = tuple(kept)
    if not any(out.values()) and not check.problems:
        check.add("a frame needs at least one term", _line(data, "terms"), "terms")
    return out


def _read_examples(
    data: CommentedMap, check: _FileChecker, known_sources: set[str] | None
) -> tuple[Example, ...]:
    if "examples" not in data or data["examples"] is None:
        return ()
    node = data["examples"]
    if not isinstance(node, CommentedSeq):
        check.add(f"expected a list, got {_describe(node)}", _line(data, "examples"), "examples")
        return ()
    out: list[Example] = []
    for i, item in enumerate(node):
        where = f"examples[{i}]."
        if not isinstance(item, CommentedMap):
            check.add(
                f"expected a mapping with text, source, locator, got {_describe(item)}",
                _line(node, i),
                f"examples[{i}]",
            )
            continue
        for key in item:
            if key not in _EXAMPLE_FIELDS:
                check.add(
                    f"unknown field '{key}' (allowed: {', '.join(_EXAMPLE_FIELDS)})",
                    _line(item, key),
                    f"{where}{key}",
                )
        text = check.text(item, "text", required=True, where=where)
        source = check.text(item, "source", required=True, where=where)
        locator = check.text(item, "locator", required=True, where=where)
        if source is not None and known_sources is not None and source not in known_sources:
            check.problems.append(
                Problem(
                    f"unknown source id {source!r}",
                    file=check.file,
                    line=_line(item, "source"),
                    field=f"{where}source",
                    kind="unknown_id",
                )
            )
        if text is not None and source is not None and locator is not None:
            out.append(Example(text, source, locator))
    return tuple(out)


def load_frames(
    folder: str | os.PathLike[str], *, known_sources: Iterable[str] | None = None
) -> list[Frame]:
    """Load every ``*.yaml`` frame file of ``folder``, sorted by id.

    Parameters
    ----------
    folder
        A ``frames/`` folder of a workspace.
    known_sources
        Source ids an example may cite; when given, an unknown one is an error.

    Returns
    -------
    list of Frame

    Raises
    ------
    WorkspaceError
        The folder does not exist.
    SchemaError
        A file is malformed, misses a field, has an unknown field, a duplicate term, ...
        (``problems`` lists all of them, each naming file, line and field).
    UnknownIdError
        An example cites a source id not in ``known_sources``.
    DuplicateIdError
        Two files declare the same frame id.
    """
    root = Path(folder)
    if not root.is_dir():
        raise WorkspaceError("frames folder not found", file=str(root))
    sources = set(known_sources) if known_sources is not None else None
    frames: list[Frame] = []
    problems: list[Problem] = []
    for path in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml")):
        frame, found = _read_frame(path, sources)
        problems.extend(found)
        if frame is not None:
            frames.append(frame)
    if problems:
        first = problems[0]
        cls: type[WorkspaceError] = SchemaError
        if all(p.kind == "unknown_id" for p in problems):
            cls = UnknownIdError
        raise cls(
            first.message,
            problems=problems,
            file=first.file,
            line=first.line,
            field=first.field,
        )
    by_id: dict[str, Frame] = {}
    for frame in frames:
        if frame.id in by_id:
            other = by_id[frame.id]
            raise DuplicateIdError(
                f"duplicate frame id {frame.id!r} (also in {other.file})",
                file=frame.file,
                line=1,
                field="id",
            )
        by_id[frame.id] = frame
    return sorted(frames, key=lambda f: f.id)


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
_CASES = {"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2", "gen1"}


def _morph() -> Any:
    import pymorphy3  # noqa: PLC0415 - heavy import, only when Russian terms are expanded

    return pymorphy3.MorphAnalyzer()


def inflect_russian(term: str, morph: Any) -> list[str]:
    """Return every normalised inflected form of a Russian term (see the module docstring).

    Parameters
    ----------
    term
        A lemma (``фашизм``) or a multi-word expression in the nominative
        (``Великая Отечественная война``); ``=`` in front means "exactly as written".
    morph
        A ``pymorphy3.MorphAnalyzer``.
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
            if p is not None and "NOUN" in p.tag and "Fixd" not in p.tag and "nomn" in p.tag
        ),
        None,
    )
    if head is None:
        return [base]
    forms = {base}
    head_parse = parses[head]
    for form in head_parse.lexeme:
        tag = form.tag
        number = "plur" if "plur" in tag else "sing"
        case = next((c for c in _CASES if c in tag), "nomn")
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
            if gender in head_tag:
                grams.add(gender)
    wanted = [grams]
    if case == "accs":
        animacy = [a for a in ("anim", "inan") if a in head_tag] or ["anim", "inan"]
        wanted = [grams | {a} for a in animacy]
    out: list[str] = []
    for g in wanted:
        inflected = parse.inflect(g) or parse.inflect(grams)
        if inflected is not None:
            out.append(_fold(inflected.word))
    return sorted(set(out)) or [word]


def _best_parse(word: str, morph: Any) -> Any:
    """The parse of ``word`` to inflect: nominative first, then the most probable."""
    parses = morph.parse(word)
    if not parses:
        return None
    for p in parses:
        if "nomn" in p.tag and _fold(p.word) == word:
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


# ---------------------------------------------------------------------------------------------
# lexicon


@dataclass(frozen=True)
class Lexicon:
    """All normalised surface forms of a set of frames.

    ``forms[i]`` belongs to the frames ``form_frames[i]`` (indexes into ``frame_ids``) and was
    generated from the term ``form_terms[i]``. Forms are sorted and unique.
    """

    frame_ids: tuple[str, ...]
    forms: tuple[str, ...]
    form_frames: tuple[tuple[int, ...], ...]
    form_terms: tuple[str, ...]
    key: str = field(default="")

    def forms_of(self, frame_id: str) -> list[str]:
        """Return the forms that count for ``frame_id``."""
        k = self.frame_ids.index(frame_id)
        return [f for f, fr in zip(self.forms, self.form_frames, strict=True) if k in fr]


def _morph_version() -> str:
    try:
        from importlib.metadata import version  # noqa: PLC0415

        return f"pymorphy3={version('pymorphy3')};dicts={version('pymorphy3-dicts-ru')}"
    except Exception:  # noqa: BLE001 - metadata missing only changes the cache key
        return "pymorphy3=unknown"


def _cache_key(frames: Sequence[Frame]) -> str:
    payload = {
        "rule": RULE_VERSION,
        "morph": _morph_version(),
        "terms": {f.id: {lang: list(ts) for lang, ts in sorted(f.terms.items())} for f in frames},
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:24]


def _read_cache(path: Path) -> dict[str, list[str]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) for k, v in data.items()
    ):
        return None
    return data


def _write_cache(path: Path, data: dict[str, list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lexicon-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, path)


def build_lexicon(
    frames: Sequence[Frame],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> Lexicon:
    """Expand the terms of ``frames`` into one :class:`Lexicon` of surface forms.

    Russian terms are inflected with pymorphy3 (:func:`inflect_russian`), English terms with
    :func:`inflect_english`. With ``cache_dir``, the expansion is stored in
    ``cache_dir/lexicon-<key>.json``, where ``key`` hashes the term lists, the rule version and
    the pymorphy3 and dictionary versions; a later call with the same key reads it back.
    A form generated by several frames counts for each of them.
    """
    key = _cache_key(frames)
    frame_ids = tuple(f.id for f in frames)
    if len(set(frame_ids)) != len(frame_ids):
        raise DuplicateIdError("duplicate frame ids in lexicon", field="id")
    cache_path = Path(cache_dir) / f"lexicon-{key}.json" if cache_dir is not None else None
    expanded = _read_cache(cache_path) if cache_path is not None else None
    if expanded is None:
        expanded = {}
        morph = None
        total = sum(len(ts) for f in frames for ts in f.terms.values())
        for f in frames:
            for lang, terms in f.terms.items():
                for term in terms:
                    k = f"{lang}:{term}"
                    if k in expanded:
                        continue
                    if lang == "ru":
                        morph = morph or _morph()
                        expanded[k] = inflect_russian(term, morph)
                    else:
                        expanded[k] = inflect_english(term)
                    if progress is not None:
                        progress(1, total, "inflecting terms")
        if cache_path is not None:
            _write_cache(cache_path, expanded)
    owners: dict[str, set[int]] = {}
    source: dict[str, str] = {}
    for fi, f in enumerate(frames):
        for lang, terms in f.terms.items():
            for term in terms:
                for form in expanded.get(f"{lang}:{term}", []):
                    owners.setdefault(form, set()).add(fi)
                    source.setdefault(form, term)
    forms = tuple(sorted(owners))
    return Lexicon(
        frame_ids=frame_ids,
        forms=forms,
        form_frames=tuple(tuple(sorted(owners[f])) for f in forms),
        form_terms=tuple(source[f] for f in forms),
        key=key,
    )
