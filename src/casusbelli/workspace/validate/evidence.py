"""``evidence/*.yaml``: the case and hypotheses of an evidence set, and each item's ratings,
dependencies, sources and process-tracing metadata.

A file that fails its schema (say, an invalid rating) is still checked for unknown case,
hypothesis and item ids, so one run reports every problem, as for case files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casusbelli.errors import Problem
from casusbelli.workspace.locate import is_builtin
from casusbelli.workspace.validate.collect import Collector, dotted
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import Marks

__all__ = ["check_evidence", "check_raw_evidence"]


def check_evidence(ws: Parsed) -> None:
    """Check every evidence set against the cases, theories and sources."""
    strict = is_builtin(ws.root)
    for cid, ev in ws.evidence.items():
        rel, marks = ws.docs["evidence"][cid]
        _check_header(ws, rel, marks, ev.case, ev.hypotheses)
        hyps = _hypotheses(ws, ev.hypotheses)
        ids = [it.id for it in ev.items]
        for j, item in enumerate(ev.items):
            _check_id(ws.col, rel, marks, j, item.id, ids)
            _check_dependencies(ws.col, rel, marks, j, item.id, item.depends_on, ids)
            _check_item_metadata(ws.col, rel, marks, j, item, strict=strict)
            for k, ref in enumerate(item.sources):
                ws.check_ref(ref, rel, marks, ("items", j, "sources", k))
            _check_ratings(ws.col, rel, marks, j, item.ratings, item.analysts,
                           item.likelihoods, hyps)


def check_raw_evidence(ws: Parsed, rel: str, marks: Marks, data: Any) -> None:
    """The id checks of :func:`check_evidence` on the raw data of a file that failed its
    schema (sources are checked for every failed file elsewhere)."""
    if not isinstance(data, Mapping):
        return
    case = data.get("case")
    declared = data.get("hypotheses")
    hypotheses = [h for h in declared if isinstance(h, str)] \
        if isinstance(declared, list) else None
    _check_header(ws, rel, marks, case if isinstance(case, str) else None, hypotheses)
    hyps = _hypotheses(ws, hypotheses)
    items = data.get("items")
    if not isinstance(items, list):
        return
    ids = [str(it.get("id")) if isinstance(it, Mapping) else "" for it in items]
    for j, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            continue
        _check_id(ws.col, rel, marks, j, item["id"], ids)
        deps = item.get("depends_on")
        if isinstance(deps, list):
            _check_dependencies(ws.col, rel, marks, j, item["id"],
                                [d for d in deps if isinstance(d, str)], ids)
        _check_ratings(ws.col, rel, marks, j, _mapping(item.get("ratings")),
                       _mapping(item.get("analysts")), _mapping(item.get("likelihoods")), hyps)


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _check_header(ws: Parsed, rel: str, marks: Marks | None, case: str | None,
                  hypotheses: list[str] | None) -> None:
    """The set's case and its own list of hypotheses exist."""
    if case is not None and case not in ws.cases:
        ws.col.unknown(rel, marks, ("case",), "case", case, ws.cases)
    for h_i, h in enumerate(hypotheses or []):
        if h not in ws.theories:
            ws.col.unknown(rel, marks, ("hypotheses", h_i), "theory", h, ws.theories)


def _hypotheses(ws: Parsed, declared: list[str] | None) -> list[str]:
    """The hypotheses an evidence set rates: its own list, else the workspace's theories."""
    return list(declared or (ws.config.theories if ws.config else []) or ws.theories)


def _check_id(col: Collector, rel: str, marks: Marks | None, j: int, item_id: str,
              ids: list[str]) -> None:
    """Item ``j``'s id is not used by an earlier item."""
    first = ids.index(item_id)
    if first < j:
        col.add_at(rel, marks, ("items", j, "id"),
                   f"duplicate evidence item id {item_id!r} (first declared as item "
                   f"{first + 1})", "duplicate")


def _check_dependencies(col: Collector, rel: str, marks: Marks | None, j: int, item_id: str,
                        depends_on: list[str], ids: list[str]) -> None:
    """Each dependency names another item of the set."""
    for k, dep in enumerate(depends_on):
        if dep == item_id:
            col.add_at(rel, marks, ("items", j, "depends_on", k),
                       f"item {item_id!r} depends on itself", "schema")
        elif dep not in ids:
            col.unknown(rel, marks, ("items", j, "depends_on", k), "evidence item", dep,
                        sorted(set(ids)))


def _check_ratings(
    col: Collector,
    rel: str,
    marks: Marks | None,
    j: int,
    ratings: Mapping[str, Any] | None,
    analysts: Mapping[str, Any] | None,
    likelihoods: Mapping[str, Any] | None,
    hyps: list[str],
) -> None:
    """Ratings (the item's and each analyst's) and likelihoods name only known hypotheses,
    and the item rates every hypothesis."""
    ratings_sets: list[tuple[tuple[Any, ...], Mapping[str, Any]]] = [
        (("ratings",), ratings or {})]
    ratings_sets += [(("analysts", a), r) for a, r in (analysts or {}).items()
                     if isinstance(r, Mapping)]
    ratings_sets += [(("likelihoods",), likelihoods or {})]
    for where, rmap in ratings_sets:
        for h in rmap:
            if h not in hyps:
                col.unknown(rel, marks, ("items", j, *where, h), "hypothesis", str(h), hyps)
    if ratings is None:
        return
    for h in hyps:
        if h not in ratings:
            col.add_at(rel, marks, ("items", j, "ratings"),
                       f"not rated against hypothesis {h!r} (use NA when it does not apply)",
                       "missing")


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

