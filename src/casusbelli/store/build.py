"""Compile a workspace into a store, atomically.

SQLite: the store is copied (journal tables included) to a temporary file beside it, migrated,
its compiled tables replaced in one transaction, and the file renamed over the old one with
``os.replace``. A build killed at any moment leaves the old store as it was.

PostgreSQL: migrations, then the compiled tables are replaced in one transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.exc import SQLAlchemyError

from casusbelli import __version__
from casusbelli.errors import StoreError
from casusbelli.store import schema as s
from casusbelli.store.db import Store
from casusbelli.workspace.load import Workspace

__all__ = ["BuildReport", "build_store", "workspace_rows"]

Progress = Callable[[int, int | None, str], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote."""

    url: str
    content_hash: str
    counts: dict[str, int]
    seconds: float


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def workspace_rows(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Turn a workspace into rows per compiled table (no I/O)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in s.COMPILED_TABLES}
    for i, src in enumerate(ws.sources.values()):
        origin = ws.origins.get(("source", src.id), ("sources.yaml", None))[0]
        rows["sources"].append(
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
    for i, ind in enumerate(ws.indicators.values()):
        rows["indicators"].append(
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
        )
    for i, (tid, th) in enumerate(ws.theories.items()):
        rows["theories"].append(
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
        )
    for cid, case in ws.cases.items():
        rows["cases"].append(
            dict(
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
        )
        for j, (ind_id, coding) in enumerate(case.codings.items()):
            rows["codings"].append(
                dict(
                    case_id=cid,
                    indicator_id=ind_id,
                    position=j,
                    value=coding.value,
                    rationale=coding.rationale,
                    sources=[_dump(r) for r in coding.sources],
                    applicable=coding.applicable,
                )
            )
    for cid, ev in ws.evidence.items():
        rows["evidence_sets"].append(dict(case_id=cid, hypotheses=ev.hypotheses, prior=ev.prior))
        for j, item in enumerate(ev.items):
            rows["evidence_items"].append(
                dict(
                    case_id=cid,
                    item_id=item.id,
                    position=j,
                    text=item.text,
                    kind=item.kind,
                    date=item.date,
                    credibility=item.credibility,
                    relevance=item.relevance,
                    sources=[_dump(r) for r in item.sources],
                    likelihoods=item.likelihoods,
                    note=item.note,
                )
            )
            analysts = {"default": item.ratings, **(item.analysts or {})}
            for analyst, ratings in analysts.items():
                for hyp, rating in ratings.items():
                    rows["ratings"].append(
                        dict(
                            case_id=cid,
                            item_id=item.id,
                            analyst=analyst,
                            hypothesis=hyp,
                            rating=rating,
                        )
                    )
    for qid, q in ws.questions.items():
        rows["questions"].append(
            dict(id=qid, title=q.title, type=q.type, closes=q.closes, doc=_dump(q))
        )
    for fid, fr in ws.frames.items():
        rows["frames"].append(dict(id=fid, label=fr.label, doc=_dump(fr)))
    meta = {
        "workspace": ws.name,
        "content_hash": ws.content_hash,
        "casusbelli_version": __version__,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": ws.config.model_dump_json(exclude_none=True),
    }
    rows["meta"] = [dict(key=k, value=v) for k, v in meta.items()]
    return rows


_TABLES = {t.name: t for t in s.Base.metadata.sorted_tables}


def _replace_compiled(
    conn: Any, rows: dict[str, list[dict[str, Any]]], progress: Progress | None
) -> None:
    for name in s.COMPILED_TABLES:
        conn.execute(delete(_TABLES[name]))
    order = [t.name for t in s.Base.metadata.sorted_tables if t.name in rows]
    total = len(order)
    for i, name in enumerate(order):
        if rows[name]:
            conn.execute(insert(_TABLES[name]), rows[name])
        if progress:
            progress(1, total, f"table {name}")
        del i


def build_store(
    ws: Workspace,
    url: str,
    *,
    progress: Progress | None = None,
    _before_swap: Callable[[], None] | None = None,
) -> BuildReport:
    """Compile ``ws`` into the store at ``url``; the old store survives any failure.

    Parameters
    ----------
    ws
        A loaded workspace.
    url
        ``sqlite:///path`` or ``postgresql://...``.
    progress
        Optional callback ``(advance, total, label)``.
    """
    t0 = dt.datetime.now()
    rows = workspace_rows(ws)
    store = Store(url)
    try:
        if store.is_sqlite and store.sqlite_path is not None:
            _build_sqlite(store, rows, progress, _before_swap)
        else:
            with store.engine.begin() as conn:
                store.migrate(conn)
            with store.engine.begin() as conn:
                _replace_compiled(conn, rows, progress)
    except SQLAlchemyError as exc:
        raise StoreError(f"build into {store.display_url} failed: {exc}") from exc
    finally:
        store.dispose()
    seconds = (dt.datetime.now() - t0).total_seconds()
    counts = {k: len(v) for k, v in rows.items() if k != "meta"}
    return BuildReport(store.display_url, ws.content_hash, counts, seconds)


def _build_sqlite(
    store: Store,
    rows: dict[str, list[dict[str, Any]]],
    progress: Progress | None,
    before_swap: Callable[[], None] | None,
) -> None:
    target = store.sqlite_path
    assert target is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    for stale in target.parent.glob(f".{target.name}.building-*"):
        _remove_if_dead(stale)
    if target.exists():
        # an online backup copies a consistent snapshot even if another process is writing
        src = sqlite3.connect(target)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    tmp_store = Store(f"sqlite:///{tmp}")
    try:
        with tmp_store.engine.begin() as conn:
            tmp_store.migrate(conn)
        with tmp_store.engine.begin() as conn:
            _replace_compiled(conn, rows, progress)
        tmp_store.dispose()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if before_swap:
            before_swap()
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        tmp_store.dispose()
        tmp.unlink(missing_ok=True)
        raise


def _remove_if_dead(path: Path) -> None:
    """Remove a leftover temporary file (or its SQLite journal) of a build whose process is gone."""
    try:
        pid = int(path.name.split("building-", 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        path.unlink(missing_ok=True)
    except PermissionError:
        return


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_store_file(src: Path, dst: Path) -> None:
    """Copy a SQLite store file (used by tests and backups)."""
    shutil.copy2(src, dst)
