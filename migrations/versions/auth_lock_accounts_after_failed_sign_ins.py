"""Lock an account for a while after too many failed sign-ins in a row.

Revision ID: auth_0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0002"
down_revision = "0001"
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
