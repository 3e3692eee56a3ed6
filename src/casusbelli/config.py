"""Settings read from the environment (``CASUS_*``), in one place."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_store_url"]


#: Folder holding the built-in workspaces (``casusbelli/workspace/builtin/<name>``); found by
#: path so that reading the settings does not import the workspace loader.
_BUILTIN_DIR = Path(__file__).parent / "workspace" / "builtin"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "casusbelli"


class Settings(BaseSettings):
    """casusbelli's settings: ``CASUS_DB`` (store URL), ``CASUS_DATA_DIR``, ``CASUS_WORKSPACE``."""

    model_config = SettingsConfigDict(env_prefix="CASUS_", extra="ignore")

    db: str | None = Field(
        default=None, description="Store URL (sqlite:///... or postgresql://...)."
    )
    data_dir: Path = Field(default_factory=_default_data_dir)
    workspace: str | None = Field(default=None, description="Workspace folder or built-in name.")


def default_store_url(workspace_root: Path, settings: Settings | None = None) -> str:
    """The store a workspace builds into when no URL is given.

    ``CASUS_DB`` wins; a writable workspace folder gets ``WS/.casus/casus.db``; a read-only one
    (the built-in workspace inside an installed package) gets a file under ``CASUS_DATA_DIR``.
    """
    settings = settings or Settings()
    if settings.db:
        return settings.db
    ws = workspace_root.resolve()
    if ws.parent == _BUILTIN_DIR.resolve():
        return f"sqlite:///{settings.data_dir / ('builtin-' + ws.name) / 'casus.db'}"
    if os.access(ws, os.W_OK):
        return f"sqlite:///{ws / '.casus' / 'casus.db'}"
    return f"sqlite:///{settings.data_dir / ws.name / 'casus.db'}"


def workspace_data_dir(workspace_root: Path, settings: Settings | None = None) -> Path:
    """Folder for a workspace's derived data (corpora, ingested threads): beside its store."""
    url = default_store_url(workspace_root, settings)
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :]).parent
    settings = settings or Settings()
    return settings.data_dir / workspace_root.resolve().name
