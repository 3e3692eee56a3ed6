"""Open a store (SQLite file or PostgreSQL server) and bring its schema up to date.

Sessions and transactions open in one place, :meth:`Store.atomic`, in the spirit of
sqlite-utils' ``Database.atomic()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from casusbelli.errors import StoreError

__all__ = ["Store", "normalise_url", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"


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


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


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
        return ScriptDirectory.from_config(_alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        """The migration the database is at (``None`` when it has no schema yet)."""
        with self._connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def migrate(self, connection: Connection | None = None) -> None:
        """Upgrade the schema to the newest migration (Alembic ``upgrade head``)."""
        cfg = _alembic_config()
        try:
            if connection is not None:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
                return
            with self.engine.begin() as conn:
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

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def open_store(url: str, *, check: bool = True) -> Store:
    """Open an existing store; with ``check``, make sure it is built and current."""
    store = Store(url)
    if check:
        if store.sqlite_path is not None and not store.sqlite_path.exists():
            raise StoreError(f"no store at {store.sqlite_path}", hint="run `casus build` first")
        store.check_schema()
    return store
