"""A cache of loaded, validated and measured workspaces, so a warm run skips the YAML.

Parsing and validating the built-in workspace's hundred YAML files and measuring its frame
counts take seconds on every command; the result only changes when a workspace file or the code
that reads it changes. The cache entry is keyed by:

* the path and bytes of every file that makes up the workspace (the files ``casus init``
  copies: :func:`casusbelli.workspace.load.iter_files`);
* the casusbelli version and the source of the loading and measuring code
  (``workspace/``, ``discourse/``, ``analysis/measured.py``, the rule-based forecasts of
  ``analysis/forecast_rules.py`` with ``forecast/rules.py`` and ``expression.py``, this
  module).

Entries are JSON (the models' own ``model_dump``), never pickle, and every model is validated
again by pydantic when read, so a damaged or hand-edited entry is an error caught here (the
entry is ignored and the workspace loaded from its files). Entries live under
``CASUS_DATA_DIR/load-cache/``, outside the workspace folder, so a workspace shared by someone
else cannot bring its own entry; only a workspace that loaded without errors is cached.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from casusbelli import __version__
from casusbelli.analysis.digests import source_digest, workspace_files_digest
from casusbelli.errors import Problem
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import (
    Case,
    EvidenceSet,
    Frame,
    Indicator,
    Question,
    Signpost,
    Source,
    Theory,
    WorkspaceConfig,
)

__all__ = ["cache_dir", "files_digest", "read_cached", "write_cached"]

#: Entry format; bumped when the layout below changes.
FORMAT = 1
_MODELS: dict[str, type[BaseModel]] = {
    "sources": Source, "indicators": Indicator, "theories": Theory, "cases": Case,
    "evidence": EvidenceSet, "questions": Question, "frames": Frame, "signposts": Signpost,
}


#: The code that turns files into a measured workspace (measured codings, rule forecasts):
#: its source is part of every key.
CODE_PARTS = ("workspace", "discourse", "analysis/measured.py", "analysis/forecast_rules.py",
              "analysis/frames.py", "analysis/discourse_ops.py", "analysis/load_cache.py",
              "forecast/rules.py", "expression.py", "text.py")


def files_digest(root: Path) -> str | None:
    """SHA-256 of every workspace file's relative path and bytes, the casusbelli version, the
    entry format and the source of :data:`CODE_PARTS` (``None`` when a file cannot be read:
    then nothing is cached)."""
    salt = f"{__version__}\0{FORMAT}\0{source_digest(CODE_PARTS)}"
    return workspace_files_digest(root, salt=salt)


def cache_dir() -> Path:
    """Where entries are written (``CASUS_DATA_DIR/load-cache``)."""
    from casusbelli.config import Settings

    return Settings().data_dir / "load-cache"


def _entry(root: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / f"{name}.json"


def read_cached(root: Path, digest: str) -> Workspace | None:
    """The cached workspace at ``root`` if its entry was written under ``digest``."""
    path = _entry(root)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("digest") != digest or doc.get("format") != FORMAT:
            return None
        return _from_doc(root, doc)
    except (OSError, ValueError, TypeError, KeyError):
        return None  # no entry, or a damaged one: load from the files


def write_cached(root: Path, digest: str, ws: Workspace) -> None:
    """Write ``ws`` (atomically; a failure to write is ignored: the cache is an optimisation)."""
    path = _entry(root)
    doc = {"format": FORMAT, "digest": digest, **_to_doc(ws)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return


def _to_doc(ws: Workspace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "config": ws.config.model_dump(mode="json", by_alias=True),
        "content_hash": ws.content_hash,
        "measured": ws.measured,
        "origins": [[k[0], k[1], v[0], v[1]] for k, v in ws.origins.items()],
        "warnings": [vars(p) for p in ws.warnings],
    }
    for name in _MODELS:
        out[name] = {k: m.model_dump(mode="json", by_alias=True)
                     for k, m in getattr(ws, name).items()}
    return out


def _from_doc(root: Path, doc: dict[str, Any]) -> Workspace:
    kwargs: dict[str, Any] = {
        name: {k: model.model_validate(v) for k, v in doc[name].items()}
        for name, model in _MODELS.items()
    }
    return Workspace(
        root=root, config=WorkspaceConfig.model_validate(doc["config"]),
        content_hash=doc["content_hash"], measured=bool(doc["measured"]),
        origins={(a, b): (f, ln) for a, b, f, ln in doc["origins"]},
        warnings=[Problem(**p) for p in doc["warnings"]], **kwargs,
    )
