"""Journal tables for forecasts: the registry, resolutions and signpost observations.

Journal tables are kept across builds (a build replaces only the compiled tables) and are
append-only: a trigger refuses every UPDATE and DELETE (PostgreSQL also TRUNCATE), so a row once
written can never change. Corrections are new rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The append-only tables.
JOURNAL_TABLES = ("forecasts", "resolutions", "observations")


def upgrade() -> None:
    """Create the journal tables and their immutability triggers.

    Long: one migration creates every table of its revision, column by column.
    """
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("question", sa.String(80), nullable=False),
        sa.Column("forecaster", sa.String(80), nullable=False),
        sa.Column("scenario", sa.String(80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=True),
    )
    op.create_index("ix_forecasts_question", "forecasts", ["question", "forecaster", "scenario"])
    op.create_table(
        "resolutions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("question", sa.String(80), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("resolved_on", sa.String(10), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_resolutions_question", "resolutions", ["question"])
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("signpost", sa.String(80), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("observed_on", sa.String(10), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("likelihoods", sa.JSON(), nullable=False),
        sa.Column("weights_before", sa.JSON(), nullable=False),
        sa.Column("weights_after", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_observations_signpost", "observations", ["signpost"])

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION casus_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END;
            $$
            """
        )
        for table in JOURNAL_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION casus_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION casus_append_only()"
            )
    elif dialect == "sqlite":
        for table in JOURNAL_TABLES:
            for op_name in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{op_name.lower()} BEFORE {op_name} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: "
                    f"{op_name} refused'); END"
                )


def downgrade() -> None:
    """Drop the journal tables (and with them their triggers)."""
    dialect = op.get_bind().dialect.name
    for table in reversed(JOURNAL_TABLES):
        op.drop_table(table)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS casus_append_only()")
