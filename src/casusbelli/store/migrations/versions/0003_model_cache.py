"""Model cache: results of the per-theory Bayesian models, keyed by content hash + settings.

A *journal* table: ``casus build`` never replaces it, so a second ``casus analyze`` on an
unchanged workspace reads the models instead of sampling again (see
:mod:`casusbelli.store.cache`). Entries can be deleted and rewritten (it is a cache, not a
record).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``model_cache``."""
    op.create_table(
        "model_cache",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("engine", sa.String(40), nullable=False),
        sa.Column("workspace", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
    )
    op.create_index("ix_model_cache_content_hash", "model_cache", ["content_hash"])


def downgrade() -> None:
    """Drop ``model_cache``."""
    op.drop_index("ix_model_cache_content_hash", table_name="model_cache")
    op.drop_table("model_cache")
