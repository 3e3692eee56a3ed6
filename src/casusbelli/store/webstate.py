"""The web app's journal: ACH edits, users, sessions, the audit log and login attempts.

These tables (migration ``0004``) are kept across ``casus build``: the workspace files stay the
source of truth, and the edits made in the web app sit beside them until they are exported back
to YAML with :func:`export_evidence`.

One store may serve several workspaces (a shared PostgreSQL database). ACH edits, sessions and
audit-log rows therefore belong to a workspace (column ``workspace``, migration ``0006``: the
``name`` of its ``casus.toml``, the key ``meta`` and the forecast registry use too), and every
function here reads and writes only the rows of the workspace it is given: an edit saved in one
workspace is neither listed in nor applied to another, and a session opened for one does not
authenticate requests to another (issue #17, F9). Accounts (``users``) and the login rate limit
(``login_attempts``) are shared by the workspaces of a store: an account is a person, and
counting their failed logins per workspace would multiply the attempts an attacker gets.

Every write opens one transaction through :meth:`Store.atomic`; the writes that read before
they write (an ACH edit, the login rate limit) take the write lock first (:func:`_write_locked`:
``BEGIN IMMEDIATE`` on SQLite, so concurrent writers wait for the busy timeout instead of
failing with "database is locked"; a transaction-scoped advisory lock on PostgreSQL).

An ACH edit is optimistically locked: the caller says which ``version`` of the cell it saw (0
for the file's own value); if someone else saved the cell meanwhile, :class:`StaleEditError`
carries the newer value and nothing is written. Every saved edit appends a row to
``audit_log`` in the same transaction; ``audit_log`` refuses UPDATE and DELETE through
database triggers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from ruamel.yaml import YAML
from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casusbelli.errors import (
    AccessDeniedError,
    CasusError,
    LoginError,
    StaleEditError,
    StoreError,
    TooManyAttemptsError,
    UnknownIdError,
)
from casusbelli.store.db import Store
from casusbelli.workspace.models import ACH_RATINGS

__all__ = [
    "FIELDS",
    "LEVELS",
    "ROLES",
    "AccessDeniedError",
    "AchEdit",
    "AuditEntry",
    "LoginError",
    "LoginSession",
    "StaleEditError",
    "TooManyAttemptsError",
    "User",
    "add_user",
    "apply_edits",
    "audit_entries",
    "authenticate",
    "edit_versions",
    "end_session",
    "export_evidence",
    "list_edits",
    "list_users",
    "save_edit",
    "session_user",
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

    def stale(current: AchEdit) -> StaleEditError:
        return StaleEditError(
            f"{case_id}/{item_id} {field}{' ' + hypothesis if hypothesis else ''} was changed to "
            f"{current.value!r} by {current.edited_by or 'the workspace file'} (version "
            f"{current.version}); your value {value!r} (based on version {version}) was not saved",
            current=current,
            attempted=value,
            field=field,
            hint="the newer value is shown; choose again to overwrite it",
        )

    def current_of(s: Any) -> AchEdit:
        row = s.execute(select(edits_t).where(key)).first()
        if row is None:
            return AchEdit(case_id, item_id, field, hypothesis, analyst, old_file, 0)
        return _edit(row)

    try:
        with _write_locked(store, f"ach_edit {workspace}\x00{case_id}") as s:
            cur = current_of(s)
            if cur.version != version:
                raise stale(cur)
            if version == 0:
                s.execute(insert(edits_t).values(workspace=workspace, **new.to_dict()))
            else:
                res = s.execute(
                    update(edits_t)
                    .where(key, edits_t.c.version == version)
                    .values(value=value, version=version + 1, edited_by=actor, edited_at=now)
                )
                if res.rowcount != 1:  # type: ignore[attr-defined]
                    raise stale(current_of(s))
            s.execute(
                insert(audit_t).values(
                    workspace=workspace,
                    at=now,
                    actor=actor,
                    action="ach_edit",
                    case_id=case_id,
                    item_id=item_id,
                    field=field,
                    hypothesis=hypothesis or None,
                    analyst=analyst or None,
                    old_value=cur.value,
                    new_value=value,
                    version=version + 1,
                    detail=None,
                )
            )
    except IntegrityError as exc:  # a concurrent first edit of the same cell won the race
        with store.atomic() as s:
            raise stale(current_of(s)) from exc
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


def export_evidence(ws: Any, store: Store, case_id: str) -> str:
    """The case's ``evidence/<case>.yaml`` with the saved edits of ``ws`` applied, as YAML text.

    The original file is read round-trip (comments, order and quoting kept) and only the edited
    values change, so ``git diff`` shows exactly what the web app changed.
    """
    ev = ws.evidence.get(case_id)
    if ev is None:
        raise UnknownIdError(
            f"no evidence for case {case_id!r}",
            hint=f"cases with evidence: {', '.join(sorted(ws.evidence)) or 'none'}",
        )
    path = ws.root / "evidence" / f"{case_id}.yaml"
    if not path.exists():
        cand = [p for p in (ws.root / "evidence").glob("*.y*ml")]
        path = next((p for p in cand if p.stem == case_id), path)
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc}") from exc
    edited = apply_edits(ws, list_edits(store, case_id, workspace=ws.name)).evidence[case_id]
    raw_items = {str(it.get("id")): it for it in doc.get("items", [])}
    for item in edited.items:
        raw = raw_items.get(item.id)
        if raw is None:
            continue
        for lv in ("credibility", "relevance"):
            if getattr(item, lv) != raw.get(lv, "medium"):
                raw[lv] = getattr(item, lv)
        rmap = raw.setdefault("ratings", {})
        for h, r in item.ratings.items():
            if rmap.get(h) != r:
                rmap[h] = r
        if item.analysts:
            amap = raw.setdefault("analysts", {})
            for a, col in item.analysts.items():
                target = amap.setdefault(a, {})
                for h, r in col.items():
                    if target.get(h) != r:
                        target[h] = r
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- users, sessions

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("casusbelli-dummy-password")


def _user(row: Any) -> User:
    return User(row.name, row.role, row.created_at)


def add_user(
    store: Store,
    name: str,
    password: str,
    role: str = "analyst",
    *,
    actor: str = "cli",
    workspace: str = "",
) -> User:
    """Create an account (argon2id hash); an existing name gets its password and role replaced.

    Accounts are shared by every workspace of the store; replacing a password or role ends the
    account's sessions in all of them. The audit-log row goes to ``workspace`` (the one the
    command was run for; ``""``: none).
    """
    if role not in ROLES:
        raise CasusError(
            f"unknown role {role!r}; expected one of {', '.join(ROLES)}", field="--role"
        )
    if not name or len(name) > 120 or name != name.strip() or name == DEFAULT_ANALYST:
        raise CasusError(
            f"invalid user name {name!r}",
            hint=f"1-120 characters, no surrounding spaces, not {DEFAULT_ANALYST!r}",
        )
    if len(password) < 8:
        raise CasusError("password too short: at least 8 characters", field="password")
    digest = _hasher.hash(password)
    now = _now()
    with _write_locked(store, f"user {name}") as s:
        exists = s.execute(select(users_t.c.name).where(users_t.c.name == name)).first()
        if exists:
            s.execute(
                update(users_t)
                .where(users_t.c.name == name)
                .values(password_hash=digest, role=role)
            )
            s.execute(delete(sessions_t).where(sessions_t.c.username == name))
        else:
            s.execute(
                insert(users_t).values(name=name, password_hash=digest, role=role, created_at=now)
            )
        s.execute(
            insert(audit_t).values(
                workspace=workspace,
                at=now,
                actor=actor,
                action="user_update" if exists else "user_add",
                analyst=name,
                new_value=role,
            )
        )
    return User(name, role, now)


def list_users(store: Store) -> list[User]:
    """Every account, by name."""
    with store.atomic() as s:
        return [_user(r) for r in s.execute(select(users_t).order_by(users_t.c.name))]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(
    store: Store,
    name: str,
    password: str,
    *,
    ip: str = "",
    workspace: str,
    max_failures: int = 5,
    window_seconds: float = 300.0,
    session_seconds: float = 7 * 86400.0,
) -> LoginSession:
    """Check a password and open a session of ``workspace``; refuse after too many failures.

    The session authenticates requests to ``workspace`` only (:func:`session_user`). Failed
    logins are counted per name and address across the workspaces of the store, since the
    account is shared by them.

    The limit holds under concurrency: in one transaction under the write lock of this name
    and address (:func:`_write_locked`), the recent failures are counted and, when this attempt
    is still allowed, it is recorded as a failure *before* the password is checked. Parallel
    attempts therefore see each other, and at most ``max_failures`` passwords are ever checked
    within a window; a correct password turns its own record into a success afterwards.

    Raises
    ------
    TooManyAttemptsError
        ``max_failures`` failed (or still unfinished) logins for this name from this address
        within ``window_seconds`` (the password is then not even checked).
    LoginError
        Unknown name or wrong password (the same message for both).
    """
    now = time.time()
    name_key, ip_key = name[:120], ip[:64]
    with _write_locked(store, f"login {name_key}\x00{ip_key}") as s:
        failures = s.execute(
            select(func.count())
            .select_from(attempts_t)
            .where(
                attempts_t.c.username == name_key,
                attempts_t.c.ip == ip_key,
                attempts_t.c.ok.is_(False),
                attempts_t.c.at > now - window_seconds,
            )
        ).scalar_one()
        if failures + 1 > max_failures:  # this attempt would be one too many
            raise TooManyAttemptsError(
                f"too many failed logins for {name!r}; try again in a few minutes",
                hint=f"{max_failures} failures within {int(window_seconds)} s lock the login",
            )
        attempt_id = s.execute(
            insert(attempts_t)
            .values(username=name_key, ip=ip_key, at=now, ok=False)
            .returning(attempts_t.c.id)
        ).scalar_one()
        row = s.execute(select(users_t).where(users_t.c.name == name)).first()
    ok = False
    try:
        ok = _hasher.verify(row.password_hash if row else _DUMMY_HASH, password) and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        raise LoginError("unknown user or wrong password", field="password")
    token, csrf = secrets.token_urlsafe(32), secrets.token_hex(32)
    with _write_locked(store, f"session {name_key}") as s:
        s.execute(update(attempts_t).where(attempts_t.c.id == attempt_id).values(ok=True))
        s.execute(
            insert(sessions_t).values(
                token_hash=_token_hash(token),
                workspace=workspace,
                username=name,
                csrf_token=csrf,
                created=now,
                expires=now + session_seconds,
            )
        )
        s.execute(
            insert(audit_t).values(
                workspace=workspace, at=_now(), actor=name, action="login", detail=f"ip {ip}"
            )
        )
        s.execute(delete(sessions_t).where(sessions_t.c.expires < now))
    return LoginSession(token, csrf, _user(row), now + session_seconds)


def session_user(store: Store, token: str, *, workspace: str) -> tuple[User, str] | None:
    """The user and CSRF token of a live session cookie of ``workspace``, or ``None``.

    A session opened for another workspace of the same store gives ``None``.
    """
    if not token:
        return None
    with store.atomic() as s:
        row = s.execute(
            select(users_t.c.name, users_t.c.role, users_t.c.created_at, sessions_t.c.csrf_token)
            .join(sessions_t, sessions_t.c.username == users_t.c.name)
            .where(
                sessions_t.c.token_hash == _token_hash(token),
                sessions_t.c.workspace == workspace,
                sessions_t.c.expires > time.time(),
            )
        ).first()
    if row is None:
        return None
    return User(row.name, row.role, row.created_at), row.csrf_token


def end_session(store: Store, token: str, *, workspace: str) -> None:
    """Log out: forget the session (only if it belongs to ``workspace``)."""
    with _write_locked(store, "session end") as s:
        s.execute(
            delete(sessions_t).where(
                sessions_t.c.token_hash == _token_hash(token), sessions_t.c.workspace == workspace
            )
        )


def audit_entries(
    store: Store, *, workspace: str, limit: int = 200, case_id: str | None = None
) -> list[AuditEntry]:
    """The newest audit-log rows of ``workspace`` first."""
    q = (
        select(audit_t)
        .where(audit_t.c.workspace == workspace)
        .order_by(audit_t.c.id.desc())
        .limit(limit)
    )
    if case_id is not None:
        q = q.where(audit_t.c.case_id == case_id)
    with store.atomic() as s:
        return [AuditEntry(**dict(r._mapping)) for r in s.execute(q)]


def same_token(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return hmac.compare_digest(a.encode(), b.encode())
