"""``frames/*.yaml``: each frame's examples cite known sources."""

from __future__ import annotations

from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["check_frames"]


def check_frames(ws: Parsed) -> None:
    """Every example of every frame cites a source that ``sources.yaml`` holds."""
    for fid, frame in ws.frames.items():
        rel, marks = ws.docs["frame"][fid]
        for j, ex in enumerate(frame.examples):
            if ex.source not in ws.sources:
                ws.col.unknown(rel, marks, ("examples", j, "source"), "source", ex.source,
                               ws.sources)
