"""The web journal belongs to a workspace: ``workspace`` on ACH edits, sessions and the audit log.

Two workspaces served from one store (a shared PostgreSQL database) shared their sessions and
ACH edits (issue #17, F9). Each row of ``ach_edits``, ``sessions`` and ``audit_log`` now names
the workspace it belongs to (``casus.toml``'s ``name``, the same key ``meta.workspace`` and the
forecast registry's ``workspace`` column use), and ``ach_edits``' primary key starts with it.

Existing rows are given the workspace the store was last built for (``meta.workspace``): before
this migration a store held one workspace's journal unless it was shared, and then there is no
way to tell the rows apart afterwards. A store never built (no ``meta`` row, e.g. only
``casus user add`` ran) keeps the server default ``''``, which matches no workspace: such rows
are kept but belong to none. ``users`` and ``login_attempts`` stay shared by every workspace of
the store (an account is a person; the rate limit guards that person's password).

On SQLite ``ach_edits`` is rebuilt through ``batch_alter_table`` (its primary key changes);
``sessions`` and ``audit_log`` only gain a column (``ALTER TABLE ... ADD COLUMN``), so the
audit log's append-only triggers stay in place.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_EDIT_KEY = ["case_id", "item_id", "field", "hypothesis", "analyst"]


def _workspace_column() -> sa.Column:
    return sa.Column("workspace", sa.String(200), nullable=False, server_default="")


def _edits_0005() -> sa.Table:
    """``ach_edits`` as migration 0004 made it, its key columns not yet a primary key.

    Given to ``batch_alter_table(copy_from=...)`` on SQLite, so that the rebuilt table gets the
    new primary key alone (reflection would keep the old one on the columns).
    """
    return sa.Table(
        "ach_edits",
        sa.MetaData(),
        *(sa.Column(c, sa.String(120 if c == "analyst" else 12 if c == "field" else 80),
                    nullable=False) for c in _EDIT_KEY),
        sa.Column("value", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("edited_by", sa.String(120), nullable=False),
        sa.Column("edited_at", sa.String(32), nullable=False),
        sa.CheckConstraint("field IN ('rating', 'credibility', 'relevance')",
                           name="ck_ach_edits_field"),
    )


def _built_for(bind: sa.Connection) -> str:
    """The workspace name the store was last built for (``''`` when never built)."""
    if not sa.inspect(bind).has_table("meta"):
        return ""
    value = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'workspace'")).scalar()
    return str(value) if value is not None else ""


def upgrade() -> None:
    """Add ``workspace`` to the web journal, fill it from ``meta``, index it."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    name = _built_for(bind)
    if sqlite:
        with op.batch_alter_table("ach_edits", recreate="always",
                                  copy_from=_edits_0005()) as batch:
            batch.add_column(_workspace_column(), insert_before="case_id")
            batch.create_primary_key("pk_ach_edits", ["workspace", *_EDIT_KEY])
    else:
        with op.batch_alter_table("ach_edits") as batch:
            batch.add_column(_workspace_column())
            batch.drop_constraint("ach_edits_pkey", type_="primary")
            batch.create_primary_key("pk_ach_edits", ["workspace", *_EDIT_KEY])
    for table in ("sessions", "audit_log"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_workspace_column())
    if name:
        # audit_log refuses UPDATE through its triggers: lift them for this one fill
        _audit_triggers(bind.dialect.name, enable=False)
        for table in ("ach_edits", "sessions", "audit_log"):
            bind.execute(sa.text(f"UPDATE {table} SET workspace = :w"), {"w": name})
        _audit_triggers(bind.dialect.name, enable=True)
    op.create_index("ix_sessions_workspace_username", "sessions", ["workspace", "username"])
    op.create_index("ix_audit_log_workspace_id", "audit_log", ["workspace", "id"])


def _audit_triggers(dialect: str, *, enable: bool) -> None:
    if dialect == "postgresql":
        verb = "ENABLE" if enable else "DISABLE"
        op.execute(f"ALTER TABLE audit_log {verb} TRIGGER audit_log_no_change")
    elif dialect == "sqlite":
        if not enable:
            op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        else:
            op.execute(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END"
            )


def downgrade() -> None:
    """Drop the ``workspace`` columns (fails if two workspaces edited the same cell)."""
    bind = op.get_bind()
    op.drop_index("ix_audit_log_workspace_id", table_name="audit_log")
    op.drop_index("ix_sessions_workspace_username", table_name="sessions")
    sqlite = bind.dialect.name == "sqlite"
    for table in ("audit_log", "sessions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("workspace")
    if sqlite:  # a rebuilt audit_log lost its triggers
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON "
                f"audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {verb} refused'); "
                "END"
            )
        with op.batch_alter_table("ach_edits", recreate="always") as batch:
            batch.drop_constraint("pk_ach_edits", type_="primary")
            batch.drop_column("workspace")
            batch.create_primary_key("pk_ach_edits", _EDIT_KEY)
    else:
        with op.batch_alter_table("ach_edits") as batch:
            batch.drop_constraint("pk_ach_edits", type_="primary")
            batch.drop_column("workspace")
            batch.create_primary_key("ach_edits_pkey", _EDIT_KEY)
