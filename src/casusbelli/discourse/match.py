"""Scan documents for every frame at once with a multi-pattern automaton.

All forms of all frames (:class:`~casusbelli.discourse.lexicon.Lexicon`) are compiled into one
automaton, and each document is scanned once. Three engines give the same matches:

``hyperscan``
    Intel Hyperscan (PyPI ``hyperscan``) over the UTF-8 bytes, the forms compiled as literal
    byte patterns (``HS_FLAG_UTF8 | HS_FLAG_UCP`` optional: same matches, slower compile);
    byte offsets are mapped back to characters. Chosen by
    measurement (about 3x faster than ``aho`` on the Kremlin corpus, see
    ``docs/methods/frames.md`` and ``benchmarks/bench_discourse.py``); ``engine="auto"`` (the
    default) uses it when the package is installed and falls back to ``aho`` otherwise.
``aho``
    pyahocorasick over the normalised ``str`` (the automaton baseline).
``regex``
    One compiled Python ``re`` alternation of the escaped forms, longest first, wrapped in
    ``(?<!\\w)(?:...)(?!\\w)`` (the baseline).

Matching rule (the same for the three engines):

* text and forms are normalised by :func:`~casusbelli.discourse.lexicon.normalize_text`
  (lower case, ``ё`` -> ``е``, whitespace -> space, ``’`` -> ``'``); the normalisation keeps
  length, so offsets are offsets into the original text;
* word boundary: a match ``[start, end)`` counts only when the character before ``start`` and
  the character at ``end`` are not word characters (``str.isalnum()`` or ``_``, i.e. Python's
  Unicode ``\\w``), so ``нато`` does not match inside ``сенатор``, nor ``nato`` in ``senator``;
  Hyperscan's ``\\b`` is ASCII-only, so the rule is applied to its literal hits afterwards;
* overlaps: leftmost-longest, non-overlapping (as a regex alternation sorted longest first):
  ``neo-nazis`` is one hit, not also ``nazis``;
* a form that belongs to several frames counts once for each of them.

Tokens are Unicode word tokens, the maximal runs of ``\\w`` in the normalised text
(``NATO's`` is two tokens, ``nato`` and ``s``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np

from casusbelli.discourse.lexicon import Lexicon, normalize_text
from casusbelli.errors import AnalysisError

__all__ = [
    "ENGINES",
    "Document",
    "FrameScanner",
    "Match",
    "ScanResult",
    "compile_matcher",
    "count_tokens",
    "default_engine",
    "scan_documents",
]

#: Engines :func:`compile_matcher` knows (``"auto"`` picks the first one installed of
#: hyperscan, aho).
ENGINES = ("auto", "hyperscan", "aho", "regex")

Progress = Callable[[int, int | None, str], None]

_TOKEN_RE = re.compile(r"\w+")


class Document(NamedTuple):
    """A document to scan. ``date`` is ``YYYY-MM-DD`` or ``None``."""

    doc_id: str
    text: str
    date: str | None = None
    title: str | None = None
    lang: str | None = None


class Match(NamedTuple):
    """One counted hit: character offsets into the document text and the form's index."""

    start: int
    end: int
    form: int


_ASCII_WORD = np.zeros(256, dtype=bool)
for _c in range(128):
    _ASCII_WORD[_c] = chr(_c).isalnum() or chr(_c) == "_"


def count_tokens(normalized: str) -> int:
    """Number of Unicode word tokens (runs of ``\\w``) in a normalised text.

    Counted vectorised: a token starts at a word character (``str.isalnum()`` or ``_``, the
    definition of Python's ``\\w``) whose predecessor is not one. Equal to
    ``len(re.findall(r"\\w+", normalized))``.
    """
    if not normalized:
        return 0
    if normalized.isascii():
        word = _ASCII_WORD[np.frombuffer(normalized.encode("ascii"), dtype=np.uint8)]
    else:
        cp = np.frombuffer(normalized.encode("utf-32-le"), dtype=np.uint32)
        word = np.zeros(cp.size, dtype=bool)
        small = cp < 128
        word[small] = _ASCII_WORD[cp[small]]
        big = cp[~small]
        uniq = np.unique(big)
        is_word = np.array([chr(c).isalnum() for c in uniq.tolist()], dtype=bool)
        word[~small] = is_word[np.searchsorted(uniq, big)]
    return int(word[0]) + int(np.count_nonzero(word[1:] & ~word[:-1]))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _select(text: str, hits: Iterable[tuple[int, int, int]]) -> list[Match]:
    """Keep boundary-valid hits, then leftmost-longest non-overlapping ones."""
    n = len(text)
    valid = [
        (s, e, f)
        for s, e, f in hits
        if (s == 0 or not _is_word(text[s - 1])) and (e == n or not _is_word(text[e]))
    ]
    if not valid:
        return []
    valid.sort(key=lambda h: (h[0], -h[1]))
    out: list[Match] = []
    last = -1
    for s, e, f in valid:
        if s >= last:
            out.append(Match(s, e, f))
            last = e
    return out


class Matcher(Protocol):
    """Finds the counted matches of a normalised text."""

    name: str

    def find(self, text: str) -> list[Match]:
        """Return the matches of ``text`` (already normalised), in order."""
        ...


class AhoCorasickMatcher:
    """pyahocorasick automaton over all forms; boundary rule applied to its hits."""

    name = "aho"

    def __init__(self, forms: Sequence[str]) -> None:
        import ahocorasick  # noqa: PLC0415

        self._automaton = ahocorasick.Automaton()
        for i, form in enumerate(forms):
            self._automaton.add_word(form, (i, len(form)))
        if forms:
            self._automaton.make_automaton()
        self._empty = not forms

    def find(self, text: str) -> list[Match]:
        """Return the matches of ``text`` (already normalised), in order."""
        if self._empty or not text:
            return []
        return _select(
            text, ((end - n + 1, end + 1, i) for end, (i, n) in self._automaton.iter(text))
        )


def _hs_escape(form: str) -> bytes:
    out = []
    for ch in form:
        if ch.isascii() and not ch.isalnum():
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out).encode("utf-8")


class HyperscanMatcher:
    """Hyperscan block-mode database of the escaped forms (literal bytes)."""

    name = "hyperscan"

    def __init__(self, forms: Sequence[str], *, utf8: bool = False) -> None:
        try:
            import hyperscan  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise AnalysisError(
                "engine 'hyperscan' needs the hyperscan package", hint="pip install hyperscan"
            ) from exc
        self._lengths = [len(f.encode("utf-8")) for f in forms]
        self._empty = not forms
        if forms:
            # Literal byte patterns: the text is normalised before scanning and the boundary
            # rule is applied afterwards, so no flag is needed. HS_FLAG_UTF8 | HS_FLAG_UCP give
            # the same matches for literals (UTF-8 is self-synchronising) but made compiling the
            # built-in lexicon ~40x slower (3.5 s against 0.09 s), so they are opt-in.
            flag = (hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP) if utf8 else 0
            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._db.compile(
                expressions=[_hs_escape(f) for f in forms],
                ids=list(range(len(forms))),
                elements=len(forms),
                flags=[flag] * len(forms),
            )

    def find(self, text: str) -> list[Match]:
        """Return the matches of ``text`` (already normalised), in order."""
        if self._empty or not text:
            return []
        data = text.encode("utf-8")
        raw: list[tuple[int, int]] = []

        def on_match(pid: int, start: int, end: int, flags: int, context: Any) -> None:
            raw.append((pid, end))

        self._db.scan(data, match_event_handler=on_match)
        if not raw:
            return []
        lengths = self._lengths
        if len(data) == len(text):  # ASCII: byte offsets are character offsets
            return _select(text, ((e - lengths[p], e, p) for p, e in raw))
        arr = np.frombuffer(data, dtype=np.uint8)
        char_at = np.cumsum((arr & 0xC0) != 0x80) - 1  # character index of each byte
        return _select(
            text,
            ((int(char_at[e - lengths[p]]), int(char_at[e - 1]) + 1, p) for p, e in raw),
        )


class RegexMatcher:
    """One Python ``re`` alternation, longest forms first, with ``\\w`` look-arounds."""

    name = "regex"

    def __init__(self, forms: Sequence[str]) -> None:
        self._index = {f: i for i, f in enumerate(forms)}
        ordered = sorted(forms, key=lambda f: (-len(f), f))
        self._empty = not forms
        if forms:
            body = "|".join(re.escape(f) for f in ordered)
            self._re = re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def find(self, text: str) -> list[Match]:
        """Return the matches of ``text`` (already normalised), in order."""
        if self._empty or not text:
            return []
        index = self._index
        return [Match(m.start(), m.end(), index[m.group()]) for m in self._re.finditer(text)]


def default_engine() -> str:
    """``"hyperscan"`` when the package can be imported, else ``"aho"``."""
    try:
        import hyperscan  # noqa: F401, PLC0415
    except ImportError:
        return "aho"
    return "hyperscan"


def compile_matcher(forms: Sequence[str], engine: str = "auto") -> Matcher:
    """Compile ``forms`` (normalised) for ``engine`` (one of :data:`ENGINES`)."""
    if engine == "auto":
        engine = default_engine()
    if engine == "aho":
        return AhoCorasickMatcher(forms)
    if engine == "hyperscan":
        return HyperscanMatcher(forms)
    if engine == "regex":
        return RegexMatcher(forms)
    raise AnalysisError(
        f"unknown engine {engine!r} (allowed: {', '.join(ENGINES)})", field="engine"
    )


@dataclass(frozen=True)
class ScanResult:
    """Per-document hit counts of every frame.

    ``counts[d, k]`` is the number of hits of frame ``frame_ids[k]`` in document
    ``doc_ids[d]``, which has ``tokens[d]`` word tokens. ``matches[d]`` (when kept) is an
    ``(n, 3)`` int64 array of ``start, end, form`` rows.
    """

    frame_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    dates: tuple[str | None, ...]
    titles: tuple[str | None, ...]
    counts: np.ndarray
    tokens: np.ndarray
    matches: tuple[np.ndarray, ...] | None = None

    @property
    def n_docs(self) -> int:
        """Number of documents scanned."""
        return len(self.doc_ids)

    def totals(self) -> dict[str, int]:
        """Total hits per frame over all documents."""
        col = self.counts.sum(axis=0)
        return {f: int(c) for f, c in zip(self.frame_ids, col, strict=True)}

    def sorted_by_doc_id(self) -> ScanResult:
        """Return the same result with documents sorted by id (for comparisons)."""
        order = sorted(range(self.n_docs), key=lambda i: self.doc_ids[i])
        return ScanResult(
            self.frame_ids,
            tuple(self.doc_ids[i] for i in order),
            tuple(self.dates[i] for i in order),
            tuple(self.titles[i] for i in order),
            self.counts[order],
            self.tokens[order],
            tuple(self.matches[i] for i in order) if self.matches is not None else None,
        )

    @staticmethod
    def concat(parts: Sequence[ScanResult]) -> ScanResult:
        """Concatenate results over the same frames, in order."""
        if not parts:
            raise AnalysisError("nothing to concatenate")
        frame_ids = parts[0].frame_ids
        if any(p.frame_ids != frame_ids for p in parts):
            raise AnalysisError("results cover different frames", field="frame_ids")
        keep = all(p.matches is not None for p in parts)
        return ScanResult(
            frame_ids,
            tuple(d for p in parts for d in p.doc_ids),
            tuple(d for p in parts for d in p.dates),
            tuple(t for p in parts for t in p.titles),
            np.concatenate([p.counts for p in parts]).reshape(
                sum(p.n_docs for p in parts), len(frame_ids)
            ),
            np.concatenate([p.tokens for p in parts]).astype(np.int64),
            tuple(m for p in parts for m in p.matches or ()) if keep else None,
        )

    def to_pandas(self) -> Any:
        """One row per document: doc_id, date, title, tokens and one hit column per frame."""
        import pandas as pd  # noqa: PLC0415

        df = pd.DataFrame(self.counts, columns=list(self.frame_ids))
        df.insert(0, "tokens", self.tokens)
        df.insert(0, "title", list(self.titles))
        df.insert(0, "date", list(self.dates))
        df.insert(0, "doc_id", list(self.doc_ids))
        return df


class FrameScanner:
    """A compiled lexicon: scans texts for all frames in one pass.

    Examples
    --------
    >>> from casusbelli.discourse.lexicon import Frame, build_lexicon
    >>> lex = build_lexicon([Frame("w", "W", "d", {"en": ("nato",)})])
    >>> FrameScanner(lex).count("NATO's senators met NATO.")
    (5, array([2]))
    """

    def __init__(self, lexicon: Lexicon, engine: str = "auto") -> None:
        self.lexicon = lexicon
        self.matcher = compile_matcher(lexicon.forms, engine)
        self.engine = self.matcher.name
        self._form_frames = lexicon.form_frames

    def find(self, text: str) -> list[Match]:
        """Matches of ``text`` (raw; normalised here)."""
        return self.matcher.find(normalize_text(text))

    def count(self, text: str) -> tuple[int, np.ndarray]:
        """Return ``(tokens, hits per frame)`` for one raw text."""
        tokens, counts, _ = self._scan(text)
        return tokens, counts

    def _scan(self, text: str) -> tuple[int, np.ndarray, list[Match]]:
        counts = np.zeros(len(self.lexicon.frame_ids), dtype=np.int64)
        if not text:
            return 0, counts, []
        norm = normalize_text(text)
        found = self.matcher.find(norm)
        ff = self._form_frames
        for m in found:
            for k in ff[m.form]:
                counts[k] += 1
        return count_tokens(norm), counts, found

    def scan(
        self,
        documents: Iterable[Document],
        *,
        keep_matches: bool = False,
        progress: Progress | None = None,
        total: int | None = None,
    ) -> ScanResult:
        """Scan ``documents``; see :class:`ScanResult`."""
        ids: list[str] = []
        dates: list[str | None] = []
        titles: list[str | None] = []
        rows: list[np.ndarray] = []
        tokens: list[int] = []
        matches: list[np.ndarray] = []
        if total is None and isinstance(documents, Sequence):
            total = len(documents)
        for doc in documents:
            n_tokens, counts, found = self._scan(doc.text or "")
            ids.append(str(doc.doc_id))
            dates.append(doc.date)
            titles.append(doc.title)
            rows.append(counts)
            tokens.append(n_tokens)
            if keep_matches:
                matches.append(np.array(found, dtype=np.int64).reshape(-1, 3))
            if progress is not None:
                progress(1, total, "scanning documents")
        k = len(self.lexicon.frame_ids)
        return ScanResult(
            self.lexicon.frame_ids,
            tuple(ids),
            tuple(dates),
            tuple(titles),
            np.array(rows, dtype=np.int64).reshape(len(ids), k),
            np.array(tokens, dtype=np.int64),
            tuple(matches) if keep_matches else None,
        )


def scan_documents(
    documents: Iterable[Document],
    lexicon: Lexicon,
    *,
    engine: str = "auto",
    keep_matches: bool = False,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan ``documents`` for every frame of ``lexicon`` in one pass per document."""
    return FrameScanner(lexicon, engine).scan(
        documents, keep_matches=keep_matches, progress=progress
    )
