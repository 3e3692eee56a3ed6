"""Tables, records and the write queue of the web app's journal.

See :mod:`casusbelli.store.webstate` for what the tables hold and how writes are locked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Session

from casusbelli.store.db import Store

__all__ = [
    "AchEdit",
    "AuditEntry",
    "FIELDS",
    "LEVELS",
    "LoginSession",
    "ROLES",
    "User",
]

#: Fields of an evidence item the ACH editor can change.
FIELDS: tuple[str, ...] = ("rating", "credibility", "relevance")
#: Credibility / relevance levels.
LEVELS: tuple[str, ...] = ("low", "medium", "high")
#: Roles of a team-server account, least powerful first.
ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
#: The analyst name of the workspace's own ratings (``ratings:`` in the evidence file).
DEFAULT_ANALYST = "default"

Field = Literal["rating", "credibility", "relevance"]

_md = MetaData()
users_t = Table(
    "users",
    _md,
    Column("name", String(120), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(10), nullable=False),
    Column("created_at", String(32), nullable=False),
)
sessions_t = Table(
    "sessions",
    _md,
    Column("token_hash", String(64), primary_key=True),
    Column("workspace", String(200), nullable=False),
    Column("username", String(120), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
)
edits_t = Table(
    "ach_edits",
    _md,
    Column("workspace", String(200), primary_key=True),
    Column("case_id", String(80), primary_key=True),
    Column("item_id", String(80), primary_key=True),
    Column("field", String(12), primary_key=True),
    Column("hypothesis", String(80), primary_key=True),
    Column("analyst", String(120), primary_key=True),
    Column("value", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    Column("edited_by", String(120), nullable=False),
    Column("edited_at", String(32), nullable=False),
)
audit_t = Table(
    "audit_log",
    _md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(40), nullable=False),
    Column("case_id", String(80)),
    Column("item_id", String(80)),
    Column("field", String(12)),
    Column("hypothesis", String(80)),
    Column("analyst", String(120)),
    Column("old_value", String(10)),
    Column("new_value", String(10)),
    Column("version", Integer),
    Column("detail", Text),
)
attempts_t = Table(
    "login_attempts",
    _md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
)


# --------------------------------------------------------------------------- errors


# StaleEditError, AccessDeniedError, LoginError and TooManyAttemptsError live in
# casusbelli.errors and are re-exported here.


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class AchEdit:
    """One edited cell: a rating (per analyst and hypothesis) or an item's credibility/relevance.

    ``hypothesis`` and ``analyst`` are ``""`` for credibility and relevance, which belong to
    the item, not to an analyst. ``version`` counts the saved edits of the cell (0: the file's
    own value, never edited).
    """

    case_id: str
    item_id: str
    field: str
    hypothesis: str
    analyst: str
    value: str
    version: int
    edited_by: str = ""
    edited_at: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """The cell this edit belongs to."""
        return (self.case_id, self.item_id, self.field, self.hypothesis, self.analyst)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class User:
    """A team-server account (the password hash is never exposed)."""

    name: str
    role: str
    created_at: str = ""

    def can(self, role: str) -> bool:
        """Whether this user has at least ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class LoginSession:
    """A signed-in session: the raw cookie token (only shown once), its CSRF token and user."""

    token: str
    csrf_token: str
    user: User
    expires: float


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only audit log (``workspace``: the workspace it belongs to)."""

    id: int
    workspace: str
    at: str
    actor: str
    action: str
    case_id: str | None
    item_id: str | None
    field: str | None
    hypothesis: str | None
    analyst: str | None
    old_value: str | None
    new_value: str | None
    version: int | None
    detail: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return dataclasses.asdict(self)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


_queues_guard = threading.Lock()
_write_queues: dict[str, threading.Lock] = {}


def _write_queue(store: Store) -> threading.Lock:
    """The lock the threads of this process queue on to write one SQLite database."""
    with _queues_guard:
        return _write_queues.setdefault(store.url, threading.Lock())


@contextmanager
def _write_locked(store: Store, key: str) -> Iterator[Session]:
    """One transaction that holds the write lock from its first statement.

    SQLite: the threads of this process first queue on one lock per database (one writer at a
    time, as Datasette's write queue), then ``BEGIN IMMEDIATE`` takes the database's write lock
    at once, waiting up to the busy timeout only for other processes. A transaction that reads
    and then writes thus never has to upgrade a read lock, which SQLite refuses at once with
    "database is locked" when another writer got there first; and dozens of threads polling the
    busy handler no longer starve one another past the timeout (7 of 336 concurrent edits
    failed so, issue #17 F7). PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of ``key``
    serialises the transactions that use the same key until commit; in READ COMMITTED each
    statement after it sees what the previous holders committed.
    """
    if store.is_sqlite:
        with _write_queue(store), store.atomic() as s:
            s.execute(text("BEGIN IMMEDIATE"))
            yield s
        return
    with store.atomic() as s:
        if store.engine.dialect.name == "postgresql":
            digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
            lock_id = int.from_bytes(digest[:8], "big", signed=True)
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id})
        yield s


def _edit(row: Any) -> AchEdit:
    return AchEdit(
        row.case_id,
        row.item_id,
        row.field,
        row.hypothesis,
        row.analyst,
        row.value,
        row.version,
        row.edited_by,
        row.edited_at,
    )
