"""Codings can be ``n/a`` (not applicable), distinct from unknown and from 0.

Adds ``codings.applicable`` (true by default, so existing rows stay as they were: a NULL value
there still means unknown).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``codings.applicable``."""
    with op.batch_alter_table("codings") as batch:
        batch.add_column(
            sa.Column("applicable", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    """Drop ``codings.applicable``."""
    with op.batch_alter_table("codings") as batch:
        batch.drop_column("applicable")
