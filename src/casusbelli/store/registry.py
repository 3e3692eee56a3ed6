"""The forecast registry and the other journal tables, read and appended (never changed).

Everything issued, resolved or observed goes through the functions here, and only by INSERT:
this module has no update or delete path, and the store's triggers (migration ``0002``) refuse
one from anywhere else. Rows come back as frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from casusbelli.errors import ForecastError, StoreError
from casusbelli.store import journal as j
from casusbelli.store.db import Store

__all__ = [
    "CLOCK_TOLERANCE",
    "IssuedForecast",
    "Observation",
    "Resolution",
    "append_forecasts",
    "append_observation",
    "append_resolution",
    "check_issue_time",
    "existing_journal",
    "journal_state",
    "journal_store",
    "list_registry",
    "read_forecasts",
    "read_observations",
    "read_resolutions",
    "utc_now",
]


def utc_now() -> dt.datetime:
    """The current time in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class IssuedForecast:
    """One registry row: a forecaster's forecast of a question under a scenario, at a time."""

    question: str
    forecaster: str  # a theory id or "ensemble"
    scenario: str
    value: Any
    issued_at: str  # ISO 8601, UTC
    workspace: str
    content_hash: str
    source: str
    weights: dict[str, float] | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(id=self.id, question=self.question, forecaster=self.forecaster,
                    scenario=self.scenario, value=self.value, issued_at=self.issued_at,
                    workspace=self.workspace, content_hash=self.content_hash,
                    source=self.source, weights=self.weights)


@dataclass(frozen=True)
class Resolution:
    """A question's recorded outcome."""

    question: str
    outcome: Any
    resolved_on: str
    source: str
    note: str
    recorded_at: str
    workspace: str
    content_hash: str
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(id=self.id, question=self.question, outcome=self.outcome,
                    resolved_on=self.resolved_on, source=self.source, note=self.note,
                    recorded_at=self.recorded_at, workspace=self.workspace,
                    content_hash=self.content_hash)


@dataclass(frozen=True)
class Observation:
    """A signpost observation with the likelihoods registered when it was recorded."""

    signpost: str
    status: str
    observed_on: str
    source: str
    note: str
    likelihoods: dict[str, float]
    weights_before: dict[str, float]
    weights_after: dict[str, float]
    recorded_at: str
    workspace: str
    content_hash: str
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(id=self.id, signpost=self.signpost, status=self.status,
                    observed_on=self.observed_on, source=self.source, note=self.note,
                    likelihoods=self.likelihoods, weights_before=self.weights_before,
                    weights_after=self.weights_after, recorded_at=self.recorded_at,
                    workspace=self.workspace, content_hash=self.content_hash)


def journal_store(url: str) -> Store:
    """Open the store at ``url`` with its schema (journal tables included) brought up to date,
    creating an empty SQLite store if need be."""
    store = Store(url)
    store.migrate()
    return store


def existing_journal(url: str) -> Store | None:
    """Open the store at ``url`` for reading, or ``None`` when a SQLite file does not exist or
    the store has no journal yet (so that read-only displays work before the first build)."""
    store = Store(url)
    if store.is_sqlite and (store.sqlite_path is None or not store.sqlite_path.exists()):
        store.dispose()
        return None
    if not store.has_table("forecasts"):
        store.dispose()
        return None
    return store


def journal_state(store: Store) -> str:
    """What the journal holds, as text that changes with every row appended: per journal
    table, its row count and largest id (rows are only ever inserted; ``"none"`` before the
    journal exists). Read in one snapshot."""
    if not store.has_table("forecasts"):
        return "none"
    parts = []
    try:
        with store.snapshot() as session:
            for name in j.JOURNAL_TABLES:
                table = j.metadata.tables[name]
                n, top = session.execute(select(func.count(), func.max(table.c.id))).one()
                parts.append(f"{name}:{n}:{top}")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the journal of {store.display_url}: {exc}") from exc
    return ";".join(parts)


def _insert(conn: Any, table: Any, row: dict[str, Any]) -> int:
    key = conn.execute(insert(table), row).inserted_primary_key
    return int(key[0])


def _write(store: Store, table: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    try:
        with store.engine.begin() as conn:
            ids = []
            for row in rows:  # one by one, to get each id on every backend
                ids.append(_insert(conn, table, row))
            return ids
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot write to {table.name} in {store.display_url}: {exc}") from exc


def _read(store: Store, stmt: Any) -> list[Any]:
    try:
        with store.engine.connect() as conn:
            return list(conn.execute(stmt).mappings())
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read {store.display_url}: {exc}") from exc


#: How far an issue time may lie before the current clock (clock skew between machines, a slow
#: run): more than this is back-dating and refused.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


def _instant(iso: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(iso)
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def check_issue_time(issued_at: str, now: dt.datetime | None = None, *,
                     tolerance: dt.timedelta = CLOCK_TOLERANCE) -> None:
    """Refuse an issue time earlier than ``now`` (default: the clock) minus ``tolerance``."""
    now = now or utc_now()
    if _instant(issued_at) < now - tolerance:
        raise ForecastError(
            f"issue time {issued_at} is earlier than now ({now.isoformat()}) minus "
            f"{int(tolerance.total_seconds() // 60)} minutes: the registry refuses back-dated "
            "forecasts", field="issued_at")


def _latest_issued(conn: Any, question: str) -> str | None:
    stmt = select(func.max(j.forecasts.c.issued_at)).where(j.forecasts.c.question == question)
    value = conn.execute(stmt).scalar()
    return None if value is None else str(value)


def append_forecasts(store: Store, forecasts: Iterable[IssuedForecast]) -> list[IssuedForecast]:
    """Append forecasts to the registry in one transaction; return them with their ids.

    A forecast issued earlier than the latest issue time already registered for its question is
    back-dated and refused (:class:`~casusbelli.errors.ForecastError`, nothing written); the
    same time is allowed (one issue writes several rows at one time).
    """
    items = list(forecasts)
    rows = [{k: v for k, v in f.to_dict().items() if k != "id"} for f in items]
    if not rows:
        return []
    try:
        with store.engine.begin() as conn:
            latest: dict[str, str | None] = {}
            for f in items:
                if f.question not in latest:
                    latest[f.question] = _latest_issued(conn, f.question)
                last = latest[f.question]
                if last is not None and _instant(f.issued_at) < _instant(last):
                    raise ForecastError(
                        f"question {f.question!r}: issue time {f.issued_at} is earlier than "
                        f"the latest already registered ({last}); the registry refuses "
                        "back-dated forecasts", field="issued_at")
            ids = [_insert(conn, j.forecasts, row) for row in rows]
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot write to {j.forecasts.name} in {store.display_url}: {exc}") \
            from exc
    return [IssuedForecast(**{**f.to_dict(), "id": i}) for f, i in zip(items, ids, strict=True)]


def read_forecasts(store: Store, question: str | None = None) -> list[IssuedForecast]:
    """Registry rows (of one question), oldest first."""
    stmt = select(j.forecasts).order_by(j.forecasts.c.issued_at, j.forecasts.c.id)
    if question is not None:
        stmt = stmt.where(j.forecasts.c.question == question)
    return [IssuedForecast(**dict(r)) for r in _read(store, stmt)]


def list_registry(store_url: str, *, question: str | None = None) -> list[IssuedForecast]:
    """Every registered forecast in the store at ``store_url`` (of one question), oldest first;
    empty when the store or its registry does not exist yet."""
    store = existing_journal(store_url)
    if store is None:
        return []
    try:
        return read_forecasts(store, question)
    finally:
        store.dispose()


def append_resolution(store: Store, resolution: Resolution) -> Resolution:
    """Record a question's outcome."""
    row = {k: v for k, v in resolution.to_dict().items() if k != "id"}
    (i,) = _write(store, j.resolutions, [row])
    return Resolution(**{**resolution.to_dict(), "id": i})


def read_resolutions(store: Store) -> dict[str, Resolution]:
    """The first recorded resolution of each question."""
    out: dict[str, Resolution] = {}
    for r in _read(store, select(j.resolutions).order_by(j.resolutions.c.id)):
        out.setdefault(r["question"], Resolution(**dict(r)))
    return out


def append_observation(
    store: Store, observation: Observation, forecasts: Iterable[IssuedForecast] = ()
) -> tuple[Observation, list[IssuedForecast]]:
    """Record a signpost observation and the forecasts it causes, in one transaction."""
    items = list(forecasts)
    row = {k: v for k, v in observation.to_dict().items() if k != "id"}
    f_rows = [{k: v for k, v in f.to_dict().items() if k != "id"} for f in items]
    try:
        with store.engine.begin() as conn:
            i = _insert(conn, j.observations, row)
            ids = [_insert(conn, j.forecasts, r) for r in f_rows]
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot record the observation in {store.display_url}: {exc}") \
            from exc
    return (Observation(**{**observation.to_dict(), "id": i}),
            [IssuedForecast(**{**f.to_dict(), "id": k}) for f, k in zip(items, ids, strict=True)])


def read_observations(store: Store) -> list[Observation]:
    """Every signpost observation, in the order recorded."""
    return [Observation(**dict(r))
            for r in _read(store, select(j.observations).order_by(j.observations.c.id))]
