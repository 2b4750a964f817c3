"""Record portal sessions the person signed out of, so a copied cookie stops working.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table of ended portal sessions: a token hash and a day, nothing else."""
    op.create_table(
        "ended_portal_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("keep_until", sa.Date(), nullable=False),
    )
    op.create_index("ix_ended_portal_sessions_keep_until", "ended_portal_sessions", ["keep_until"])


def downgrade() -> None:
    """Drop the table: portal sessions end only when their cookie expires again."""
    op.drop_index("ix_ended_portal_sessions_keep_until", "ended_portal_sessions")
    op.drop_table("ended_portal_sessions")
