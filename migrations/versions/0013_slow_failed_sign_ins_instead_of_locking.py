"""Slow an account's failed sign-ins instead of locking its owner out.

The lock time goes; the latest failure's time (from which further attempts wait) and the
count the owner was told of at their latest sign-in come in. A lock in force when this runs
simply ends: the failure count it left is zero, so nobody is made to wait.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Replace the lock time with the latest failure and the count told to the owner."""
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.add_column(
            sa.Column("last_failed_sign_in_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("failures_before_sign_in", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Bring back the lock time, with no account locked."""
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("failures_before_sign_in")
        batch_op.drop_column("last_failed_sign_in_at")
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
