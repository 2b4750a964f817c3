"""Hold a shorter retention period asked for by an administrator until the lead guardian confirms.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the waiting period and who asked for it; nothing waits at first."""
    with op.batch_alter_table("organisation_settings") as batch_op:
        batch_op.add_column(sa.Column("pending_retention_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pending_retention_asked_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop them: a waiting change is forgotten, and the current period stays."""
    with op.batch_alter_table("organisation_settings") as batch_op:
        batch_op.drop_column("pending_retention_asked_by")
        batch_op.drop_column("pending_retention_years")
