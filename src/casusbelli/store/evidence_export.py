"""Export a case's evidence file with the web app's ACH edits applied, as YAML.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

from casusbelli.errors import (
    StoreError,
    UnknownIdError,
)
from casusbelli.store.ach_edits import apply_edits, list_edits
from casusbelli.store.db import Store

__all__ = [
    "export_evidence",
]


def export_evidence(ws: Any, store: Store, case_id: str) -> str:
    """The case's ``evidence/<case>.yaml`` with the saved edits of ``ws`` applied, as YAML text.

    The original file is read round-trip (comments, order and quoting kept) and only the edited
    values change, so ``git diff`` shows exactly what the web app changed.
    """
    ev = ws.evidence.get(case_id)
    if ev is None:
        raise UnknownIdError(
            f"no evidence for case {case_id!r}",
            hint=f"cases with evidence: {', '.join(sorted(ws.evidence)) or 'none'}",
        )
    path = ws.root / "evidence" / f"{case_id}.yaml"
    if not path.exists():
        cand = [p for p in (ws.root / "evidence").glob("*.y*ml")]
        path = next((p for p in cand if p.stem == case_id), path)
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc}") from exc
    edited = apply_edits(ws, list_edits(store, case_id, workspace=ws.name)).evidence[case_id]
    raw_items = {str(it.get("id")): it for it in doc.get("items", [])}
    for item in edited.items:
        raw = raw_items.get(item.id)
        if raw is None:
            continue
        for lv in ("credibility", "relevance"):
            if getattr(item, lv) != raw.get(lv, "medium"):
                raw[lv] = getattr(item, lv)
        rmap = raw.setdefault("ratings", {})
        for h, r in item.ratings.items():
            if rmap.get(h) != r:
                rmap[h] = r
        if item.analysts:
            amap = raw.setdefault("analysts", {})
            for a, col in item.analysts.items():
                target = amap.setdefault(a, {})
                for h, r in col.items():
                    if target.get(h) != r:
                        target[h] = r
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()
