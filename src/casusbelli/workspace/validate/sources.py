"""``sources.yaml`` and ``sources/*.yaml``: the bibliography every citation points into."""

from __future__ import annotations

from casusbelli.workspace.models import Source
from casusbelli.workspace.validate.files import claim, read
from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["load_sources"]


def load_sources(ws: Parsed) -> None:
    """Read every source list into ``ws.sources`` (a file is a list, or ``{sources: [...]}``)."""
    root, col = ws.root, ws.col
    paths = [root / "sources.yaml"] if (root / "sources.yaml").exists() else []
    paths += sorted((root / "sources").glob("*.yaml")) if (root / "sources").is_dir() else []
    for p in paths:
        ws.files.append(p)
        doc = read(p, col)
        if doc is None:
            continue
        data, marks = doc
        rel = col.rel(p)
        prefix: tuple[str, ...] = ()
        items = data
        if isinstance(data, dict) and "sources" in data and len(data) == 1:
            items, prefix = data["sources"], ("sources",)
        if not isinstance(items, list):
            col.add_at(rel, marks, prefix, "expected a list of sources", "schema")
            continue
        for i, item in enumerate(items):
            src = col.validate(Source, item, rel, marks, prefix + (i,))
            if src is None:
                continue
            claim(col, ws.origins, "source", src.id, rel, marks, prefix + (i,),
                  prefix + (i, "id"))
            ws.sources[src.id] = src

