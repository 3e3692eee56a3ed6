"""``evidence/*.yaml``: the case and hypotheses of an evidence set, and each item's ratings,
dependencies, sources and process-tracing metadata."""

from __future__ import annotations

from typing import Any

from casusbelli.errors import Problem
from casusbelli.workspace.locate import is_builtin
from casusbelli.workspace.models import EvidenceItem, EvidenceSet
from casusbelli.workspace.validate.collect import Collector, dotted
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import Marks

__all__ = ["check_evidence"]


def check_evidence(ws: Parsed) -> None:
    """Check every evidence set against the cases, theories and sources."""
    strict = is_builtin(ws.root)
    for cid, ev in ws.evidence.items():
        rel, marks = ws.docs["evidence"][cid]
        if ev.case not in ws.cases:
            ws.col.unknown(rel, marks, ("case",), "case", ev.case, ws.cases)
        for h_i, h in enumerate(ev.hypotheses or []):
            if h not in ws.theories:
                ws.col.unknown(rel, marks, ("hypotheses", h_i), "theory", h, ws.theories)
        hyps = _hypotheses(ws, ev)
        seen: dict[str, int] = {}
        item_ids = {it.id for it in ev.items}
        for j, item in enumerate(ev.items):
            if item.id in seen:
                ws.col.add_at(
                    rel, marks, ("items", j, "id"),
                    f"duplicate evidence item id {item.id!r} (first declared as item "
                    f"{seen[item.id] + 1})", "duplicate",
                )
            seen.setdefault(item.id, j)
            _check_item(ws, rel, marks, j, item, hyps, item_ids, strict=strict)


def _hypotheses(ws: Parsed, ev: EvidenceSet) -> list[str]:
    """The hypotheses an evidence set rates: its own list, else the workspace's theories."""
    return list(ev.hypotheses or (ws.config.theories if ws.config else []) or ws.theories)


def _check_item(
    ws: Parsed,
    rel: str,
    marks: Marks | None,
    j: int,
    item: EvidenceItem,
    hyps: list[str],
    item_ids: set[str],
    *,
    strict: bool,
) -> None:
    """One item: its dependencies, sources, and a rating for every hypothesis and no other."""
    col = ws.col
    for k, dep in enumerate(item.depends_on):
        if dep == item.id:
            col.add_at(rel, marks, ("items", j, "depends_on", k),
                       f"item {item.id!r} depends on itself", "schema")
        elif dep not in item_ids:
            col.unknown(rel, marks, ("items", j, "depends_on", k), "evidence item", dep,
                        item_ids)
    _check_item_metadata(col, rel, marks, j, item, strict=strict)
    for k, ref in enumerate(item.sources):
        ws.check_ref(ref, rel, marks, ("items", j, "sources", k))
    ratings_sets = [("ratings", item.ratings)]
    ratings_sets += [(f"analysts.{a}", r) for a, r in (item.analysts or {}).items()]
    for where, rmap in ratings_sets:
        loc_base: tuple[Any, ...] = ("items", j) + tuple(where.split("."))
        for h in rmap:
            if h not in hyps:
                col.unknown(rel, marks, loc_base + (h,), "hypothesis", h, hyps)
    for h in hyps:
        if h not in item.ratings:
            col.add_at(rel, marks, ("items", j, "ratings"),
                       f"not rated against hypothesis {h!r} (use NA when it does not apply)",
                       "missing")
    for h in item.likelihoods or {}:
        if h not in hyps:
            col.unknown(rel, marks, ("items", j, "likelihoods", h), "hypothesis", h, hyps)


def _check_item_metadata(
    col: Collector, rel: str, marks: Marks | None, j: int, item: Any, *, strict: bool
) -> None:
    """Process tracing needs each item's kind and the date it became knowable (issue #13).

    Missing metadata is a problem in the built-in workspace (``strict``) and a warning in a
    user's workspace. ``date: null`` states that the date is unknown: allowed, but the item then
    stays out of the pre-decision view, which is said as a warning.
    """
    given = item.model_fields_set
    missing = [f for f, ok in (("date", "date" in given or "knowable" in given),
                               ("kind", "kind" in given)) if not ok]
    for fld in missing:
        what = (
            "when it became knowable (give date or knowable; `date: null` states it is unknown)"
            if fld == "date"
            else "its kind (observation, official_statement or interpretation)"
        )
        line, column = marks.locate(("items", j), key=False) if marks else (None, None)
        problem = Problem(
            f"evidence item {item.id!r} does not state {what}", rel, line, column,
            dotted(("items", j, fld)),
        )
        if strict:
            col.add(problem, "missing")
        else:
            col.warnings.append(problem)
    if not missing and item.knowable_date is None:
        line, column = marks.locate(("items", j, "date"), key=False) if marks else (None, None)
        col.warnings.append(
            Problem(
                f"evidence item {item.id!r}: date unknown, so it is left out of the "
                "pre-decision view",
                rel, line, column, dotted(("items", j, "date")),
            )
        )

