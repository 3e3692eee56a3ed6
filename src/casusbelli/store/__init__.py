"""The store: a workspace compiled into SQLite (default) or PostgreSQL (team server)."""

from casusbelli.store.build import BuildReport, build_store
from casusbelli.store.db import Store, normalise_url, open_store
from casusbelli.store.export import export_matrix, export_workspace, matrix_frame
from casusbelli.store.queries import CaseMatrix, StoredWorkspace, case_matrix, meta, read_workspace

__all__ = [
    "BuildReport",
    "CaseMatrix",
    "Store",
    "StoredWorkspace",
    "build_store",
    "case_matrix",
    "export_matrix",
    "export_workspace",
    "matrix_frame",
    "meta",
    "normalise_url",
    "open_store",
    "read_workspace",
]
