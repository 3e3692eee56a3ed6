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

from casusbelli.errors import (
    AccessDeniedError,
    LoginError,
    StaleEditError,
    TooManyAttemptsError,
)
from casusbelli.store.accounts import (
    _token_hash,  # noqa: F401  (web/auth.py)
    add_user,
    authenticate,
    end_session,
    list_users,
    same_token,
    session_user,
)
from casusbelli.store.ach_edits import apply_edits, edit_versions, list_edits, save_edit
from casusbelli.store.audit_log import audit_entries
from casusbelli.store.evidence_export import export_evidence
from casusbelli.store.webstate_schema import (
    DEFAULT_ANALYST,
    FIELDS,
    LEVELS,
    ROLES,
    AchEdit,
    AuditEntry,
    Field,
    LoginSession,
    User,
)

__all__ = [
    "AccessDeniedError",
    "AchEdit",
    "AuditEntry",
    "DEFAULT_ANALYST",
    "Field",
    "FIELDS",
    "LEVELS",
    "LoginError",
    "LoginSession",
    "ROLES",
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
    "same_token",
    "save_edit",
    "session_user",
]
