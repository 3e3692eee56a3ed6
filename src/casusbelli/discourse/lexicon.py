"""Frame lexicons: expand the terms of frames into normalised, inflected surface forms.

A *frame* is a narrative frame (e.g. ``gpw``, the Great Patriotic War): an id, a label, a
description, terms per language and example sentences. The engine takes frames as plain
:class:`Frame` values; reading and validating frame files (``frames/<id>.yaml``, with errors
naming file, line and field) is the workspace's job (:mod:`casusbelli.workspace.validate.frames`),
and :mod:`casusbelli.analysis.frames` converts the workspace's frames into these values
(``load_frames`` for a folder on its own).

:func:`build_lexicon` turns the terms of all frames into one :class:`Lexicon` of normalised
surface forms, generating every inflected form of each term once
(:mod:`casusbelli.discourse.inflection`: English rules, pymorphy3 for Russian and Ukrainian) and
caching the result. A term list may be in any language code (``tr``, ``de``, ...): languages
without built-in inflection list their surface forms explicitly. Normalisation and inflection
live in :mod:`~casusbelli.discourse.inflection` and are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from casusbelli.errors import DuplicateIdError

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
    "normalize_term",
    "normalize_text",
]

#: Bumped whenever the inflection or normalisation rule changes, so cached expansions are not
#: reused (2: Ukrainian, any language code, ``İ`` and ``ʼ`` folded).
RULE_VERSION = 2

Progress = Callable[[int, int | None, str], None]


# ---------------------------------------------------------------------------------------------
# frames


@dataclass(frozen=True)
class Example:
    """A sentence that shows the frame, quoted from a source (``source`` is a source id)."""

    text: str
    source: str
    locator: str | None = None


@dataclass(frozen=True)
class Frame:
    """One narrative frame: id, label, description, terms per language and examples."""

    id: str
    label: str
    description: str
    terms: Mapping[str, tuple[str, ...]]
    examples: tuple[Example, ...] = ()
    file: str | None = None


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
