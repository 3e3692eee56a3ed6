"""Cache keys of an audit (workspace content, settings, engine code, library versions) and the
audits shipped with the package.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casusbelli.analysis.audit_types import Audit, AuditSettings
from casusbelli.analysis.digests import library_versions, source_digest
from casusbelli.workspace.load import Workspace

__all__ = [
    "audit_inputs_digest",
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


def engine_digest() -> str:
    """SHA-256 of the source of every module in :data:`ENGINE_PACKAGES`
    (:func:`casusbelli.analysis.digests.source_digest`)."""
    return source_digest(ENGINE_PACKAGES)


def runtime_versions() -> str:
    """Versions of the numerical libraries whose results the audit's numbers depend on
    (:func:`casusbelli.analysis.digests.library_versions`)."""
    return library_versions(("numpy", "scipy", "arviz"))


def audit_inputs_digest(ws: Workspace) -> str:
    """SHA-256 of what the audit's cached part reads from a workspace: its name, outcome and
    theories, the indicators, the cases (with their codings, measured ones filled in) and the
    evidence sets.

    Questions, signposts, sources and frames are left out, so editing a forecast question (or a
    source's note) does not re-run the model fits; the audit's forecast checks, which read the
    questions, are recomputed on every read instead (:func:`with_fresh_forecast_checks`).
    """
    parts = {
        "name": ws.name, "outcome": ws.outcome, "theories": list(ws.theory_ids),
        "theory_models": {k: v.model_dump(mode="json") for k, v in ws.theories.items()},
        "indicators": {k: v.model_dump(mode="json") for k, v in ws.indicators.items()},
        "cases": {k: v.model_dump(mode="json") for k, v in ws.cases.items()},
        "evidence": {k: v.model_dump(mode="json") for k, v in ws.evidence.items()},
    }
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def audit_key(ws: Workspace, settings: AuditSettings, theories: Sequence[str], *,
              versions: bool = True) -> str:
    """The cache key of an audit: the workspace's audit inputs (:func:`audit_inputs_digest`),
    settings, theories, engine code and (by default) the numerical libraries' versions."""
    from casusbelli.store.cache import cache_key

    return cache_key(audit_inputs_digest(ws), "audit",
                     _key_settings(settings, theories, versions))


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
