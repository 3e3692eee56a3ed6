"""Cache of expensive analysis results (the per-theory Bayesian models), kept across builds.

A result is stored under a key that hashes the workspace's content hash, the engine's name and
its settings (which include the engine's model version), so a second ``casus analyze`` or
``casus compare`` on an unchanged workspace reads the result instead of sampling again, and
any change to a case, an indicator, a theory or a setting misses the cache.

The table is a *journal* table in the sense of :mod:`casusbelli.store.schema`: ``casus build``
does not replace it (only the compiled tables are), and migration ``0003`` creates it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Column, MetaData, String, Table, Text, delete, select
from sqlalchemy.exc import SQLAlchemyError

from casusbelli.errors import StoreError
from casusbelli.store.db import Store

__all__ = ["MODEL_CACHE", "cache_key", "clear_cache", "read_cache", "write_cache"]

#: Own metadata: the cache is not a compiled table and must not be replaced by a build.
metadata = MetaData()

MODEL_CACHE = Table(
    "model_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("engine", String(40), nullable=False),
    Column("workspace", Text, nullable=False),
    Column("content_hash", String(128), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("result", JSON, nullable=False),
)


def cache_key(content_hash: str, engine: str, settings: Mapping[str, Any]) -> str:
    """SHA-256 of the content hash, engine name and settings (canonical JSON).

    >>> len(cache_key("abc", "models", {"draws": 500}))
    64
    """
    doc = json.dumps(
        {"content_hash": content_hash, "engine": engine, "settings": settings},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def _usable(store: Store) -> bool:
    return store.has_table(MODEL_CACHE.name)


def read_cache(store: Store, key: str) -> dict[str, Any] | None:
    """The cached result under ``key``, or ``None`` (no entry, or no cache table yet)."""
    if not _usable(store):
        return None
    try:
        with store.atomic() as session:
            row = session.execute(
                select(MODEL_CACHE.c.result).where(MODEL_CACHE.c.key == key)
            ).first()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the model cache of {store.display_url}: {exc}") from exc
    if row is None:
        return None
    result: dict[str, Any] = row[0]
    return result


def write_cache(
    store: Store,
    key: str,
    *,
    engine: str,
    workspace: str,
    content_hash: str,
    settings: Mapping[str, Any],
    result: Mapping[str, Any],
    prune: bool = False,
) -> bool:
    """Store ``result`` under ``key`` (replacing an older entry); ``False`` if no cache table.

    With ``prune``, every other entry of the same engine and workspace is deleted too (for a
    result of which only the newest can ever be read again). The write is one transaction (an
    upsert, so several processes may cache the same key at once); a failure leaves the
    previous entries in place.
    """
    if not _usable(store):
        return False
    row = dict(
        key=key,
        engine=engine,
        workspace=workspace,
        content_hash=content_hash,
        settings=dict(settings),
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        result=dict(result),
    )
    if store.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:
        from sqlalchemy.dialects.postgresql import insert as upsert
    # an upsert, not delete + insert: processes caching the same key at once (the key hashes
    # the inputs, so they write the same result) must not collide on the primary key
    stmt = upsert(MODEL_CACHE).values(**row)
    stmt = stmt.on_conflict_do_update(
        index_elements=[MODEL_CACHE.c.key],
        set_={c: stmt.excluded[c] for c in row if c != "key"},
    )
    try:
        with store.atomic() as session:
            if prune:
                session.execute(delete(MODEL_CACHE).where(
                    (MODEL_CACHE.c.engine == engine) & (MODEL_CACHE.c.workspace == workspace)
                    & (MODEL_CACHE.c.key != key)))
            session.execute(stmt)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot write the model cache of {store.display_url}: {exc}") from exc
    return True


def clear_cache(store: Store, engine: str | None = None) -> int:
    """Delete cached results (of one engine, or all); returns how many were deleted."""
    if not _usable(store):
        return 0
    stmt = delete(MODEL_CACHE)
    if engine is not None:
        stmt = stmt.where(MODEL_CACHE.c.engine == engine)
    try:
        with store.atomic() as session:
            result: Any = session.execute(stmt)
            n = result.rowcount
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot clear the model cache of {store.display_url}: {exc}") from exc
    return int(n or 0)
