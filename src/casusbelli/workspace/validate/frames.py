"""``frames/*.yaml``: each frame's terms and examples, and :func:`read_frames` for a frames
folder on its own.

This is the one frame loader: the workspace reads and validates frame files here (safe reading,
YAML limits, schema, file, line and field in every problem), and the discourse engine takes the
validated frames as plain values (:func:`casusbelli.analysis.frames.lexicon_frames` converts
them).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from casusbelli.errors import WorkspaceError
from casusbelli.text import normalize_term
from casusbelli.workspace.models import Frame
from casusbelli.workspace.validate.collect import Collector, error_of
from casusbelli.workspace.yamlio import Marks

if TYPE_CHECKING:
    from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["check_frames", "check_terms", "read_frames"]


def check_frames(ws: Parsed) -> None:
    """Every frame's terms are distinct after normalisation, and every example cites a source
    that ``sources.yaml`` holds."""
    for fid, frame in ws.frames.items():
        rel, marks = ws.docs["frame"][fid]
        check_terms(ws.col, rel, marks, frame)
        _check_sources(ws.col, rel, marks, frame, ws.sources)


def check_terms(col: Collector, rel: str, marks: Marks | None, frame: Frame) -> None:
    """Report a term that is empty once normalised (``"  "``, ``"="``) and a term that repeats
    an earlier one of its language after normalisation (``Nazism`` after ``nazism``)."""
    for lang, terms in frame.terms.items():
        seen: dict[str, int] = {}
        for i, term in enumerate(terms):
            loc = ("terms", lang, i)
            if not normalize_term(term.lstrip("=")):
                col.add_at(rel, marks, loc, f"term {term!r} is empty once normalised", "schema")
                continue
            key = normalize_term(term)
            if key in seen:
                col.add_at(rel, marks, loc, f"term {term!r} repeats item {seen[key]} after "
                           "normalisation", "schema")
                continue
            seen[key] = i


def _check_sources(col: Collector, rel: str, marks: Marks | None, frame: Frame,
                   sources: Iterable[str]) -> None:
    known = list(sources)
    for j, ex in enumerate(frame.examples):
        if ex.source not in known:
            col.unknown(rel, marks, ("examples", j, "source"), "source", ex.source, known)


def read_frames(
    folder: str | Path, *, known_sources: Iterable[str] | None = None
) -> dict[str, Frame]:
    """Read and validate every frame file of a ``frames/`` folder on its own, sorted by id.

    The same per-file code :func:`casusbelli.workspace.load.load_workspace` runs on
    ``frames/*.yaml`` (safe reading, YAML limits, schema, the id agreeing with the file name,
    one file per id), with :func:`check_terms`. Problems name files relative to the folder's
    parent (``frames/fascism.yaml`` in a workspace).

    Parameters
    ----------
    folder
        A ``frames/`` folder.
    known_sources
        Source ids an example may cite; when given, an unknown one is an error.

    Raises
    ------
    WorkspaceError
        When the folder does not exist, or with every problem found in ``problems``
        (:class:`~casusbelli.errors.SchemaError`, ``UnknownIdError`` or ``DuplicateIdError``
        when all are of one kind).
    """
    from casusbelli.workspace.validate.files import Origins, claim, load_one

    d = Path(folder)
    if not d.is_dir():
        raise WorkspaceError("frames folder not found", file=str(d))
    col = Collector(d.parent)
    origins: Origins = {}
    out: dict[str, Frame] = {}
    for p in sorted(q for q in d.iterdir() if q.suffix in (".yaml", ".yml")):
        found = load_one(p, Frame, "frame", col, "id")
        if found is None:
            continue
        fid, frame, rel, marks, where = found
        if not claim(col, origins, "frame", fid, rel, marks, where, ("id",)):
            continue
        check_terms(col, rel, marks, frame)
        if known_sources is not None:
            _check_sources(col, rel, marks, frame, known_sources)
        out[fid] = frame
    if col.problems:
        raise error_of(col.sorted_problems())
    return dict(sorted(out.items()))
