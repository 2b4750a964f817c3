"""Keep only the portal-wide budget for access-code checks: no rows or counts per reference.

The per-reference rows showed which references had been tried, and the failure counts and
times are no longer read. Every row goes, the overall one too: the table holds at most a few
seconds of state, an empty table is a full budget, and an overall row from the old delays could
lie up to a minute ahead where the budget allows half a second.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

follow_up_throttle = sa.table("follow_up_throttle", sa.column("key", sa.String))


def upgrade() -> None:
    """Delete every row and drop the failure count and time."""
    op.execute(sa.delete(follow_up_throttle))
    with op.batch_alter_table("follow_up_throttle") as batch_op:
        batch_op.drop_column("failures")
        batch_op.drop_column("last_failure_at")


def downgrade() -> None:
    """Empty the table again and give back the failure count and time."""
    op.execute(sa.delete(follow_up_throttle))
    # SQLite cannot add a NOT NULL column without a default in place, so it rebuilds the table.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "follow_up_throttle", recreate="always" if sqlite else "auto"
    ) as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False))
        batch_op.add_column(
            sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False)
        )
