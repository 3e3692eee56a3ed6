"""Open a store (SQLite file or PostgreSQL server) and bring its schema up to date.

Sessions and transactions open in one place, :meth:`Store.atomic`, in the spirit of
sqlite-utils' ``Database.atomic()``; :meth:`Store.write_transaction` is the one that takes the
write lock up front (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL) for builds
and migrations.

Several processes share one store (the web app, ``casus issue``, ``casus build``, notebooks), so
every SQLite connection runs in write-ahead-log mode (readers keep a consistent snapshot while a
writer commits) with a busy timeout of :data:`BUSY_TIMEOUT_MS` (a writer waits for the lock
instead of failing with "database is locked"); see the SQLite documentation of WAL
(https://www.sqlite.org/wal.html) and of ``BEGIN IMMEDIATE``
(https://www.sqlite.org/lang_transaction.html).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from casusbelli.errors import StoreError

__all__ = ["BUILD_LOCK_KEY", "BUSY_TIMEOUT_MS", "Store", "normalise_url", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"

#: How long a SQLite connection waits for another writer before giving up ("database is locked").
BUSY_TIMEOUT_MS = 30_000

#: The PostgreSQL advisory lock that serialises builds and migrations of one database
#: (an arbitrary 64-bit constant: the ASCII bytes of "casusbld").
BUILD_LOCK_KEY = 0x6361737573626C64


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and plain paths; return a SQLAlchemy URL with a driver.

    >>> normalise_url("postgresql://u@h/db")
    'postgresql+psycopg://u@h/db'
    >>> normalise_url("out/casus.db")
    'sqlite:///out/casus.db'
    """
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


if TYPE_CHECKING:
    from alembic.config import Config


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


_REVISION = re.compile(r'^(down_)?revision\s*=\s*(?:"([^"]*)"|None)', re.M)


@functools.cache
def head_revision() -> str | None:
    """The newest migration in ``migrations/versions`` (the one no other revises).

    Read from the migration files' ``revision`` / ``down_revision`` lines, so that a store that
    is already current is opened without importing Alembic (a second of start-up); the test
    suite checks that this agrees with Alembic's own ``ScriptDirectory.get_current_head``.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        for down, rev in _REVISION.findall(path.read_text(encoding="utf-8")):
            if rev:
                (revised if down else revisions).add(rev)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def current_revision(conn: Connection) -> str | None:
    """The revision recorded in a database's ``alembic_version`` table (``None`` if absent)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


class Store:
    """A casusbelli store at a SQLAlchemy URL."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.sqlite_path
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = engine or create_engine(self.url, future=True)
        except (SQLAlchemyError, ModuleNotFoundError) as exc:
            raise StoreError(f"cannot open store {self.url}: {exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._immediate: Engine | None = None

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a SQLite store (``None`` for in-memory or server stores)."""
        if not self.is_sqlite:
            return None
        rest = self.url.split(":///", 1)[1] if ":///" in self.url else ""
        if not rest or rest == ":memory:":
            return None
        return Path(rest)

    # ---------------------------------------------------------------- schema
    def head_revision(self) -> str | None:
        """The newest migration this code knows."""
        return head_revision()

    def current_revision(self) -> str | None:
        """The migration the database is at (``None`` when it has no schema yet)."""
        with self._connect() as conn:
            return current_revision(conn)

    def migrate(self, connection: Connection | None = None) -> None:
        """Upgrade the schema to the newest migration (Alembic ``upgrade head``).

        Without ``connection``, a store already at the newest revision is left alone (a read);
        otherwise the upgrade runs in one :meth:`write_transaction`, so that processes
        migrating the same fresh store at once do it one after the other, and only once.
        """
        from alembic import command

        cfg = _alembic_config()
        try:
            if connection is not None:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
                return
            if self.current_revision() == self.head_revision():
                return
            with self.write_transaction() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate store {self.display_url}: {exc}") from exc

    def check_schema(self) -> None:
        """Raise :class:`StoreError` unless the store exists and is at this code's revision."""
        current = self.current_revision()
        head = self.head_revision()
        if current is None:
            raise StoreError(
                f"store {self.display_url} has not been built",
                hint="run `casus build` first",
            )
        if current != head:
            raise StoreError(
                f"store {self.display_url} is at schema revision {current}, this casusbelli "
                f"expects {head}",
                hint="run `casus build` to migrate it",
            )

    def has_table(self, name: str) -> bool:
        """Whether the table exists."""
        with self._connect() as conn:
            return inspect(conn).has_table(name)

    # ---------------------------------------------------------------- sessions
    @contextmanager
    def atomic(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any error."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as exc:
            raise StoreError(f"store {self.display_url} failed: {exc.orig}") from exc

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session for reading several tables as of one moment, writing nothing.

        On SQLite the transaction is opened explicitly (pysqlite would run each SELECT on its
        own), so a build that commits between two reads is not seen half-way: every read sees
        the store as of the first one. PostgreSQL runs the reads at REPEATABLE READ.
        """
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn.exec_driver_sql("BEGIN")
                else:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with Session(bind=conn) as session:
                    yield session
        except OperationalError as exc:
            raise StoreError(f"store {self.display_url} failed: {exc.orig}") from exc

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """One transaction that holds the store's write lock from its first statement.

        SQLite: ``BEGIN IMMEDIATE`` (waiting up to :data:`BUSY_TIMEOUT_MS` for another writer),
        so nothing can commit between what the transaction reads and what it writes; readers
        in WAL mode keep reading their snapshot meanwhile. PostgreSQL: a transaction that first
        takes the advisory lock :data:`BUILD_LOCK_KEY` (``pg_advisory_xact_lock``, released at
        commit or rollback), which serialises builds and migrations but no other writer.
        Commits on success, rolls back on any error.
        """
        if self.is_sqlite:
            if self.sqlite_path is None:  # in memory: one process, one connection
                with self.engine.begin() as conn:
                    yield conn
                return
            with self._immediate_engine().begin() as conn:
                yield conn
            return
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BUILD_LOCK_KEY})
            yield conn

    def _immediate_engine(self) -> Engine:
        # pysqlite opens transactions itself, lazily and deferred; this engine's connections
        # leave that off (isolation_level None) and open each transaction with BEGIN IMMEDIATE,
        # as in SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe.
        if self._immediate is None:
            engine = create_engine(self.url, future=True)
            event.listen(engine, "connect", _sqlite_immediate_connect)
            event.listen(engine, "begin", _sqlite_begin_immediate)
            self._immediate = engine
        return self._immediate

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"cannot reach store {self.display_url}: {exc.orig}") from exc

    @property
    def display_url(self) -> str:
        """The URL without a password."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self._immediate is not None:
            self._immediate.dispose()

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    # persistent once set; a no-op for an in-memory database (which answers "memory")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _sqlite_immediate_connect(dbapi_conn: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_conn, record)
    dbapi_conn.isolation_level = None


def _sqlite_begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def open_store(url: str, *, check: bool = True) -> Store:
    """Open an existing store; with ``check``, make sure it is built and current."""
    store = Store(url)
    if check:
        if store.sqlite_path is not None and not store.sqlite_path.exists():
            raise StoreError(f"no store at {store.sqlite_path}", hint="run `casus build` first")
        store.check_schema()
    return store
