"""Cache keys of an audit (workspace content, settings, engine code, library versions) and the
audits shipped with the package.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casusbelli.analysis.audit_types import Audit, AuditSettings
from casusbelli.workspace.load import Workspace

__all__ = [
    "audit_key",
    "engine_digest",
    "read_shipped",
    "runtime_versions",
    "write_shipped",
]


#: Packages whose code decides the audit's numbers: the source of every module in them is part
#: of every cache key, so a cached audit is never reused after the code that computed it changed.
ENGINE_PACKAGES = ("analysis", "cross", "within", "forecast", "workspace")
#: Audits shipped with the package (for the built-in workspace), so a first run need not fit.
SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


@functools.cache
def engine_digest() -> str:
    """SHA-256 of the source of every module in :data:`ENGINE_PACKAGES` (computed once per
    process: the running code does not change under it)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for pkg in ENGINE_PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def runtime_versions() -> str:
    """Versions of the numerical libraries whose results the audit's numbers depend on (read
    from the installed metadata, so a cache hit never imports them)."""
    from importlib.metadata import version

    return "; ".join(f"{name} {version(name)}" for name in ("numpy", "scipy", "arviz"))


def audit_key(ws: Workspace, settings: AuditSettings, theories: Sequence[str], *,
              versions: bool = True) -> str:
    """The cache key of an audit: workspace content, settings, theories, engine code and (by
    default) the numerical libraries' versions."""
    from casusbelli.store.cache import cache_key

    return cache_key(ws.content_hash, "audit", _key_settings(settings, theories, versions))


def _key_settings(settings: AuditSettings, theories: Sequence[str],
                  versions: bool = True) -> dict[str, Any]:
    out = {**settings.to_dict(), "theories": list(theories), "engine": engine_digest()}
    if versions:
        out["versions"] = runtime_versions()
    return out


def shipped_path(ws: Workspace) -> Path:
    """Where a shipped audit of workspace ``ws`` lives."""
    return SHIPPED_DIR / f"audit-{ws.name}.json"


def read_shipped(ws: Workspace, key: str) -> Audit | None:
    """The shipped audit of ``ws`` if it was computed under exactly ``key``, else ``None``."""
    path = shipped_path(ws)
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("key") != key:
        return None
    return Audit.from_dict(doc["result"], cached=True)


def write_shipped(ws: Workspace, result: Audit, settings: AuditSettings,
                  theories: Sequence[str]) -> Path:
    """Write ``result`` as the shipped audit of ``ws`` (``scripts/ship_audit.py``), with its
    key, its key without library versions (``code_key``) and the versions."""
    SHIPPED_DIR.mkdir(parents=True, exist_ok=True)
    path = shipped_path(ws)
    doc = {"key": audit_key(ws, settings, theories),
           "code_key": audit_key(ws, settings, theories, versions=False),
           "versions": runtime_versions(), "result": result.to_dict()}
    path.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return path
