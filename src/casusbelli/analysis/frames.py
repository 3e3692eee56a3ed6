"""Frames for the discourse engine: the workspace's validated frame models as lexicon frames.

The workspace reads and validates frame files (:mod:`casusbelli.workspace.validate.frames`,
the one frame loader); the discourse engine takes plain, frozen
:class:`casusbelli.discourse.lexicon.Frame` values. This module converts the one into the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from casusbelli.discourse.lexicon import Example
from casusbelli.discourse.lexicon import Frame as LexFrame
from casusbelli.workspace.models import Frame
from casusbelli.workspace.validate.frames import read_frames

__all__ = ["lexicon_frame", "lexicon_frames", "load_frames"]


def lexicon_frame(fid: str, frame: Frame, file: str | None = None) -> LexFrame:
    """The discourse engine's frame for the workspace frame ``fid`` (read from ``file``)."""
    return LexFrame(
        id=fid,
        label=frame.label,
        description=frame.description,
        terms={lang: tuple(terms) for lang, terms in frame.terms.items()},
        examples=tuple(Example(ex.text, ex.source, ex.locator) for ex in frame.examples),
        file=file,
    )


def lexicon_frames(frames: Mapping[str, Frame]) -> list[LexFrame]:
    """The engine's frames of ``frames`` (id -> model), sorted by id."""
    return [lexicon_frame(fid, frames[fid]) for fid in sorted(frames)]


def load_frames(
    folder: str | Path, *, known_sources: Iterable[str] | None = None
) -> list[LexFrame]:
    """Read and validate a ``frames/`` folder (:func:`~casusbelli.workspace.validate.frames.
    read_frames`) and return the engine's frames, sorted by id.

    Raises
    ------
    WorkspaceError
        As :func:`~casusbelli.workspace.validate.frames.read_frames`: every problem with its
        file, line and field.
    """
    return lexicon_frames(read_frames(folder, known_sources=known_sources))
