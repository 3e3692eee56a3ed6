"""Team-server accounts, sessions and the login rate limit (argon2 password hashes; tokens kept
only as SHA-256 hashes).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import (
    delete,
    func,
    insert,
    select,
    update,
)

from casusbelli.errors import (
    CasusError,
    LoginError,
    TooManyAttemptsError,
)
from casusbelli.store.db import Store
from casusbelli.store.webstate_schema import (
    DEFAULT_ANALYST,
    ROLES,
    LoginSession,
    User,
    _now,
    _write_locked,
    attempts_t,
    audit_t,
    sessions_t,
    users_t,
)

__all__ = [
    "add_user",
    "authenticate",
    "end_session",
    "list_users",
    "session_user",
]


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
    attempt_id, row = _claim_attempt(store, name, name_key, ip_key, now, max_failures,
                                     window_seconds)
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


def _claim_attempt(store: Store, name: str, name_key: str, ip_key: str, now: float,
                   max_failures: int, window_seconds: float) -> tuple[int, Any]:
    """Under the login's write lock: refuse when the recent failures reach ``max_failures``,
    else record this attempt as a failure; return its id and the user's row (or ``None``)."""
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
    return attempt_id, row


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


def same_token(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return hmac.compare_digest(a.encode(), b.encode())
