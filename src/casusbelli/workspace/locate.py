"""Where a workspace is: the built-in ones, a folder given on the command line, or the nearest
folder upward holding ``casus.toml`` (as git finds its repository)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from casusbelli.errors import WorkspaceError

__all__ = [
    "BUILTIN_WORKSPACES",
    "WORKSPACE_ENV",
    "WorkspaceLocation",
    "builtin_path",
    "discover_workspace",
    "is_builtin",
    "resolve_workspace",
]

BUILTIN_WORKSPACES = ("russia",)


def builtin_path(name: str) -> Path:
    """Return the folder of a built-in workspace that ships inside the package."""
    if name not in BUILTIN_WORKSPACES:
        raise WorkspaceError(
            f"no built-in workspace named {name!r}",
            hint=f"built-in workspaces: {', '.join(BUILTIN_WORKSPACES)}",
        )
    root = resources.files("casusbelli.workspace") / "builtin" / name
    return Path(str(root))


def resolve_workspace(ws: str | Path | None) -> Path:
    """Turn a CLI argument into a folder: ``None`` is the built-in ``russia`` workspace."""
    if ws is None:
        return builtin_path("russia")
    p = Path(ws)
    if not p.exists() and str(ws) in BUILTIN_WORKSPACES:
        return builtin_path(str(ws))
    if not p.is_dir():
        raise WorkspaceError(f"workspace folder not found: {ws}", hint="casus init DIR makes one")
    return p


#: Environment variable naming the workspace when no ``-w/--workspace`` is given.
WORKSPACE_ENV = "CASUS_WORKSPACE"


@dataclass(frozen=True)
class WorkspaceLocation:
    """Where :func:`discover_workspace` found a workspace, and how.

    ``how`` is ``"argument"`` (given explicitly), ``"env"`` (``$CASUS_WORKSPACE``),
    ``"cwd"`` (the nearest folder upward holding ``casus.toml``) or ``"builtin"`` (the
    built-in ``russia`` workspace, because nothing else was found).
    """

    path: Path
    how: str

    @property
    def builtin(self) -> bool:
        return self.how == "builtin"


def discover_workspace(
    ws: str | Path | None = None,
    *,
    cwd: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> WorkspaceLocation:
    """Find the workspace a command should use, as git finds its repository.

    In order: ``ws`` when given (a folder or a built-in name); else ``$CASUS_WORKSPACE``;
    else the nearest folder from ``cwd`` upward that holds ``casus.toml``; else the
    built-in ``russia`` workspace (``how == "builtin"``, so a caller can say so).

    Parameters
    ----------
    ws
        An explicit workspace (the ``-w/--workspace`` option or a positional argument).
    cwd
        Where to start looking upward (default: the current directory).
    environ
        The environment to read ``CASUS_WORKSPACE`` from (default: ``os.environ``).
    """
    if ws is not None and str(ws) != "":
        return WorkspaceLocation(resolve_workspace(ws), "argument")
    env = os.environ if environ is None else environ
    from_env = env.get(WORKSPACE_ENV, "").strip()
    if from_env:
        try:
            return WorkspaceLocation(resolve_workspace(from_env), "env")
        except WorkspaceError as exc:
            raise WorkspaceError(
                f"${WORKSPACE_ENV} names no workspace: {from_env}",
                hint="unset it or point it at a folder holding casus.toml",
            ) from exc
    start = Path.cwd() if cwd is None else Path(cwd)
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "casus.toml").is_file():
            return WorkspaceLocation(folder, "cwd")
    return WorkspaceLocation(builtin_path("russia"), "builtin")



def is_builtin(root: Path) -> bool:
    """Whether ``root`` is one of the built-in workspaces shipped inside the package."""
    try:
        here = root.resolve()
        return any(here == builtin_path(name).resolve() for name in BUILTIN_WORKSPACES)
    except OSError:
        return False
