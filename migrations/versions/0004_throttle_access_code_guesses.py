"""Throttle access-code guesses per case reference and overall.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table of failed attempts, keyed by a keyed hash of the reference."""
    op.create_table(
        "follow_up_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_follow_up_throttle")),
    )


def downgrade() -> None:
    """Remove the table of failed attempts."""
    op.drop_table("follow_up_throttle")
