"""Files whose schema check failed are still checked for unknown ids, so that one run of
``casus validate`` lists every problem."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from casusbelli.workspace.validate.evidence import check_raw_evidence
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import Marks

__all__ = ["check_failed_files"]


def check_failed_files(ws: Parsed) -> None:
    """Unknown ids in every file recorded in ``ws.col.failed``."""
    for rel, marks, data, kind in ws.col.failed:
        _check_raw_refs(ws, rel, marks, data, kind)


def _raw_source_refs(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``{source: id}`` citation in raw YAML data, with its location."""
    if isinstance(node, dict):
        ref = node.get("source")
        if isinstance(ref, str):
            yield loc + ("source",), ref
        for k, v in node.items():
            yield from _raw_source_refs(v, loc + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _raw_source_refs(v, loc + (i,))


def _check_raw_refs(ws: Parsed, rel: str, marks: Marks, data: Any, kind: str) -> None:
    """Unknown source and indicator ids in a file whose schema check failed."""
    col = ws.col
    if ws.sources:
        for loc, ref in _raw_source_refs(data):
            if ref not in ws.sources:
                col.unknown(rel, marks, loc, "source", ref, ws.sources)
    codings = data.get("codings") if isinstance(data, dict) else None
    if kind == "case" and isinstance(codings, dict) and ws.indicators:
        for ind_id in codings:
            if ind_id not in ws.indicators:
                col.unknown(rel, marks, ("codings", ind_id), "indicator", str(ind_id),
                            ws.indicators)
    if kind == "evidence":
        check_raw_evidence(ws, rel, marks, data)
