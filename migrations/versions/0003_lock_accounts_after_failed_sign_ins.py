"""Lock an account for a while after too many failed sign-ins in a row.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the time until which sign-in is refused."""
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Remove the lock time."""
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("locked_until")
