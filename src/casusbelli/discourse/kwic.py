"""Keyword in context: each frame hit with the text around it.

The offsets come from the scanner (:mod:`casusbelli.discourse.match`), which matches on a
length-preserving normalisation, so ``left``, ``match`` and ``right`` are cut from the original
text: the hit keeps its case and ``ё``. Whitespace runs in the context are shown as one space.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from casusbelli.discourse.match import Document, FrameScanner
from casusbelli.errors import AnalysisError

__all__ = ["KwicLine", "kwic"]

Progress = Callable[[int, int | None, str], None]


class KwicLine(NamedTuple):
    """One hit in context; ``offset`` is the character offset of the hit in the text."""

    doc_id: str
    date: str | None
    title: str | None
    offset: int
    left: str
    match: str
    right: str
    frame: str
    form: str


def _squash(text: str) -> str:
    """Collapse runs of whitespace to one space, keeping a space at either edge."""
    return re.sub(r"\s+", " ", text)


def kwic(
    documents: Iterable[Document],
    scanner: FrameScanner,
    *,
    frames: Iterable[str] | None = None,
    width: int = 60,
    limit: int | None = None,
    progress: Progress | None = None,
) -> list[KwicLine]:
    """Return keyword-in-context lines for the hits of ``frames`` (all frames by default).

    A hit whose form counts for several of the wanted frames gives one line per frame.
    ``width`` characters are kept on each side (before whitespace is squashed); at most
    ``limit`` lines are returned.
    """
    if width < 0:
        raise AnalysisError("width must be >= 0", field="width")
    lexicon = scanner.lexicon
    wanted = set(lexicon.frame_ids if frames is None else frames)
    unknown = wanted - set(lexicon.frame_ids)
    if unknown:
        raise AnalysisError(
            f"unknown frame(s) {sorted(unknown)} (known: {', '.join(lexicon.frame_ids)})",
            field="frames",
        )
    out: list[KwicLine] = []
    for doc in documents:
        text = doc.text or ""
        for m in scanner.find(text):
            for k in lexicon.form_frames[m.form]:
                frame = lexicon.frame_ids[k]
                if frame not in wanted:
                    continue
                out.append(
                    KwicLine(
                        doc_id=str(doc.doc_id),
                        date=doc.date,
                        title=doc.title,
                        offset=m.start,
                        left=_squash(text[max(0, m.start - width) : m.start]),
                        match=text[m.start : m.end],
                        right=_squash(text[m.end : m.end + width]),
                        frame=frame,
                        form=lexicon.forms[m.form],
                    )
                )
                if limit is not None and len(out) >= limit:
                    return out
        if progress is not None:
            progress(1, None, "kwic")
    return out
