"""Keep ingested threads with their provenance: one JSON file per thread, written atomically."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from casusbelli.errors import SourceError
from casusbelli.sources.provenance import Provenance
from casusbelli.sources.thread import Thread

__all__ = ["thread_document", "ThreadStore"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


def thread_document(
    thread: Thread, source_id: str | None = None, provenance: Provenance | None = None
) -> dict[str, Any]:
    """The JSON document of a thread: ``{"author", "posts": [{"n", "text"}], ...}``."""
    doc: dict[str, Any] = {
        "author": thread.author,
        "source": source_id,
        "style": thread.style,
        "posts": [
            {
                "n": p.n,
                "text": p.text,
                "line": p.line,
                **({"id": p.id} if p.id else {}),
                **({"created_at": p.created_at.isoformat()} if p.created_at else {}),
            }
            for p in thread.posts
        ],
        "footer_removed": list(thread.footer),
    }
    if provenance is not None:
        doc["provenance"] = provenance.to_dict()
    return doc


class ThreadStore:
    """Threads under ``root/threads/<name>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "threads"

    def save(self, name: str, doc: dict[str, Any]) -> Path:
        """Write (or replace) thread ``name`` atomically; returns its path."""
        if not _NAME.match(name):
            raise SourceError(
                f"invalid thread name {name!r}: use letters, digits, '-' and '_'",
                field="--source-id",
            )
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / f"{name}.json"
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, target)
        return target

    def load(self, name: str) -> dict[str, Any]:
        """Read thread ``name``."""
        p = self.root / f"{name}.json"
        if not p.exists():
            raise SourceError(f"no ingested thread {name!r}", hint="casus ingest thread FILE")
        data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
        return data

    def names(self) -> list[str]:
        """Names of the stored threads."""
        return sorted(p.stem for p in self.root.glob("*.json")) if self.root.is_dir() else []
