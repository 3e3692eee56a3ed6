"""Load a workspace folder: read every file, validate it, check references across files.

:func:`validate_workspace` returns *all* problems found (each naming file, line, column and
field); :func:`load_workspace` raises :class:`~casusbelli.errors.WorkspaceError` carrying them,
or returns a :class:`Workspace`. The checks live in :mod:`casusbelli.workspace.validate`, one
module per kind of file; finding a workspace lives in :mod:`casusbelli.workspace.locate`.

Loading is pure: it runs no engine. The codings of indicators *measured* from discourse frames
are computed by the orchestration layer, :mod:`casusbelli.analysis.measured`, which every
command uses to load a workspace.
"""

from __future__ import annotations

from pathlib import Path

from casusbelli.workspace.loaded import Workspace
from casusbelli.workspace.locate import (
    BUILTIN_WORKSPACES,
    WORKSPACE_ENV,
    WorkspaceLocation,
    builtin_path,
    discover_workspace,
    resolve_workspace,
)
from casusbelli.workspace.validate import (
    MAX_MEASURES_BYTES,
    error_of,
    iter_files,
    load_file,
    validate_workspace,
)
from casusbelli.workspace.validate.locators import check_post_locator

__all__ = [
    "BUILTIN_WORKSPACES",
    "MAX_MEASURES_BYTES",
    "WORKSPACE_ENV",
    "Workspace",
    "WorkspaceLocation",
    "builtin_path",
    "check_post_locator",
    "discover_workspace",
    "iter_files",
    "load_file",
    "load_workspace",
    "resolve_workspace",
    "validate_workspace",
]


def load_workspace(path: str | Path | None = None) -> Workspace:
    """Load and validate a workspace (``None``: the built-in ``russia``).

    Measured indicators are not coded here: :func:`casusbelli.analysis.measured.load_workspace`
    loads and measures.

    Raises
    ------
    WorkspaceError
        With every problem found in ``problems``; the subclass says what kind when all
        problems are of one kind (:class:`SchemaError`, :class:`UnknownIdError`,
        :class:`DuplicateIdError`).
    """
    root = resolve_workspace(path)
    ws, problems = validate_workspace(root)
    if ws is None:
        raise error_of(problems)
    return ws
