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
every inflected form of each term once (:mod:`casusbelli.discourse.inflection`: English rules,
pymorphy3 for Russian and Ukrainian) and caching the result. A term list may be in any language
code (``tr``, ``de``, ...): languages without built-in inflection list their surface forms
explicitly. Normalisation and inflection live in :mod:`~casusbelli.discourse.inflection` and are
re-exported here.
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

from casusbelli.discourse.inflection import (
    LANGUAGES,
    expand_term,
    inflect_english,
    inflect_russian,
    inflect_ukrainian,
    is_language_code,
    morph_version,
    normalize_term,
    normalize_text,
)
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
    "inflect_ukrainian",
    "is_language_code",
    "load_frames",
    "normalize_term",
    "normalize_text",
]

#: Bumped whenever the inflection or normalisation rule changes, so cached expansions are not
#: reused (2: Ukrainian, any language code, ``İ`` and ``ʼ`` folded).
RULE_VERSION = 2
#: Largest frame file read, in bytes.
MAX_FILE_BYTES = 1024 * 1024

_FRAME_FIELDS = ("id", "label", "description", "terms", "examples")
_EXAMPLE_FIELDS = ("text", "source", "locator")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

Progress = Callable[[int, int | None, str], None]


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
        if not is_language_code(lang):
            check.add(
                f"invalid language code {lang!r}: use a lower-case code such as "
                f"{', '.join(LANGUAGES)} or tr (built-in inflection: {', '.join(LANGUAGES)}; "
                "other languages list every surface form)",
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


def _cache_key(frames: Sequence[Frame]) -> str:
    langs = sorted({lang for f in frames for lang in f.terms if lang in ("ru", "uk")})
    payload = {
        "rule": RULE_VERSION,
        "morph": [morph_version(lang) for lang in langs],
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

    Russian and Ukrainian terms are inflected with pymorphy3 (:func:`inflect_russian`,
    :func:`inflect_ukrainian`), English terms with :func:`inflect_english`; terms in any other
    language are used as written (see :mod:`~casusbelli.discourse.inflection`). With
    ``cache_dir``, the expansion is stored in
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
        morphs: dict[str, Any] = {}
        total = sum(len(ts) for f in frames for ts in f.terms.values())
        for f in frames:
            for lang, terms in f.terms.items():
                for term in terms:
                    k = f"{lang}:{term}"
                    if k in expanded:
                        continue
                    expanded[k] = expand_term(term, lang, morphs)
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
