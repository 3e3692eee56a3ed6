"""Validate a workspace folder: one module per kind of file, run in data-flow order.

:func:`validate_workspace` reads every file (:mod:`.files`), checks its schema, then checks the
references across files kind by kind (:mod:`.config`, :mod:`.sources`, :mod:`.indicators`,
:mod:`.theories`, :mod:`.cases`, :mod:`.evidence`, :mod:`.questions`, :mod:`.signposts`,
:mod:`.frames`), and returns *every* problem found, each naming file, line, column and field.
"""

from __future__ import annotations

from pathlib import Path

from casusbelli.errors import Problem
from casusbelli.workspace.loaded import Workspace
from casusbelli.workspace.validate.cases import check_cases
from casusbelli.workspace.validate.collect import Collector, error_of
from casusbelli.workspace.validate.config import check_config, load_config
from casusbelli.workspace.validate.evidence import check_evidence
from casusbelli.workspace.validate.files import (
    KINDS,
    MAX_MEASURES_BYTES,
    content_hash,
    iter_files,
    load_file,
    load_folder,
)
from casusbelli.workspace.validate.frames import check_frames
from casusbelli.workspace.validate.indicators import check_indicators, load_indicators
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.validate.questions import check_questions
from casusbelli.workspace.validate.raw import check_failed_files
from casusbelli.workspace.validate.signposts import check_signposts
from casusbelli.workspace.validate.sources import load_sources
from casusbelli.workspace.validate.theories import check_theories

__all__ = [
    "MAX_MEASURES_BYTES",
    "error_of",
    "iter_files",
    "load_file",
    "validate_workspace",
]


def validate_workspace(path: str | Path) -> tuple[Workspace | None, list[Problem]]:
    """Read and check a workspace folder; return the workspace (when valid) and all problems.

    Loading is pure: no engine runs. The codings of *measured* indicators are filled in by
    the orchestration layer (:func:`casusbelli.analysis.measured.measure_workspace`).
    """
    root = Path(path)
    if not root.is_dir():
        return None, [Problem(f"workspace folder not found: {root}")]
    ws = Parsed(root, Collector(root))
    ws.config = load_config(ws)
    if ws.config is not None and ws.config.max_file_bytes:
        ws.col.max_bytes = ws.config.max_file_bytes
    _read_all(ws)
    for check in (check_config, check_indicators, check_theories, check_cases, check_evidence,
                  check_questions, check_signposts, check_frames, check_failed_files):
        check(ws)
    if ws.col.problems or ws.config is None:
        return None, ws.col.sorted_problems()
    digest = content_hash(root, ws.files, ws.col)
    if digest is None:
        return None, ws.col.sorted_problems()
    return _workspace(ws, digest), []


def _read_all(ws: Parsed) -> None:
    """Read and schema-check every file, claiming each id once."""
    load_sources(ws)
    load_indicators(ws)
    for kind, (folder, model, id_field) in KINDS.items():
        found, docs = load_folder(ws.root, folder, model, kind, ws.col, ws.files, ws.origins,
                                  id_field=id_field)
        setattr(ws, folder, found)  # the attribute is named after the folder
        ws.docs[kind] = docs


def _workspace(ws: Parsed, digest: str) -> Workspace:
    assert ws.config is not None
    return Workspace(
        root=ws.root,
        config=ws.config,
        sources=ws.sources,
        indicators=ws.indicators,
        theories=ws.theories,
        cases=dict(sorted(ws.cases.items())),
        evidence=ws.evidence,
        questions=ws.questions,
        frames=ws.frames,
        signposts=ws.signposts,
        content_hash=digest,
        origins={k: (v[0], None) for k, v in ws.origins.items()},
        warnings=ws.col.sorted_warnings(),
    )
