"""Web app journal tables: ACH edits, users, sessions, an append-only audit log, login attempts.

These are *journal* tables: ``casus build`` never replaces them, so edits made in the web app
survive rebuilds of the workspace. ``audit_log`` refuses UPDATE and DELETE (and TRUNCATE on
PostgreSQL) through triggers, so the history of changes can only grow.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION casus_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$
"""


def upgrade() -> None:
    """Create the journal tables of the web app and the audit-log triggers.

    Long: one migration creates every table of its revision, column by column.
    """
    op.create_table(
        "users",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(120),
                  sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
    )
    op.create_table(
        "ach_edits",
        sa.Column("case_id", sa.String(80), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("field", sa.String(12), primary_key=True),
        sa.Column("hypothesis", sa.String(80), primary_key=True),
        sa.Column("analyst", sa.String(120), primary_key=True),
        sa.Column("value", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("edited_by", sa.String(120), nullable=False),
        sa.Column("edited_at", sa.String(32), nullable=False),
        sa.CheckConstraint("field IN ('rating', 'credibility', 'relevance')",
                           name="ck_ach_edits_field"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(80), nullable=True),
        sa.Column("item_id", sa.String(80), nullable=True),
        sa.Column("field", sa.String(12), nullable=True),
        sa.Column("hypothesis", sa.String(80), nullable=True),
        sa.Column("analyst", sa.String(120), nullable=True),
        sa.Column("old_value", sa.String(10), nullable=True),
        sa.Column("new_value", sa.String(10), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_login_attempts_user_ip_at", "login_attempts", ["username", "ip", "at"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {verb} refused'); END"
            )
    elif dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION casus_audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION casus_audit_log_append_only()")


def downgrade() -> None:
    """Drop the web app's journal tables (the audit log with them)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS casus_audit_log_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.drop_index("ix_login_attempts_user_ip_at", table_name="login_attempts")
    for name in ("login_attempts", "audit_log", "ach_edits", "sessions", "users"):
        op.drop_table(name)
