"""Record when the detriment check-in happened.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the check-in date."""
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("detriment_checked_in_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Remove the check-in date."""
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("detriment_checked_in_on")
