"""Workspaces: plain files under version control, loaded and validated with pydantic."""

from casusbelli.workspace.load import (
    BUILTIN_WORKSPACES,
    Workspace,
    WorkspaceLocation,
    builtin_path,
    discover_workspace,
    load_file,
    load_workspace,
    resolve_workspace,
    validate_workspace,
)

__all__ = [
    "BUILTIN_WORKSPACES",
    "Workspace",
    "WorkspaceLocation",
    "builtin_path",
    "discover_workspace",
    "load_file",
    "load_workspace",
    "resolve_workspace",
    "validate_workspace",
]
