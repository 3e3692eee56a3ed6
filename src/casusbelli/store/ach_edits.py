"""ACH edits made in the web app: listed, saved under optimistic locking (each with an audit-log
row in the same transaction), and applied to a loaded workspace.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from casusbelli.errors import (
    CasusError,
    StaleEditError,
    UnknownIdError,
)
from casusbelli.store.db import Store
from casusbelli.store.webstate_schema import (
    DEFAULT_ANALYST,
    FIELDS,
    LEVELS,
    AchEdit,
    _edit,
    _now,
    _write_locked,
    audit_t,
    edits_t,
)
from casusbelli.workspace.models import ACH_RATINGS

__all__ = [
    "apply_edits",
    "edit_versions",
    "list_edits",
    "save_edit",
]


# --------------------------------------------------------------------------- ACH edits


def list_edits(store: Store, case_id: str | None = None, *, workspace: str) -> list[AchEdit]:
    """Every saved ACH edit of ``workspace`` (of one case, or of all cases), in a stable order."""
    q = select(edits_t).where(edits_t.c.workspace == workspace).order_by(
        edits_t.c.case_id,
        edits_t.c.item_id,
        edits_t.c.field,
        edits_t.c.hypothesis,
        edits_t.c.analyst,
    )
    if case_id is not None:
        q = q.where(edits_t.c.case_id == case_id)
    with store.atomic() as s:
        return [_edit(r) for r in s.execute(q)]


def edit_versions(edits: Iterable[AchEdit]) -> dict[tuple[str, str, str, str, str], int]:
    """Map each edited cell's key to its version (cells absent from the map are at 0)."""
    return {e.key: e.version for e in edits}


def _file_value(
    ws: Any, case_id: str, item_id: str, field: str, hypothesis: str, analyst: str
) -> str:
    """The value a cell has in the workspace files (what version 0 means)."""
    ev = ws.evidence.get(case_id)
    if ev is None:
        raise UnknownIdError(f"no evidence for case {case_id!r}", field="case")
    item = next((i for i in ev.items if i.id == item_id), None)
    if item is None:
        raise UnknownIdError(
            f"case {case_id!r} has no evidence item {item_id!r}",
            file=f"evidence/{case_id}.yaml",
            field="item",
        )
    if field in ("credibility", "relevance"):
        return str(getattr(item, field))
    hyps = ev.hypotheses or ws.theory_ids
    if hypothesis not in hyps:
        raise UnknownIdError(
            f"case {case_id!r} has no hypothesis {hypothesis!r}; hypotheses: {', '.join(hyps)}",
            field="hypothesis",
        )
    if analyst != DEFAULT_ANALYST and item.analysts and analyst in item.analysts:
        return str(item.analysts[analyst].get(hypothesis, "NA"))
    return str(item.ratings.get(hypothesis, "NA"))


def _check_value(field: str, value: str) -> None:
    if field == "rating":
        if value not in ACH_RATINGS:
            raise CasusError(
                f"unknown rating {value!r}; expected one of {', '.join(ACH_RATINGS)}", field="value"
            )
    elif field in ("credibility", "relevance"):
        if value not in LEVELS:
            raise CasusError(
                f"unknown {field} {value!r}; expected one of {', '.join(LEVELS)}", field="value"
            )
    else:
        raise CasusError(
            f"unknown field {field!r}; expected one of {', '.join(FIELDS)}", field="field"
        )


def _stale(new: AchEdit, version: int, current: AchEdit) -> StaleEditError:
    """The error for an edit of ``new``'s cell based on ``version`` when ``current`` is saved."""
    hyp = f" {new.hypothesis}" if new.hypothesis else ""
    return StaleEditError(
        f"{new.case_id}/{new.item_id} {new.field}{hyp} was changed to "
        f"{current.value!r} by {current.edited_by or 'the workspace file'} (version "
        f"{current.version}); your value {new.value!r} (based on version {version}) was not saved",
        current=current,
        attempted=new.value,
        field=new.field,
        hint="the newer value is shown; choose again to overwrite it",
    )


def _write_edit(s: Any, key: Any, workspace: str, new: AchEdit, version: int) -> bool:
    """Insert the cell's first edit or update it from ``version``; ``False`` if it moved on."""
    if version == 0:
        s.execute(insert(edits_t).values(workspace=workspace, **new.to_dict()))
        return True
    res = s.execute(
        update(edits_t)
        .where(key, edits_t.c.version == version)
        .values(value=new.value, version=new.version, edited_by=new.edited_by,
                edited_at=new.edited_at)
    )
    return res.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _audit_edit(s: Any, workspace: str, new: AchEdit, old_value: str | None) -> None:
    """Append the audit-log row of a saved edit (in the edit's transaction)."""
    s.execute(
        insert(audit_t).values(
            workspace=workspace,
            at=new.edited_at,
            actor=new.edited_by,
            action="ach_edit",
            case_id=new.case_id,
            item_id=new.item_id,
            field=new.field,
            hypothesis=new.hypothesis or None,
            analyst=new.analyst or None,
            old_value=old_value,
            new_value=new.value,
            version=new.version,
            detail=None,
        )
    )


def save_edit(
    store: Store,
    ws: Any,
    *,
    case_id: str,
    item_id: str,
    field: str,
    value: str,
    version: int,
    actor: str,
    hypothesis: str = "",
    analyst: str = "",
) -> AchEdit:
    """Save one ACH edit if the cell is still at ``version``; append it to the audit log.

    Parameters
    ----------
    store
        The store (migrated to at least ``0004``).
    ws
        The loaded workspace: checks that the case, item and hypothesis exist, and gives
        the file's value of a cell never edited; the edit belongs to ``ws.name``.
    field
        ``"rating"`` (needs ``hypothesis`` and ``analyst``), ``"credibility"`` or ``"relevance"``.
    version
        The version the editor saw (0: the file's value).
    actor
        Who makes the edit (recorded in the edit and in the audit log).

    Raises
    ------
    StaleEditError
        The cell was saved by someone else since ``version``; nothing is written.
    """
    _check_value(field, value)
    if field == "rating":
        if not hypothesis or not analyst:
            raise CasusError("a rating edit needs a hypothesis and an analyst", field="hypothesis")
    else:
        hypothesis, analyst = "", ""
    old_file = _file_value(ws, case_id, item_id, field, hypothesis, analyst)
    workspace = str(ws.name)
    key = and_(
        edits_t.c.workspace == workspace,
        edits_t.c.case_id == case_id,
        edits_t.c.item_id == item_id,
        edits_t.c.field == field,
        edits_t.c.hypothesis == hypothesis,
        edits_t.c.analyst == analyst,
    )
    now = _now()
    new = AchEdit(case_id, item_id, field, hypothesis, analyst, value, version + 1, actor, now)

    def current_of(s: Any) -> AchEdit:
        row = s.execute(select(edits_t).where(key)).first()
        if row is None:
            return AchEdit(case_id, item_id, field, hypothesis, analyst, old_file, 0)
        return _edit(row)

    try:
        with _write_locked(store, f"ach_edit {workspace}\x00{case_id}") as s:
            cur = current_of(s)
            if cur.version != version:
                raise _stale(new, version, cur)
            if not _write_edit(s, key, workspace, new, version):
                raise _stale(new, version, current_of(s))
            _audit_edit(s, workspace, new, cur.value)
    except IntegrityError as exc:  # a concurrent first edit of the same cell won the race
        with store.atomic() as s:
            raise _stale(new, version, current_of(s)) from exc
    return new


def apply_edits(ws: Any, edits: Iterable[AchEdit]) -> Any:
    """A copy of the workspace with the saved edits applied to its evidence (files untouched).

    Ratings of analyst ``"default"`` replace the item's ``ratings``. Another analyst's column
    starts from that analyst's ratings in the file, or else from the (edited) default ratings,
    and takes their edits on top; an analyst with no edit in a case adds no column there.
    """
    by_case: dict[str, list[AchEdit]] = {}
    for e in edits:
        by_case.setdefault(e.case_id, []).append(e)
    if not by_case:
        return ws
    evidence = dict(ws.evidence)
    for cid, case_edits in by_case.items():
        ev = evidence.get(cid)
        if ev is None:
            continue  # the case lost its evidence file since; the edit is kept, not applied
        per_item: dict[str, list[AchEdit]] = {}
        for e in case_edits:
            per_item.setdefault(e.item_id, []).append(e)
        analysts = sorted(
            {e.analyst for e in case_edits if e.field == "rating" and e.analyst != DEFAULT_ANALYST}
        )
        items = []
        for item in ev.items:
            mine = per_item.get(item.id, [])
            upd: dict[str, Any] = {}
            ratings = dict(item.ratings)
            for e in mine:
                if e.field == "rating" and e.analyst == DEFAULT_ANALYST:
                    ratings[e.hypothesis] = e.value
                elif e.field in ("credibility", "relevance"):
                    upd[e.field] = e.value
            upd["ratings"] = ratings
            if analysts:
                cols = dict(item.analysts or {})
                for a in analysts:
                    col = dict(cols.get(a) or ratings)
                    for e in mine:
                        if e.field == "rating" and e.analyst == a:
                            col[e.hypothesis] = e.value
                    cols[a] = col
                upd["analysts"] = cols
            items.append(item.model_copy(update=upd))
        evidence[cid] = ev.model_copy(update={"items": items})
    return dataclasses.replace(ws, evidence=evidence)
