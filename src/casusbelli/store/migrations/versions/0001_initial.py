"""Initial schema: the compiled workspace tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables that every build replaces.

    Long: one migration creates every table of its revision, column by column.
    """
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("file", sa.String(200), nullable=False),
        sa.Column("csl", sa.JSON(), nullable=False),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("theory", sa.String(80), nullable=False),
        sa.Column("guide", sa.Text(), nullable=False),
        sa.Column("measured", sa.JSON(), nullable=True),
    )
    op.create_table(
        "theories",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("paths", sa.Text(), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("implications", sa.JSON(), nullable=False),
        sa.Column("predictions", sa.JSON(), nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("start", sa.String(10), nullable=False),
        sa.Column("end", sa.String(10), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
    )
    op.create_table(
        "codings",
        sa.Column("case_id", sa.String(80), sa.ForeignKey("cases.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("indicator_id", sa.String(80),
                  sa.ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
    )
    op.create_table(
        "evidence_sets",
        sa.Column("case_id", sa.String(80), primary_key=True),
        sa.Column("hypotheses", sa.JSON(), nullable=True),
        sa.Column("prior", sa.JSON(), nullable=True),
    )
    op.create_table(
        "evidence_items",
        sa.Column("case_id", sa.String(80),
                  sa.ForeignKey("evidence_sets.case_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("credibility", sa.String(10), nullable=False),
        sa.Column("relevance", sa.String(10), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("likelihoods", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_table(
        "ratings",
        sa.Column("case_id", sa.String(80), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("analyst", sa.String(120), primary_key=True),
        sa.Column("hypothesis", sa.String(80), primary_key=True),
        sa.Column("rating", sa.String(2), nullable=False),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("closes", sa.String(10), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
    )
    op.create_table(
        "frames",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    """Drop the compiled tables."""
    for name in ("ratings", "evidence_items", "evidence_sets", "codings", "cases", "theories",
                 "indicators", "sources", "questions", "frames", "meta"):
        op.drop_table(name)
