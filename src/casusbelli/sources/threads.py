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

__all__ = ["thread_document", "thread_source", "ThreadStore"]

_PLATFORM = {"threadreaderapp": "X", "twtextapp": "X", "x-archive": "X"}
"""Platform of the threads each service unrolls (CSL ``container-title``)."""

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
        "date": thread.date,
        "url": thread.url,
        "service": thread.service,
    }
    if provenance is not None:
        doc["provenance"] = provenance.to_dict()
    return doc


def _title(thread: Thread, limit: int = 120) -> str:
    first = " ".join(thread.posts[0].text.split()) if thread.posts else ""
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


def thread_source(
    thread: Thread,
    source_id: str,
    *,
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
    author: str | None = None,
) -> dict[str, Any]:
    """The CSL-JSON record (type ``post``) that cites a thread, with its number of posts.

    Title, URL, date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) and author (handle) given here
    override what the thread's page said; the title defaults to the first post's text
    (shortened to 120 characters), as citation styles show a post by its text.
    """
    handle = (author or thread.author or "").lstrip("@")
    record: dict[str, Any] = {
        "id": source_id,
        "type": "post",
        "title": title or _title(thread) or source_id,
    }
    if handle:
        record["author"] = [{"literal": f"@{handle}"}]
    when = date or thread.date
    if when:
        if not re.match(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$", when):
            raise SourceError(
                f"date {when!r} is not YYYY, YYYY-MM or YYYY-MM-DD", field="--date"
            )
        record["issued"] = {"date-parts": [[int(x) for x in when.split("-")]]}
    if thread.service in _PLATFORM:
        record["container-title"] = _PLATFORM[thread.service]
    if url or thread.url:
        record["URL"] = url or thread.url
    record["genre"] = f"thread, {len(thread.posts)} posts"
    record["posts"] = len(thread.posts)
    return record


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
