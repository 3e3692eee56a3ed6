"""Compile a workspace into a store, in place, without losing what other processes write.

Many processes use one store at once: the web app saves ACH edits, ``casus issue`` appends to
the forecast registry, ``casus analyze`` and ``casus report`` build, notebooks read. A build
therefore never swaps files and never touches the *journal* tables
(:data:`casusbelli.store.journal.JOURNAL_TABLES`, the model cache, the web app's edits,
users and sessions); it

1. takes the build lock: a file lock beside a SQLite store (``casus.db.lock``, with the
   ``filelock`` package), the advisory lock :data:`~casusbelli.store.db.BUILD_LOCK_KEY` on
   PostgreSQL;
2. skips the build when the store already holds this workspace (same content hash, workspace
   name, casusbelli version and schema revision), unless ``force``; checked under the lock, so
   two builders of one workspace build once;
3. migrates the schema and replaces the compiled tables (:data:`~casusbelli.store.schema.
   COMPILED_TABLES`) in ONE transaction on the live database (``BEGIN IMMEDIATE`` on SQLite in
   WAL mode, see :meth:`~casusbelli.store.db.Store.write_transaction`).

Readers keep the snapshot they started with and see the new tables once the build commits;
writers of journal rows wait for the commit (the busy timeout) and then write into the same
database, so nothing they commit is lost. A build that fails or is killed at any moment rolls
back: the old compiled rows and every journal row stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from casusbelli import __version__
from casusbelli.errors import StoreError, WorkspaceError
from casusbelli.store import schema as s
from casusbelli.store.db import Store, current_revision
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import Case, EvidenceItem

__all__ = ["BUILD_LOCK_TIMEOUT", "BuildReport", "build_store", "workspace_rows"]

Progress = Callable[[int, int | None, str], None]

#: Seconds a build waits for another process's build of the same store before giving up.
BUILD_LOCK_TIMEOUT = 600.0


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote."""

    url: str
    content_hash: str
    counts: dict[str, int]
    seconds: float
    skipped: bool = False  # the store already held this workspace: nothing was written


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


#: Rows of one table, each a column -> value mapping.
_Rows = list[dict[str, Any]]


def workspace_rows(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Turn a workspace into rows per compiled table (no I/O).

    Parameters
    ----------
    ws : Workspace
        A loaded workspace.

    Returns
    -------
    dict
        Table name (:data:`~casusbelli.store.schema.COMPILED_TABLES`, then ``meta``) -> its
        rows. Each entity keeps its workspace order in ``position`` where the table has one.
    """
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in s.COMPILED_TABLES}
    rows["sources"].extend(_source_rows(ws))
    rows["indicators"].extend(_indicator_rows(ws))
    rows["theories"].extend(_theory_rows(ws))
    for cid, case in ws.cases.items():
        rows["cases"].append(_case_row(cid, case))
        rows["codings"].extend(_coding_rows(cid, case))
    for cid, ev in ws.evidence.items():
        rows["evidence_sets"].append(dict(case_id=cid, hypotheses=ev.hypotheses, prior=ev.prior))
        for j, item in enumerate(ev.items):
            rows["evidence_items"].append(_evidence_item_row(cid, j, item))
            rows["ratings"].extend(_rating_rows(cid, item))
    for qid, q in ws.questions.items():
        rows["questions"].append(
            dict(id=qid, title=q.title, type=q.type, closes=q.closes, doc=_dump(q))
        )
    for fid, fr in ws.frames.items():
        rows["frames"].append(dict(id=fid, label=fr.label, doc=_dump(fr)))
    rows["meta"] = _meta_rows(ws)
    return rows


def _source_rows(ws: Workspace) -> _Rows:
    """One row per source, with its CSL-JSON and the file it was read from."""
    rows = []
    for i, src in enumerate(ws.sources.values()):
        origin = ws.origins.get(("source", src.id), ("sources.yaml", None))[0]
        rows.append(
            dict(
                id=src.id,
                position=i,
                type=src.type,
                title=src.title,
                year=src.year(),
                file=origin,
                csl=_dump(src),
            )
        )
    return rows


def _indicator_rows(ws: Workspace) -> _Rows:
    """One row per indicator (its measurement spec as JSON, if measured)."""
    return [
        dict(
            id=ind.id,
            position=i,
            label=ind.label,
            description=ind.description,
            kind=ind.kind,
            theory=ind.theory,
            guide=ind.guide,
            measured=_dump(ind.measured) if ind.measured else None,
        )
        for i, ind in enumerate(ws.indicators.values())
    ]


def _theory_rows(ws: Workspace) -> _Rows:
    """One row per theory, its references and implications as JSON."""
    return [
        dict(
            id=tid,
            position=i,
            name=th.name,
            summary=th.summary,
            paths=th.paths,
            references=[_dump(r) for r in th.references],
            implications=[_dump(m) for m in th.implications],
            predictions=list(th.predictions),
        )
        for i, (tid, th) in enumerate(ws.theories.items())
    ]


def _case_row(cid: str, case: Case) -> dict[str, Any]:
    """The row of one case (its codings go to :func:`_coding_rows`)."""
    return dict(
        id=cid,
        name=case.name,
        actor=case.actor,
        target=case.target,
        start=case.start,
        end=case.end,
        kind=case.kind,
        summary=case.summary,
        tags=list(case.tags),
        sources=[_dump(r) for r in case.sources],
    )


def _coding_rows(cid: str, case: Case) -> _Rows:
    """One row per coding of a case, in the case file's order."""
    return [
        dict(
            case_id=cid,
            indicator_id=ind_id,
            position=j,
            value=coding.value,
            rationale=coding.rationale,
            sources=[_dump(r) for r in coding.sources],
            applicable=coding.applicable,
        )
        for j, (ind_id, coding) in enumerate(case.codings.items())
    ]


def _evidence_item_row(cid: str, position: int, item: EvidenceItem) -> dict[str, Any]:
    """The row of one evidence item (its ratings go to :func:`_rating_rows`)."""
    return dict(
        case_id=cid,
        item_id=item.id,
        position=position,
        text=item.text,
        kind=item.kind,
        date=item.date,
        credibility=item.credibility,
        relevance=item.relevance,
        sources=[_dump(r) for r in item.sources],
        likelihoods=item.likelihoods,
        note=item.note,
    )


def _rating_rows(cid: str, item: EvidenceItem) -> _Rows:
    """One row per (analyst, hypothesis) rating of an item; the item's own are ``default``."""
    analysts = {"default": item.ratings, **(item.analysts or {})}
    return [
        dict(case_id=cid, item_id=item.id, analyst=analyst, hypothesis=hyp, rating=rating)
        for analyst, ratings in analysts.items()
        for hyp, rating in ratings.items()
    ]


def _meta_rows(ws: Workspace) -> _Rows:
    """The build's key/value facts: workspace, content hash, versions, build time, config."""
    meta = {
        "workspace": ws.name,
        "content_hash": ws.content_hash,
        "casusbelli_version": __version__,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": ws.config.model_dump_json(exclude_none=True),
    }
    return [dict(key=k, value=v) for k, v in meta.items()]


def _uncomputed_rule(ws: Workspace) -> tuple[str, str] | None:
    """The first (question, theory) whose forecast has a rule but no value yet."""
    for qid, q in ws.questions.items():
        for t, f in q.forecasts.items():
            if f.rule is not None and f.value is None:
                return qid, t
    return None


_TABLES = {t.name: t for t in s.Base.metadata.sorted_tables}


def _replace_compiled(
    conn: Any, rows: dict[str, list[dict[str, Any]]], progress: Progress | None
) -> None:
    for name in s.COMPILED_TABLES:
        conn.execute(delete(_TABLES[name]))
    order = [t.name for t in s.Base.metadata.sorted_tables if t.name in rows]
    for name in order:
        if rows[name]:
            conn.execute(insert(_TABLES[name]), rows[name])
        if progress:
            progress(1, len(order), f"table {name}")


def _holds(conn: Connection, ws: Workspace) -> bool:
    """Whether the store on ``conn`` already holds ``ws`` compiled by this casusbelli."""
    if not inspect(conn).has_table("meta"):
        return False
    meta = dict(conn.execute(select(_TABLES["meta"].c.key, _TABLES["meta"].c.value)).all())
    return (
        meta.get("content_hash") == ws.content_hash
        and meta.get("workspace") == ws.name
        and meta.get("casusbelli_version") == __version__
    )


def _is_current(conn: Connection, ws: Workspace, head: str | None) -> bool:
    revision = current_revision(conn)
    return revision == head and _holds(conn, ws)


def build_store(
    ws: Workspace,
    url: str,
    *,
    force: bool = False,
    progress: Progress | None = None,
    lock_timeout: float = BUILD_LOCK_TIMEOUT,
    _before_commit: Callable[[], None] | None = None,
) -> BuildReport:
    """Compile ``ws`` into the store at ``url``, in place and in one transaction.

    Concurrent readers and writers of the store's journal tables lose nothing; a failed or
    killed build leaves the old store (see the module docstring).

    Parameters
    ----------
    ws
        A loaded workspace whose measured indicators are filled in
        (:func:`casusbelli.analysis.measured.load_workspace` loads and measures).
    url
        ``sqlite:///path`` or ``postgresql://...``.
    force
        Build even when the store already holds this workspace (same content hash).
    progress
        Optional callback ``(advance, total, label)``.
    lock_timeout
        Seconds to wait for another process's build of the same SQLite store.

    Returns
    -------
    BuildReport
        With ``skipped`` true when the store was current and nothing was written.

    Raises
    ------
    StoreError
        When the database fails or the build lock cannot be had within ``lock_timeout``.
    WorkspaceError
        When ``ws`` declares measured indicators that were never measured, or rule-based
        forecasts whose values were never computed: the store would hold no value for them,
        under the same content hash as a measured build.
    """
    if not ws.measured and any(i.measured for i in ws.indicators.values()):
        raise WorkspaceError(
            "the workspace's measured indicators are not filled in; the store would lack them",
            file="indicators.yaml", field="measured",
            hint="load it with casusbelli.analysis.measured.load_workspace (what every "
                 "command does), or pass it through measure_workspace",
        )
    if not ws.measured and (unruled := _uncomputed_rule(ws)) is not None:
        raise WorkspaceError(
            "the workspace's rule-based forecasts are not computed; the store would lack them",
            file=ws.origins.get(("question", unruled[0]), (None, None))[0],
            field=f"forecasts.{unruled[1]}.value",
            hint="load it with casusbelli.analysis.measured.load_workspace (what every "
                 "command does), or pass it through measure_workspace",
        )
    t0 = dt.datetime.now()
    store = Store(url)
    try:
        path = store.sqlite_path
        # a current SQLite store is seen without the build lock (no wait behind other
        # writers) and without turning the workspace into rows: its counts are read back
        counts = _stored_counts(store, ws) if path is not None and not force else None
        built = False
        if counts is None:
            rows = workspace_rows(ws)
            counts = {k: len(v) for k, v in rows.items() if k != "meta"}
            built = _locked_build(store, ws, rows, force, progress, _before_commit,
                                  lock_timeout)
    except SQLAlchemyError as exc:
        raise StoreError(f"build into {store.display_url} failed: {exc}") from exc
    finally:
        store.dispose()
    seconds = (dt.datetime.now() - t0).total_seconds()
    return BuildReport(store.display_url, ws.content_hash, counts, seconds, skipped=not built)


def _locked_build(store: Store, ws: Workspace, rows: dict[str, _Rows], force: bool,
                  progress: Progress | None, before_commit: Callable[[], None] | None,
                  lock_timeout: float) -> bool:
    """:func:`_build` under the SQLite build lock (a file lock beside the database); on
    PostgreSQL :func:`_build` takes an advisory lock itself."""
    path = store.sqlite_path
    if path is None:
        return _build(store, ws, rows, force, progress, before_commit)
    from filelock import FileLock, Timeout

    lock_path = path.with_name(path.name + ".lock")
    try:
        with FileLock(lock_path, timeout=lock_timeout):
            return _build(store, ws, rows, force, progress, before_commit)
    except Timeout as exc:
        raise StoreError(
            f"build into {store.display_url} waited {lock_timeout:g}s for the build "
            f"lock {lock_path}",
            hint="another casus process is building this store",
        ) from exc


def _stored_counts(store: Store, ws: Workspace) -> dict[str, int] | None:
    """The rows per compiled table when the store already holds ``ws``, else ``None``: read
    without the build lock, in one snapshot (:meth:`~casusbelli.store.db.Store.snapshot`), so
    a build committing meanwhile is seen entirely or not at all."""
    from sqlalchemy import func, table

    head = store.head_revision()
    with store.snapshot() as session:
        conn = session.connection()
        if not _is_current(conn, ws, head):
            return None
        return {t: int(conn.execute(select(func.count()).select_from(table(t))).scalar_one())
                for t in s.COMPILED_TABLES if t != "meta"}


def _build(
    store: Store,
    ws: Workspace,
    rows: dict[str, list[dict[str, Any]]],
    force: bool,
    progress: Progress | None,
    before_commit: Callable[[], None] | None,
) -> bool:
    """Build under the lock the caller holds (SQLite) or takes here (PostgreSQL); ``False``
    when the store already held the workspace."""
    head = store.head_revision()
    with store.write_transaction() as conn:
        current = _is_current(conn, ws, head)  # again, now that no other build can run
        if current and not force:
            return False
        store.migrate(conn)
        _replace_compiled(conn, rows, progress)
        if before_commit:
            before_commit()
    return True
