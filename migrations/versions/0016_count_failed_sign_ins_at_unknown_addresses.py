"""Count failed sign-ins at addresses with no account, so the wait never tells them apart.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table: a keyed hash of the address, its failure count and the latest failure."""
    op.create_table(
        "unknown_address_failures",
        sa.Column("address_key", sa.String(64), primary_key=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("last_failed_sign_in_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_unknown_address_failures_last_failed_sign_in_at",
        "unknown_address_failures",
        ["last_failed_sign_in_at"],
    )


def downgrade() -> None:
    """Drop the table: unknown addresses are refused without a wait again."""
    op.drop_index("ix_unknown_address_failures_last_failed_sign_in_at", "unknown_address_failures")
    op.drop_table("unknown_address_failures")
